// The way back from a clone that stopped midway: each node back to what it replicated from, the settings
// the clone had before (secret ones not shown). Pure.
import { SECRET_SETTINGS, HIDDEN } from '../redact-command.js';
import type { NodeId, NodeReport, WayBack, WayBackCommand } from '../types.js';
import { describeNodes } from '../wayback.js';

export interface CloneWayBackInput {
  original: NodeReport[];
  now: NodeReport[];
  paused: NodeId[];
  origin: NodeId;
  clone: NodeId;
  /** the settings cutover changed on the clone, with the values they had */
  applied: Array<{ name: string; old: string }>;
  /** what the clone replicated from before, if anything */
  formerMaster?: NodeId;
}

function hostPort(id: NodeId): [string, string] {
  const i = id.lastIndexOf(':');
  return [id.slice(0, i), id.slice(i + 1)];
}

export function cloneWayBack(i: CloneWayBackInput): WayBack {
  const now = new Map(i.now.map((n) => [n.id, n]));
  const cmds: WayBackCommand[] = [];
  const origin = now.get(i.origin);
  const clone = now.get(i.clone);
  const originWas = i.original.find((n) => n.id === i.origin);
  // the origin, if it was demoted: back first, loss-free when it follows the clone with its link up
  if (originWas?.role === 'master' && origin?.reachable && origin.role === 'replica' && origin.masterId === i.clone) {
    if (clone?.role === 'master' && origin.link === 'up') cmds.push({ node: i.clone, argv: ['FAILOVER', 'TO', ...hostPort(i.origin), 'TIMEOUT', '5000'], why: 'hand writes back to the origin, loss-free' });
    else cmds.push({ node: i.origin, argv: ['REPLICAOF', 'NO', 'ONE'], why: 'the origin takes writes again' });
  }
  for (const o of i.original) {
    if (o.id === i.origin || o.id === i.clone || o.role !== 'replica' || !o.masterId) continue;
    const n = now.get(o.id);
    if (n?.reachable && n.masterId !== o.masterId) cmds.push({ node: o.id, argv: ['REPLICAOF', ...hostPort(o.masterId)], why: `back to replicating from ${o.masterId}` });
  }
  if (clone?.reachable) {
    const failoverBack = cmds.some((c) => c.argv[0] === 'FAILOVER');
    if (i.formerMaster && clone.masterId !== i.formerMaster) cmds.push({ node: i.clone, argv: ['REPLICAOF', ...hostPort(i.formerMaster)], why: 'back to replicating from where it did' });
    else if (!i.formerMaster && clone.role === 'replica' && !failoverBack) cmds.push({ node: i.clone, argv: ['REPLICAOF', 'NO', 'ONE'], why: "stop replicating from the origin (the keys it had before are not restored)" });
  }
  for (const s of i.applied) {
    // a secret is hidden, but an empty one is no secret: it shows as ""
    const hidden = SECRET_SETTINGS.has(s.name) && s.old !== '';
    cmds.push({ node: i.clone, argv: ['CONFIG', 'SET', s.name, hidden ? HIDDEN : s.old], why: hidden ? 'its former value (not shown)' : s.old === '' ? 'its former value: empty' : 'the value it had' });
  }
  for (const id of i.paused) cmds.push({ node: id, argv: ['CLIENT', 'UNPAUSE'], why: 'let clients write again (the pause would also end by itself)' });
  return { summary: `${describeNodes(i.now)}.`, commands: cmds };
}
