// Short reads of the cluster while a reshard waits out a failover: CLUSTER NODES from the first node that answers,
// whether a node calls itself a master, whether it says cluster_state:ok. Over bare RESP connections with the node's
// own timeout (not MIGRATE's). Knows nothing of terminals.
import type { RespPool } from '../../redis/resp-pool.js';
import { clusterViewOf } from './cluster-view.js';
import type { ClusterView } from './reshard-plan.js';

export class ClusterProbe {
  constructor(private readonly pool: RespPool) {}

  private async ask(address: string, argv: string[]): Promise<unknown> {
    const p = (await this.pool.get(address)).pipeline();
    p.call(argv[0], argv.slice(1));
    const [[err, v]] = await p.exec();
    if (err) throw err;
    return v;
  }

  /** CLUSTER NODES from the first of `addresses` that answers. */
  async view(addresses: string[]): Promise<ClusterView | undefined> {
    for (const address of addresses) {
      try {
        return clusterViewOf(String(await this.ask(address, ['CLUSTER', 'NODES'])));
      } catch {
        /* the next one */
      }
    }
    return undefined;
  }

  /** The node answers and calls itself a master (a view read elsewhere may not know yet that it was failed over). */
  async isMaster(address: string): Promise<boolean> {
    try {
      const role = await this.ask(address, ['ROLE']);
      return Array.isArray(role) && String(role[0]) === 'master';
    } catch {
      return false;
    }
  }

  async clusterOk(address: string): Promise<boolean> {
    try {
      return String(await this.ask(address, ['CLUSTER', 'INFO'])).includes('cluster_state:ok');
    } catch {
      return false;
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
