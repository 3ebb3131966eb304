// bench:failover's deployments: plain replication (a master and two replicas of its own, no Sentinel), a fresh
// empty server for a clone, the lab's Sentinel and Cluster presets; and the waits that say a deployment has
// settled after a failover (every replica linked, every Sentinel agreeing, every cluster node ok), so the next
// run starts from a clean state. Every server is registered (dist/lab/processes.js) and stopped by its owner.
import { join } from 'node:path';
import { Redis } from 'ioredis';

/** @param {string} dist the built tree */
export async function deployKit(dist, bins, dir) {
  const { LabServer } = await import(join(dist, 'lab', 'server.js'));
  const { freePort } = await import(join(dist, 'lab', 'ports.js'));
  const { startLab, MASTER_NAME } = await import(join(dist, 'lab', 'lab.js'));
  let serial = 0;

  /** One standalone redis-server in the bench's folder (tracked by LabServer.start). */
  async function server(name, config = []) {
    const s = new LabServer(bins, dir, { name: `${name}-${++serial}`, kind: 'redis', port: await freePort(), config });
    await s.start();
    return s;
  }

  /** A master and two replicas of it (replicaof in their config), linked. */
  async function plain() {
    const m = await server('m');
    const [r1, r2] = await Promise.all([server('r1', [`replicaof 127.0.0.1 ${m.port}`]), server('r2', [`replicaof 127.0.0.1 ${m.port}`])]);
    const d = { servers: [m, r1, r2], stop: () => Promise.all([m, r1, r2].map((s) => s.kill())) };
    await settlePlain(d.servers);
    return d;
  }

  /** The lab's replication preset (master → r1 → r2, three Sentinels 'mymaster' quorum 2). */
  async function sentinelLab(downAfterMs) {
    const lab = await startLab({ preset: 'replication', downAfterMs });
    return { lab, masterName: MASTER_NAME, sentinels: ['s1', 's2', 's3'].map((n) => lab.server(n).address), data: ['master', 'r1', 'r2'].map((n) => lab.server(n)) };
  }

  async function clusterLab() {
    const lab = await startLab({ preset: 'cluster' });
    return { lab, nodes: ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'].map((n) => lab.server(n)) };
  }

  return { server, plain, sentinelLab, clusterLab };
}

// ---------------------------------------------------------------------------------------------- reading nodes

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** One command on a short-lived connection; undefined when the node does not answer. */
export async function ask(port, ...argv) {
  const c = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000, commandTimeout: 2000 });
  c.on('error', () => undefined);
  try {
    await c.connect();
    return await c.call(...argv);
  } catch {
    return undefined;
  } finally {
    c.disconnect();
  }
}

export function field(text, name) {
  return new RegExp(`^${name}:(.*)$`, 'm').exec(String(text ?? ''))?.[1]?.trim();
}

