// Discovery for a failover: every node reachable from the entry points, each polled once with a short,
// hard bound (1 s by default), all in parallel. A node that accepted the connection but sent nothing back
// within the bound is "not answering" (stopped, hung, overloaded) and is not asked again: a failover races
// the Sentinels' and the cluster's own, and must not spend seconds per round on a dead master.
// The console's topology engine polls forever; this one polls each node once and stops.
import { connect as tcpConnect } from 'node:net';
import { nodeId, type Endpoint } from '../../options/endpoint.js';
import type { ConnectOptions } from '../redis/connect.js';
import { NodeProbe, type Neighbour, type PollResult } from '../topology/probe.js';
import { listenForSentinels } from '../topology/subscriptions.js';
import type { ClusterNodeEntry, NodeState } from '../topology/types.js';

export const PROBE_BOUND_MS = 1000;

export interface ProbeAllOptions {
  entries: Endpoint[];
  conn: ConnectOptions;
  masterName?: string;
  dataAuth?: { username?: string; password?: string };
  sentinelAuth?: { username?: string; password?: string };
  labels?: Record<string, string>;
  /** the longest a node may take to answer (connect and reply) */
  boundMs?: number;
  /** Sentinels announce themselves on the master every 2 s: how long to wait for those its CLIENT LIST shows */
  helloWaitMs?: number;
}

interface Tracked {
  ep: Endpoint;
  state: NodeState;
  entry: boolean;
  polled: boolean;
  view?: ClusterNodeEntry[];
}

/** Whether something at host:port accepts a TCP connection within ms. */
export function tcpAccepts(host: string, port: number, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = tcpConnect({ host, port });
    const done = (ok: boolean) => {
      clearTimeout(t);
      s.destroy();
      resolve(ok);
    };
    const t = setTimeout(() => done(false), ms);
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** A poll of one node that returns within the bound, whatever the node does. */
async function boundedPoll(ep: Endpoint, conn: ConnectOptions, masterName: string | undefined, boundMs: number): Promise<PollResult> {
  const probe = new NodeProbe(ep, conn, masterName);
  const id = probe.id;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), boundMs + 250)));
  try {
    const result = await Promise.race([probe.poll(), late]);
    // up, or refusing the credentials: it answered (a refusal is not silence, whatever the connection did after)
    if (result && (result.state.status === 'up' || result.state.authFailed)) return result;
    const error = result?.state.lastError ?? '';
    // a timeout (or a connection given up while waiting for a reply) from a node whose port accepts connections: it is there, and silent
    if (!result || /within the timeout|timed out|not answering|connection lost|lost the connection|reconnecting/i.test(error)) {
      if (await tcpAccepts(ep.host, ep.port, Math.min(500, boundMs))) {
        return down(ep, `${id} is not answering: it accepted a connection but sent no reply within ${boundMs} ms (stopped, hung or overloaded)`);
      }
      return down(ep, `no answer from ${id} within ${boundMs} ms: it does not accept connections (down, or a firewall)`);
    }
    return result;
  } finally {
    clearTimeout(timer);
    probe.close();
  }
}

function down(ep: Endpoint, lastError: string): PollResult {
  return { state: { id: nodeId(ep.host, ep.port), host: ep.host, port: ep.port, role: 'unknown', status: 'down', lastError, lastPollAt: Date.now() }, neighbours: [] };
}

/** What the other nodes' CLUSTER NODES say of one node: the worst failing flag, and its own entry when it cannot say. */
export function clusterPeerViews(states: Array<{ id: string; up: boolean; view?: ClusterNodeEntry[] }>, target: { id: string; clusterId?: string }): { failing: 'fail' | 'pfail' | null; entry?: ClusterNodeEntry } {
  const seen = states
    .filter((s) => s.up && s.id !== target.id)
    .flatMap((s) => (s.view ?? []).filter((e) => !e.myself && (target.clusterId ? e.id === target.clusterId : nodeId(e.host, e.port) === target.id)));
  const failing = seen.some((e) => e.failing === 'fail') ? 'fail' : seen.some((e) => e.failing === 'pfail') ? 'pfail' : null;
  // the entry of the node that knows most about it: slots first (a master's), then any
  const entry = seen.find((e) => e.slots.length) ?? seen[0];
  return { failing, entry };
}

