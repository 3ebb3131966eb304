// "The way back": after a failure, where each node stands and the exact commands that put the deployment
// back as it was (cutover does not run them; the operator, or a later procedure, does). Pure.
import type { FoKind } from './model.js';
import type { NodeId, NodeReport, WayBack, WayBackCommand } from './types.js';

export interface WayBackInput {
  kind: FoKind;
  /** the nodes before the run */
  original: NodeReport[];
  /** as found after the failure */
  now: NodeReport[];
  /** nodes left under CLIENT PAUSE */
  paused: NodeId[];
  oldMaster: NodeId;
  candidate: NodeId;
  masterName?: string;
  /** how to name the deployment in a cutover command line (a Sentinel's address) */
  sentinel?: NodeId;
}

function hostPort(id: NodeId): [string, string] {
  const i = id.lastIndexOf(':');
  return [id.slice(0, i).replace(/^\[|\]$/g, ''), id.slice(i + 1)];
}

/** "127.0.0.1:6380 master · 127.0.0.1:6379 replica of 127.0.0.1:6380 (link up) · 127.0.0.1:6381 DOWN" */
export function describeNodes(nodes: NodeReport[]): string {
  return nodes
    .filter((n) => n.role !== 'sentinel')
    .map((n) => {
      if (!n.reachable) return `${n.id} does not answer`;
      if (n.role === 'replica') return `${n.id} replica of ${n.masterId ?? '?'} (link ${n.link ?? '?'})`;
      return `${n.id} ${n.role ?? '?'}`;
    })
    .join(' · ');
}

export function wayBack(i: WayBackInput): WayBack {
  const now = new Map(i.now.map((n) => [n.id, n]));
  const old = now.get(i.oldMaster);
  const cand = now.get(i.candidate);
  const state = describeNodes(i.now);
  const cmds: WayBackCommand[] = [];
  const unpause = i.paused.map((id) => ({ node: id, argv: ['CLIENT', 'UNPAUSE'], why: 'let clients write again (the pause would also end by itself)' }));
  const oldIsMaster = old?.reachable && old.role === 'master';
  const candIsMaster = cand?.reachable && cand.role === 'master';
  const switched = candIsMaster && old?.reachable && old.role === 'replica' && old.masterId === i.candidate;

  if (!old?.reachable) {
    return {
      summary: `${state}. The old master ${i.oldMaster} does not answer: there is no way back to it; finish the failover instead (the steps not run are listed).`,
      commands: unpause,
    };
  }
  if (oldIsMaster && !candIsMaster && !i.now.some((n) => n.role === 'replica' && n.reachable && i.original.find((o) => o.id === n.id)?.masterId !== n.masterId)) {
    return { summary: `${state}. No role has changed${i.paused.length ? '; writes are still paused on the old master' : ''}.`, commands: unpause };
  }

  if (i.kind === 'cluster') {
    if (switched) cmds.push({ node: i.oldMaster, argv: ['CLUSTER', 'FAILOVER'], why: 'hand the shard back to the old master (a manual failover: loss-free)' });
    return { summary: `${state}.${switched ? ' The switch is done; the way back is a manual failover on the old master.' : ''}`, commands: [...cmds, ...unpause] };
  }

  if (i.kind === 'sentinel') {
    const named = i.now.filter((n) => n.role === 'sentinel' && n.masterId).map((n) => n.masterId);
    const sentinelsSwitched = named.length > 0 && named.every((m) => m === i.candidate);
    if (sentinelsSwitched) {
      const how = i.sentinel && i.masterName ? `cutover failover --sentinel ${i.sentinel} --master-name ${i.masterName} --to ${i.oldMaster}` : `a planned failover back to ${i.oldMaster}`;
      if (oldIsMaster) cmds.push({ node: i.oldMaster, argv: ['REPLICAOF', ...hostPort(i.candidate)], why: 'the Sentinels name the new master: the old one must follow it (they would do it within about 10 s)' });
      return { summary: `${state}. The Sentinels have switched to ${i.candidate}; the way back is ${how}.`, commands: [...cmds, ...unpause] };
    }
  }

  if (i.kind === 'replication' && switched && old.link === 'up') {
    cmds.push({ node: i.candidate, argv: ['FAILOVER', 'TO', ...hostPort(i.oldMaster), 'TIMEOUT', '5000'], why: 'hand back to the old master, loss-free (it follows the new one with its link up)' });
  } else {
    if (!oldIsMaster) cmds.push({ node: i.oldMaster, argv: ['REPLICAOF', 'NO', 'ONE'], why: 'the old master takes writes again' });
    if (candIsMaster) cmds.push({ node: i.candidate, argv: ['REPLICAOF', ...hostPort(i.oldMaster)], why: 'back to a replica of the old master (writes it took meanwhile are lost)' });
  }
  for (const o of i.original) {
    if (o.role !== 'replica' || o.id === i.candidate || !o.masterId) continue;
    const n = now.get(o.id);
    if (n?.reachable && n.masterId !== o.masterId) {
      cmds.push({ node: o.id, argv: ['REPLICAOF', ...hostPort(o.masterId)], why: `back to replicating from ${o.masterId}` });
    }
  }
  return { summary: `${state}.`, commands: [...cmds, ...unpause] };
}
