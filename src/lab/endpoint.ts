// The lab's switchable endpoint as a whole: the TCP proxy the clients connect to (proxy.ts), its control port
// (endpoint-control.ts), and the repoint itself: which backend, checked to answer PING first, said in the log.
import { Emitter } from '../engine/emitter.js';
import type { LogEntry } from '../engine/topology/types.js';
import { BackendRefused, resolveBackend, type NamedServer, type ResolvedBackend } from './backend-name.js';
import { EndpointControl, type EndpointState, type SwitchReply } from './endpoint-control.js';
import type { ManifestEndpoint } from './manifest.js';
import { TcpProxy } from './proxy.js';
import { pingPort } from './server.js';

export type EndpointEvent = { type: 'log'; entry: LogEntry };

const describe = (b: { name?: string; address: string }) => (b.name ? `${b.name} ${b.address}` : b.address);

export class LabEndpoint {
  /** a line for the console's event log at each repoint */
  readonly events = new Emitter<EndpointEvent>();
  private current: { name?: string; address: string };

  private constructor(
    private readonly proxy: TcpProxy,
    private readonly control: EndpointControl,
    backend: ResolvedBackend,
    /** the lab's servers now, to resolve names; called at each switch */
    private readonly servers: () => NamedServer[],
    /** after a repoint: the lab rewrites its manifest */
    private readonly changed: () => void,
  ) {
    this.current = { name: backend.name, address: backend.address };
  }

  static async start(backend: ResolvedBackend, servers: () => NamedServer[], changed: () => void): Promise<LabEndpoint> {
    const proxy = await TcpProxy.listen(backend);
    let endpoint: LabEndpoint | undefined;
    const control = await EndpointControl.listen({
      state: () => endpoint!.state(),
      switchTo: (to) => endpoint!.switchTo(to),
    }).catch(async (err) => {
      await proxy.close();
      throw err;
    });
    endpoint = new LabEndpoint(proxy, control, backend, servers, changed);
    return endpoint;
  }

  get address(): string {
    return this.proxy.address;
  }

  get backend(): { name?: string; address: string } {
    return { ...this.current };
  }

  state(): EndpointState {
    return { endpoint: this.address, backend: this.backend, connections: this.proxy.connections };
  }

  /** Repoints the proxy to a lab server's name or HOST:PORT; refused (nothing changed) if it does not answer PING. */
  async switchTo(to: string): Promise<SwitchReply> {
    const next = resolveBackend(to, this.servers());
    if (!(await pingPort(next.port, 1000, next.host))) {
      throw new BackendRefused(`${describe(next)} does not answer PING: the endpoint still forwards to ${describe(this.current)}`);
    }
    const was = this.current;
    this.current = { name: next.name, address: next.address };
    const closed = this.proxy.setBackend(next.host, next.port);
    this.changed();
    const message = `endpoint now forwards to ${describe(this.current)} (was ${describe(was)}); ${closed} connection${closed === 1 ? '' : 's'} closed`;
    this.events.emit({ type: 'log', entry: { at: Date.now(), level: 'warn', kind: 'info', message } });
    return { endpoint: this.address, backend: this.backend, was, closed };
  }

  manifest(): ManifestEndpoint {
    return { name: 'endpoint', address: this.address, backend: this.backend, control: { port: this.control.port, token: this.control.token } };
  }

  async close(): Promise<void> {
    await Promise.all([this.control.close(), this.proxy.close()]);
  }
}