/** Discovers the deployment: rounds of bounded polls until no new node turns up; returns every node once. */
export async function probeAll(o: ProbeAllOptions): Promise<NodeState[]> {
  const bound = o.boundMs ?? PROBE_BOUND_MS;
  const conn: ConnectOptions = { ...o.conn, connectTimeoutMs: Math.min(o.conn.connectTimeoutMs, bound), commandTimeoutMs: Math.min(o.conn.commandTimeoutMs, bound) };
  const nodes = new Map<string, Tracked>();
  const closers: Array<() => void> = [];
  let expectedSentinels = 0;
  const hello: Endpoint[] = [];

  const track = (ep: Endpoint, entry: boolean, said: Partial<NodeState> = {}) => {
    const id = nodeId(ep.host, ep.port);
    const known = nodes.get(id);
    // a node named by the operator (--to) that cannot tell its role itself (it refuses the credentials, or is down):
    // what its neighbours say of it (a replica of that master)
    if (known && known.state.status !== 'up' && known.state.role === 'unknown' && said.role) known.state = { ...known.state, ...said };
    if (known || !ep.host || !ep.port) return;
    nodes.set(id, { ep, entry, polled: false, state: { id, host: ep.host, port: ep.port, role: 'unknown', status: 'pending', ...(o.labels?.[id] ? { label: o.labels[id] } : {}), ...said } });
  };
  const neighbour = (from: Endpoint, n: Neighbour) => {
    const auth = (n.sentinel ? o.sentinelAuth : o.dataAuth) ?? {};
    const said: Partial<NodeState> = n.sentinel ? { role: 'sentinel' } : n.replicaOf ? { role: 'replica', masterId: n.replicaOf } : {};
    track({ ...from, host: n.host, port: n.port, db: n.sentinel ? 0 : from.db, username: auth.username, password: auth.password }, false, said);
  };
  const pollPending = async () => {
    const pending = [...nodes.values()].filter((t) => !t.polled);
    await Promise.all(
      pending.map(async (t) => {
        t.polled = true;
        const r = await boundedPoll(t.ep, conn, o.masterName, bound);
        const prev = t.state;
        // a node down keeps what others said of it (its role, its master)
        t.state = r.state.status === 'up' ? { ...r.state, ...(prev.label ? { label: prev.label } : {}) } : { ...r.state, role: prev.role, ...(prev.masterId ? { masterId: prev.masterId } : {}), ...(prev.label ? { label: prev.label } : {}) };
        t.view = r.clusterView;
        for (const n of r.neighbours) neighbour(t.ep, n);
        if (r.sentinelClients) {
          expectedSentinels = Math.max(expectedSentinels, r.sentinelClients);
          hello.push(t.ep);
        }
      }),
    );
    return pending.length;
  };

  for (const ep of o.entries) track(ep, true);
  try {
    for (let round = 0; round < 8 && (await pollPending()) > 0; round++);
    // Sentinels watch a master (its CLIENT LIST says so) but none was named: they announce themselves on its hello channel every 2 s
    const sentinels = () => [...nodes.values()].filter((t) => t.state.role === 'sentinel').length;
    if (hello.length && sentinels() < expectedSentinels) {
      for (const ep of hello) closers.push(listenForSentinels(ep, conn, (host, port) => neighbour(ep, { host, port, sentinel: true })));
      const deadline = Date.now() + (o.helloWaitMs ?? 2500);
      while (sentinels() < expectedSentinels && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      for (let round = 0; round < 4 && (await pollPending()) > 0; round++);
    }
  } finally {
    for (const close of closers) close();
  }
  return finish([...nodes.values()]);
}

/** One node reached under two addresses (the same run_id): keep the address the deployment itself uses. Then the cluster's view of each node. */
function finish(all: Tracked[]): NodeState[] {
  const byRun = new Map<string, Tracked>();
  const kept: Tracked[] = [];
  for (const t of all) {
    const run = t.state.status === 'up' ? t.state.server?.runId : undefined;
    const other = run ? byRun.get(run) : undefined;
    if (!other) {
      if (run) byRun.set(run, t);
      kept.push(t);
      continue;
    }
    if (other.entry && !t.entry) {
      kept[kept.indexOf(other)] = t;
      byRun.set(run!, t);
      t.state = { ...t.state, label: t.state.label ?? other.state.label };
    } else other.state = { ...other.state, label: other.state.label ?? t.state.label };
  }
  const views = kept.map((t) => ({ id: t.state.id, up: t.state.status === 'up', view: t.view }));
  const anyCluster = kept.some((t) => t.state.cluster);
  return kept.map((t) => {
    const s = t.state;
    if (!anyCluster || s.role === 'sentinel') return s;
    const self = s.cluster?.self;
    const { failing, entry } = clusterPeerViews(views, { id: s.id, clusterId: self?.id });
    if (s.cluster) return { ...s, cluster: { ...s.cluster, peerFailing: failing } };
    if (!entry) return s;
    // down from the start: what the others' CLUSTER NODES say of it (its id, its slots, its role)
    const role = s.role === 'unknown' ? (entry.role === 'unknown' ? 'unknown' : entry.role) : s.role;
    return { ...s, role, cluster: { self: { ...entry, myself: false }, peerFailing: failing } };
  });
}