/** Waits for test() (async) to give a truthy value; throws with what() at the deadline. */
export async function until(test, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await test().catch((e) => (e instanceof Error ? undefined : e));
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s: ${typeof what === 'function' ? what() : what}`);
    await sleep(50);
  }
}

/** The one node of these that says role:master, with every other one a linked replica of it. */
export async function settlePlain(servers, timeoutMs = 30_000) {
  let seen = '';
  return until(
    async () => {
      const infos = await Promise.all(servers.map((s) => ask(s.port, 'INFO', 'replication')));
      seen = servers.map((s, i) => `${s.address} ${field(infos[i], 'role') ?? 'down'}${field(infos[i], 'master_port') ? `→${field(infos[i], 'master_port')}` : ''} ${field(infos[i], 'master_link_status') ?? ''}`).join(', ');
      const masters = servers.filter((_, i) => field(infos[i], 'role') === 'master');
      if (masters.length !== 1) return undefined;
      const m = masters[0];
      const ok = servers.every((s, i) => s === m || (field(infos[i], 'master_port') === String(m.port) && field(infos[i], 'master_link_status') === 'up'));
      return ok ? m : undefined;
    },
    timeoutMs,
    () => `plain replication did not settle: ${seen}`,
  );
}

function pairs(reply) {
  const o = {};
  if (Array.isArray(reply)) for (let i = 0; i + 1 < reply.length; i += 2) o[reply[i]] = reply[i + 1];
  return o;
}

/**
 * Every Sentinel names the same master, which says role:master, with no failover in progress; every other data
 * node is a linked replica, and the Sentinels know the master's direct ones as linked. Returns the master's LabServer.
 */
export async function settleSentinel(d, timeoutMs = 40_000) {
  let seen = '';
  return until(
    async () => {
      const views = await Promise.all(
        d.sentinels.map(async (s) => {
          const port = Number(s.split(':').pop());
          const [addr, master, replicas] = await Promise.all([ask(port, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', d.masterName), ask(port, 'SENTINEL', 'MASTER', d.masterName), ask(port, 'SENTINEL', 'REPLICAS', d.masterName)]);
          return { addr: Array.isArray(addr) ? `${addr[0]}:${addr[1]}` : undefined, master: pairs(master), replicas: Array.isArray(replicas) ? replicas.map(pairs) : [] };
        }),
      );
      const named = new Set(views.map((v) => v.addr));
      seen = views.map((v) => `${v.addr} [${v.master.flags}] replicas ${v.replicas.map((r) => `${r.port}:${r.flags}/${r['master-link-status']}`).join(' ')}`).join(' | ');
      if (named.size !== 1 || !views[0].addr) return undefined;
      // flags exactly 'master': not down, no failover in progress
      if (!views.every((v) => v.master.flags === 'master')) return undefined;
      const live = d.data.filter((s) => s.running);
      const m = live.find((s) => s.address === views[0].addr);
      if (!m) return undefined;
      // every other data node a linked replica (of the master, or of a replica: the lab's chain); the Sentinels
      // know each direct one as a linked replica
      const infos = await Promise.all(live.map((s) => ask(s.port, 'INFO', 'replication')));
      if (field(infos[live.indexOf(m)], 'role') !== 'master') return undefined;
      const ports = new Set(live.map((s) => String(s.port)));
      const linked = live.every((s, i) => s === m || (ports.has(field(infos[i], 'master_port')) && field(infos[i], 'master_link_status') === 'up'));
      if (!linked) return undefined;
      const direct = live.filter((s, i) => s !== m && field(infos[i], 'master_port') === String(m.port));
      for (const v of views) {
        for (const s of direct) {
          const r = v.replicas.find((x) => `${x.ip}:${x.port}` === s.address);
          if (!r || r.flags !== 'slave' || r['master-link-status'] !== 'ok') return undefined;
        }
      }
      return m;
    },
    timeoutMs,
    () => `the Sentinels did not settle: ${seen}`,
  );
}

/**
 * Every node answers cluster_state:ok, knows all the others, flags none of them fail, and sees the same shape: each
 * master that holds slots has a replica, no master without slots (a replica just told to replicate shows as one on
 * the other nodes until gossip catches up); every replica linked.
 */
export async function settleCluster(nodes, timeoutMs = 40_000) {
  let seen = '';
  return until(
    async () => {
      for (const n of nodes) {
        const [info, text, repl] = await Promise.all([ask(n.port, 'CLUSTER', 'INFO'), ask(n.port, 'CLUSTER', 'NODES'), ask(n.port, 'INFO', 'replication')]);
        seen = `${n.name}: ${field(info, 'cluster_state') ?? 'no answer'}, knows ${field(info, 'cluster_known_nodes')}, ${field(repl, 'role')} ${field(repl, 'master_link_status') ?? ''}`;
        if (field(info, 'cluster_state') !== 'ok' || field(info, 'cluster_known_nodes') !== String(nodes.length)) return undefined;
        if (field(repl, 'role') !== 'master' && field(repl, 'master_link_status') !== 'up') return undefined;
        const lines = String(text).trim().split('\n').map((l) => l.split(' '));
        seen += ` · sees ${lines.map((f) => `${f[1].split('@')[0].split(':').pop()} ${f[2].replace('myself,', '')}${f.length > 8 ? ` ${f.slice(8).join(',')}` : ''}`).join(' | ')}`;
        if (lines.some((f) => /fail/.test(f[2]))) return undefined;
        const masters = lines.filter((f) => f[2].includes('master'));
        if (masters.some((m) => m.length <= 8 || !lines.some((r) => r[3] === m[0]))) return undefined;
      }
      return true;
    },
    timeoutMs,
    () => `the cluster did not settle: ${seen}`,
  );
}

function slotRanges(fields) {
  return fields.slice(8).flatMap((r) => (/^\d/.test(r) ? [r.split('-').map(Number)] : [])).map(([a, b]) => [a, b ?? a]);
}

function parseNodes(text) {
  return String(text)
    .trim()
    .split('\n')
    .map((l) => l.split(' '))
    .map((f) => ({ id: f[0], address: f[1].split('@')[0], flags: f[2], masterId: f[3], epoch: Number(f[6]), slots: slotRanges(f) }));
}

const holds = (n, slot) => n.slots.some(([a, b]) => slot >= a && slot <= b);

/** The master holding `slot`, and its replicas, from CLUSTER NODES of the first node that answers. */
export async function shardOfSlot(nodes, slot) {
  for (const n of nodes) {
    if (!n.running) continue;
    const text = await ask(n.port, 'CLUSTER', 'NODES');
    if (!text) continue;
    const list = parseNodes(text);
    const master = list.find((x) => x.flags.includes('master') && !x.flags.includes('fail') && holds(x, slot));
    if (!master) continue;
    const byAddr = (a) => nodes.find((s) => s.address === a);
    return { master: byAddr(master.address), replicas: list.filter((x) => x.masterId === master.id).map((x) => byAddr(x.address)).filter(Boolean) };
  }
  throw new Error(`no cluster node says who holds slot ${slot}`);
}

/**
 * After a cluster failover: every node that runs answers cluster_state:ok and names the same owner of `slot`, not
 * `oldMaster`. Resolves with undefined when they agree (within timeoutMs), or with what they say when they do not.
 */
export async function clusterDisagrees(nodes, slot, oldMaster, timeoutMs = 10_000) {
  let seen = '';
  try {
    await until(
      async () => {
        const views = await Promise.all(
          nodes.filter((n) => n.running).map(async (n) => {
            const [info, text] = await Promise.all([ask(n.port, 'CLUSTER', 'INFO'), ask(n.port, 'CLUSTER', 'NODES')]);
            const owner = text ? parseNodes(text).find((x) => x.flags.includes('master') && holds(x, slot)) : undefined;
            return { n, state: field(info, 'cluster_state'), owner: owner ? `${owner.address} (epoch ${owner.epoch}${owner.flags.includes('fail') ? ', failing' : ''})` : 'nobody', address: owner?.address };
          }),
        );
        seen = views.map((v) => `${v.n.name} ${v.state ?? 'no answer'}, slot ${slot} on ${v.owner}`).join('; ');
        const owners = new Set(views.map((v) => v.address));
        return views.every((v) => v.state === 'ok') && owners.size === 1 && !owners.has(oldMaster) && !owners.has(undefined);
      },
      timeoutMs,
      '',
    );
    return undefined;
  } catch {
    return seen;
  }
}
