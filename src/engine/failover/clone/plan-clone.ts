// `cutover clone`, prepared: both nodes read (INFO, CONFIG GET *), the refusals checked, and the plan drawn
// up: settings copied, the passwords carried, the clone made a replica and synced (with progress), and
// optionally promoted, loss-free by default (writes paused on the origin until the clone has every one);
// with reconfigure the origin's replicas and the origin itself follow the clone.
import { InputError, nodeId, type Endpoint } from '../../../options/endpoint.js';
import { RECONFIGURE_REPLICA_REFUSAL } from '../../../options/failover-args.js';
import { remember } from '../../../options/redact.js';
import { bytes } from '../../../format/units.js';
import type { ParsedInfo } from '../../topology/parse-info.js';
import { masterauthStep, readAuth, type NodeAuth } from '../auth.js';
import { okReply, replicaofReply, rewriteSteps } from '../plan-common.js';
import { pauseStep, unpauseStep } from '../plan-replication.js';
import type { NodePool } from '../pool.js';
import type { Check, CommandStep, NodeId, NodeReport, Plan, Step, StepContext, WaitStep } from '../types.js';
import { pollUntil, waitCaughtUp, waitFailoverTo, waitFollows } from '../waits.js';
import { secondsText } from '../../../format/durations.js';
import { cloneWayBack } from './clone-wayback.js';
import { configRecord, planAuth, planSettings } from './settings.js';
import { syncState } from './sync-progress.js';

export interface CloneRequest {
  origin: Endpoint;
  clone: Endpoint;
  promote: boolean;
  reconfigure: boolean;
  role: 'master' | 'replica';
  timeoutMs: number;
  pauseMs: number;
  noConfig: boolean;
  noPause: boolean;
  via: 'pause' | 'failover';
  /** how long the nodes repointed to the clone may take to follow it */
  followTimeoutMs?: number;
}

interface Side {
  id: NodeId;
  host: string;
  port: number;
  info: ParsedInfo;
  config?: Record<string, string>;
  configError?: string;
}

async function readSide(pool: NodePool, ep: Endpoint, what: string): Promise<Side> {
  const id = pool.add(ep);
  const info = await pool.info(id, 'default').catch((err: Error) => {
    throw new Error(`${what}: ${err.message}`);
  });
  let config: Record<string, string> | undefined;
  let configError: string | undefined;
  try {
    config = configRecord(await pool.call(id, ['CONFIG', 'GET', '*']));
    for (const secret of ['requirepass', 'masterauth']) remember(config[secret]);
  } catch (err) {
    configError = String((err as Error).message);
  }
  return { id, host: ep.host, port: ep.port, info, config, configError };
}

function versionOf(s: Side): number[] {
  return (s.info.server.redisVersion ?? '0.0.0').split('.').map(Number);
}

function older(a: number[], b: number[]): boolean {
  return a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
}

function split(id: NodeId): [string, string] {
  const i = id.lastIndexOf(':');
  return [id.slice(0, i), id.slice(i + 1)];
}

/** The sync, watched: bytes received, the snapshot loaded, then the clone in step with the origin. */
function syncWait(clone: NodeId, origin: NodeId, timeoutMs: number): WaitStep {
  return {
    kind: 'wait',
    id: 'sync',
    node: clone,
    what: `until ${clone} has synced from ${origin} (up to ${secondsText(timeoutMs)})`,
    why: "the clone holds the origin's data and follows its writes",
    timeoutMs,
    run: async (ctx) => {
      let last = '';
      let maxBytes = 0;
      await pollUntil(
        ctx,
        timeoutMs,
        200,
        async () => {
          const [r, p, o] = await Promise.all([ctx.info(clone, 'replication'), ctx.info(clone, 'persistence'), ctx.info(origin, 'replication')]);
          const fields = r.sections.replication ?? {};
          const originFields = o.sections.replication ?? {};
          const originOffset = Number(originFields.master_repl_offset ?? 0);
          const s = syncState(fields, p.sections.persistence ?? {}, originOffset);
          if (s.unit === 'bytes' && s.done) maxBytes = Math.max(maxBytes, s.done);
          last = s.text;
          ctx.progress({ text: s.text, done: s.done, total: s.total, unit: s.unit });
          const following = `${fields.master_host}:${fields.master_port}` === origin;
          const sameHistory = fields.master_replid && fields.master_replid === originFields.master_replid;
          // after a diskless sync the origin streams its writes only once it lists the clone online (its first
          // REPLCONF ACK, up to a second later): a write pause before that would wait for it
          // (the origin lists the clone by the IP it connected from: a clone named by a hostname is matched by its port)
          const port = Number(clone.slice(clone.lastIndexOf(':') + 1));
          const entries = (o.replication?.replicas ?? []).filter((x) => x.port === port);
          const exact = entries.filter((x) => nodeId(x.host, x.port) === clone);
          const mine = exact.length ? exact : entries.length === 1 ? entries : [];
          const online = mine.some((x) => x.state === 'online');
          return s.synced && following && sameHistory && online ? true : undefined;
        },
        () => `the clone did not finish its sync within ${secondsText(timeoutMs)}: ${last || 'no answer'}`,
      );
      return `synced${maxBytes ? `: ${bytes(maxBytes)} received` : ''}`; // the step's line gives the time
    },
  };
}

export async function prepareClone(req: CloneRequest, pool: NodePool): Promise<{ plan: Plan }> {
  if (req.reconfigure && req.role === 'replica') throw new InputError(RECONFIGURE_REPLICA_REFUSAL);
  const [origin, clone] = await Promise.all([readSide(pool, req.origin, 'origin'), readSide(pool, req.clone, 'clone')]);
  const oRepl = origin.info.replication;
  const cRepl = clone.info.replication;
  const oRole = oRepl?.role ?? 'master';
  if (origin.info.server.redisMode === 'sentinel' || clone.info.server.redisMode === 'sentinel') {
    throw new InputError(`${origin.info.server.redisMode === 'sentinel' ? origin.id : clone.id} is a Sentinel: clone copies a data node onto another`);
  }
  if (oRole !== req.role) {
    throw new InputError(`the origin ${origin.id} is a ${oRole}, not a ${req.role}: use --role ${oRole} (or name the ${req.role} to clone)`);
  }
  if (origin.info.server.runId && origin.info.server.runId === clone.info.server.runId) {
    throw new InputError(`--origin and --clone reach the same server (run_id ${origin.info.server.runId.slice(0, 8)}…): the clone must be another server`);
  }
  if (clone.info.server.clusterEnabled) throw new InputError(`the clone ${clone.id} has cluster mode enabled: a cluster node cannot be made a replica by REPLICAOF; give a standalone server`);
  if (origin.info.server.clusterEnabled && req.reconfigure) throw new InputError(`the origin ${origin.id} is a cluster node: to move its shard use 'cutover failover' (CLUSTER FAILOVER), not clone --reconfigure`);
  if (older(versionOf(clone), versionOf(origin))) {
    throw new InputError(`the clone runs Redis ${clone.info.server.redisVersion}, older than the origin's ${origin.info.server.redisVersion}: it may not read the origin's snapshot; use a clone of the same version or newer`);
  }
  if (!origin.config && !req.noConfig) throw new InputError(`CONFIG GET is refused on the origin (${origin.configError}): add --no-config to clone without copying settings`);
  if (!clone.config) throw new InputError(`CONFIG GET is refused on the clone (${clone.configError}): cutover needs CONFIG on the clone to set it up`);
  const dbs = Number(clone.config.databases ?? 16);
  const usedDbs = Object.keys(origin.info.server.keyspace ?? {}).map(Number);
  const highest = Math.max(-1, ...usedDbs);
  if (highest >= dbs) throw new InputError(`the origin holds keys in db ${highest} but the clone has only ${dbs} databases: start the clone with 'databases ${highest + 1}' or more`);
  const oClients = String(await pool.call(origin.id, ['CLIENT', 'LIST']).catch(() => ''));
  const sentinelWatched = /name=sentinel-/.test(oClients);
  if (sentinelWatched && req.reconfigure) {
    throw new InputError(`Sentinels watch the origin ${origin.id}: reconfiguring behind their backs would be undone; use 'cutover failover --sentinel …' or remove it from the Sentinels first (SENTINEL REMOVE)`);
  }

  // the node whose writes feed the origin: the origin, or its master when the origin is a replica
  let writer: { id: NodeId; host: string; port: number } = origin;
  if (req.role === 'replica' && oRepl?.masterHost && oRepl.masterPort) {
    const ep = { ...req.origin, host: oRepl.masterHost, port: oRepl.masterPort };
    writer = { id: pool.add(ep), host: ep.host, port: ep.port };
    if (req.promote && !req.noPause) {
      await pool.info(writer.id).catch((err: Error) => {
        throw new InputError(`the origin's master ${writer.id} does not answer (${err.message}): writes cannot be paused there for a loss-free promotion; promote with --no-pause`);
      });
    }
  }
  const originReplicas = (oRepl?.replicas ?? [])
    .filter((r) => r.port > 0)
    .map((r) => nodeId(r.host, r.port))
    .filter((id) => id !== clone.id);
  for (const id of originReplicas) {
    const [host, port] = split(id);
    pool.add({ ...req.origin, host, port: Number(port), db: 0 });
  }

  // settings and credentials
  const settings = req.noConfig ? { apply: [], same: 0, skipped: [] } : planSettings(origin.config!, clone.config);
  const auth = planAuth({ originUser: req.origin.username, originPassword: req.origin.password, originConfig: origin.config ?? {}, cloneConfig: clone.config, copySettings: !req.noConfig });
  const steps: Step[] = [];
  for (const s of settings.apply) {
    steps.push({ kind: 'command', id: `config:${s.name}`, node: clone.id, argv: ['CONFIG', 'SET', s.name, s.value], why: `as on the origin (the clone has ${JSON.stringify(s.from ?? '')})`, changesRole: false, check: okReply });
  }
  for (const a of auth.set) {
    const step: CommandStep = { kind: 'command', id: `auth:${a.name}`, node: clone.id, argv: ['CONFIG', 'SET', a.name, a.value], why: a.why, changesRole: false, check: okReply };
    // cutover's own later connections to the clone must give the password it now asks for
    if (a.name === 'requirepass' && !req.clone.username) step.after = () => pool.setAuth(clone.id, a.value);
    steps.push(step);
  }
  steps.push({ kind: 'command', id: 'replicaof', node: clone.id, argv: ['REPLICAOF', origin.host, String(origin.port)], why: "the clone takes the origin's data by a full sync, then its writes", changesRole: true, check: replicaofReply });
  steps.push(syncWait(clone.id, origin.id, req.timeoutMs));
  if (req.reconfigure) {
    // whoever will follow the clone must give the password it asks for (the origin's, when carried over)
    const password = auth.set.find((a) => a.name === 'requirepass')?.value ?? (clone.config.requirepass || undefined);
    const originAuth = origin.config ? { requirepass: origin.config.requirepass ?? '', masterauth: origin.config.masterauth ?? '', masteruser: origin.config.masteruser ?? '' } : undefined;
    const followers: Array<[NodeId, NodeAuth | undefined]> = [
      ...(oRole === 'master' ? [[origin.id, originAuth] as [NodeId, NodeAuth | undefined]] : []),
      ...(await Promise.all(originReplicas.map(async (id) => [id, await readAuth(pool, id)] as [NodeId, NodeAuth | undefined]))),
    ];
    for (const [id, a] of followers) {
      const step = masterauthStep(id, a, password, `the clone ${clone.id}`);
      if (step) steps.push(step);
    }
  }

  const cloneNode = { id: clone.id, host: clone.host, port: clone.port, up: true, role: 'replica' as const };
  const originNode = { id: origin.id, host: origin.host, port: origin.port, up: true, role: oRole };
  const writerNode = { id: writer.id, host: writer.host, port: writer.port, up: true, role: 'master' as const };
  const repointed: NodeId[] = [];
  let estimate: string | undefined;
  const useFailover = req.reconfigure && req.via === 'failover' && oRole === 'master';
  if (req.promote) {
    if (useFailover) {
      steps.push({ kind: 'command', id: 'failover', node: origin.id, argv: ['FAILOVER', 'TO', clone.host, String(clone.port), 'TIMEOUT', String(req.pauseMs)], why: 'the origin pauses writes until the clone has every one, hands over and follows it', changesRole: true, check: okReply, marksSent: ['writes-stopped'] });
      steps.push(waitFailoverTo(origin.id, clone.id, req.pauseMs + 3000));
      estimate = `writes pause on ${origin.id} from FAILOVER until ${clone.id} has every write and takes over: usually under a second; at most ${req.pauseMs} ms`;
    } else if (!req.noPause) {
      steps.push(pauseStep(writerNode, req.pauseMs));
      steps.push(waitCaughtUp(clone.id, writer.id, Math.max(500, req.pauseMs - 1500)));
    }
    if (!useFailover) {
      steps.push({ kind: 'command', id: 'promote', node: clone.id, argv: ['REPLICAOF', 'NO', 'ONE'], why: req.noPause ? 'the clone becomes a master at once (writes in flight may be missing)' : 'the clone has every write: it becomes a master', changesRole: true, check: replicaofReply, marksDone: ['writes-back'] });
    }
    if (req.reconfigure && oRole === 'master' && !useFailover) {
      steps.push({ kind: 'command', id: 'demote', node: origin.id, argv: ['REPLICAOF', clone.host, String(clone.port)], why: 'the origin follows the clone: a client still writing to it gets READONLY instead of writes that would be lost', changesRole: true, check: replicaofReply });
    }
    if (!useFailover && !req.noPause) {
      // --promote alone: the origin (or, --role replica, its master) stays a master by design: unpaused without the two-masters guard
      const demoted = req.reconfigure && oRole === 'master';
      steps.push(
        unpauseStep(writerNode, clone.id, {
          guardTwoMasters: demoted,
          why: demoted ? 'writes that waited now fail with READONLY and go to the clone' : `writes resume on ${writer.id}; they no longer reach the clone, a master of its own from now on`,
        }),
      );
      estimate = `writes pause on ${writer.id} from CLIENT PAUSE until ${clone.id} has caught up and is promoted${req.reconfigure && oRole === 'master' ? ' and the origin follows it' : ''}: a few round trips; at most ${req.pauseMs} ms (CLIENT PAUSE's own limit)`;
    }
    if (req.reconfigure) {
      // replicas take no writes: repointed after the pause, which they would only lengthen
      for (const id of originReplicas) {
        steps.push({ kind: 'command', id: `repoint:${id}`, node: id, argv: ['REPLICAOF', clone.host, String(clone.port)], why: "one of the origin's replicas: it follows the clone", changesRole: true, check: replicaofReply });
        repointed.push(id);
      }
    }
    if (req.reconfigure) {
      const follow = req.followTimeoutMs ?? 60_000;
      for (const id of repointed) steps.push(waitFollows(id, clone.id, follow, 'follows the clone'));
      if (oRole === 'master') steps.push(waitFollows(origin.id, clone.id, follow, 'the origin follows the clone'));
    }
  }
  const rewriteNodes = [cloneNode, ...(req.reconfigure ? [...repointed.map((id) => ({ ...cloneNode, id })), ...(oRole === 'master' ? [originNode] : [])] : [])];
  steps.push(...rewriteSteps(rewriteNodes as Parameters<typeof rewriteSteps>[0]));
  steps.push(verifyClone(clone.id, origin.id, req.promote));

  const checks: Check[] = [
    { ok: true, text: `the origin ${origin.id} is a ${oRole} (Redis ${origin.info.server.redisVersion ?? '?'})` },
    { ok: true, text: `the clone ${clone.id} runs Redis ${clone.info.server.redisVersion ?? '?'}` },
  ];
  const notes: string[] = [];
  const cKeys = clone.info.server.keys ?? 0;
  if (cKeys > 0) notes.push(`the clone holds ${cKeys} keys: they are replaced by the origin's data`);
  if (cRepl?.role === 'replica' && cRepl.masterHost) notes.push(`the clone replicates from ${cRepl.masterHost}:${cRepl.masterPort} now: it stops, to follow the origin`);
  if ((cRepl?.replicas ?? []).some((r) => r.port > 0)) notes.push(`the clone has replicas of its own: they take the origin's data too`);
  if (req.noConfig) notes.push('--no-config: no settings copied');
  else {
    notes.push(settings.apply.length ? `settings to apply on the clone (${settings.apply.length}): ${settings.apply.map((s) => `${s.name} ${JSON.stringify(s.value)}`).join(', ')}` : `settings: the clone already has the origin's (${settings.same} equal)`);
    const byReason = new Map<string, string[]>();
    for (const s of settings.skipped) byReason.set(s.reason, [...(byReason.get(s.reason) ?? []), s.name]);
    for (const [reason, names] of byReason) notes.push(`skipped (${reason}): ${names.join(', ')}`);
  }
  for (const a of auth.set) notes.push(`${a.name}: set (${a.why}; value not shown)`);
  notes.push(...auth.notes);
  if (sentinelWatched) notes.push('Sentinels watch the origin: it keeps its role');
  if (req.promote && !req.reconfigure) notes.push(`after the promotion the origin keeps its role and takes writes the clone will not have: move the clients first, or use --reconfigure`);
  if (req.reconfigure) notes.push(`reconfigure: ${repointed.length ? `the origin's replicas (${repointed.join(', ')})` : 'no replicas of the origin'}${oRole === 'master' ? ' and the origin itself' : ''} follow the clone`);
  if (req.role === 'replica' && req.promote && !req.noPause) notes.push(`writes are paused on ${writer.id}, the origin's master, whose writes reach the clone through the origin`);

  const nodes: NodeReport[] = [
    { id: origin.id, label: 'origin', reachable: true, role: oRole, ...(oRepl?.masterHost ? { masterId: nodeId(oRepl.masterHost, oRepl.masterPort ?? 0), link: oRepl.linkStatus } : {}), offset: oRole === 'master' ? oRepl?.masterReplOffset : oRepl?.replicaOffset },
    { id: clone.id, label: 'clone', reachable: true, role: cRepl?.role ?? 'master', ...(cRepl?.masterHost ? { masterId: nodeId(cRepl.masterHost, cRepl.masterPort ?? 0), link: cRepl.linkStatus } : {}), offset: cRepl?.masterReplOffset },
    ...(writer.id !== origin.id ? [{ id: writer.id, label: "origin's master", reachable: true, role: 'master' as const }] : []),
    ...originReplicas.map((id) => ({ id, reachable: true, role: 'replica' as const, masterId: origin.id })),
  ];
  const applied = [...settings.apply.map((s) => ({ name: s.name, old: s.from ?? '' })), ...auth.set.map((a) => ({ name: a.name, old: clone.config![a.name] ?? '' }))];
  return {
    plan: {
      procedure: 'clone',
      title: `clone ${origin.id} → ${clone.id}${req.reconfigure ? ' · promote and reconfigure' : req.promote ? ' · promote' : ''}`,
      mode: req.promote ? (useFailover ? 'loss-free promotion by FAILOVER TO' : req.noPause ? 'promotion without a write pause' : 'loss-free promotion: CLIENT PAUSE, catch up, REPLICAOF NO ONE') : 'the clone stays a replica of the origin',
      nodes,
      checks,
      notes,
      steps,
      confirmWord: clone.id,
      ...(estimate ? { estimate } : {}),
      wayBack: (now, ctx) => cloneWayBack({ original: nodes, now, paused: ctx.paused, origin: origin.id, clone: clone.id, applied, formerMaster: cRepl?.role === 'replica' && cRepl.masterHost ? nodeId(cRepl.masterHost, cRepl.masterPort ?? 0) : undefined }),
      measures: useFailover
        ? [{ label: 'write pause on the origin (FAILOVER → the clone took writes)', from: 'writes-stopped', to: 'writes-back' }]
        : req.noPause
          ? []
          : [
              { label: `write pause on ${writer.id} (CLIENT PAUSE → CLIENT UNPAUSE)`, from: 'writes-stopped', to: 'unpaused' },
              { label: 'writes stopped → the clone took writes', from: 'writes-stopped', to: 'writes-back' },
            ],
    },
  };
}

/** The clone as it should be: a replica of the origin in sync, or a master. */
function verifyClone(clone: NodeId, origin: NodeId, promoted: boolean): WaitStep {
  return {
    kind: 'wait',
    id: 'verify',
    node: clone,
    what: promoted ? `verify: ${clone} is a master` : `verify: ${clone} replicates from ${origin} with its link up`,
    why: 'the clone is in place',
    timeoutMs: 10_000,
    run: async (ctx: StepContext) => {
      const r = await pollUntil(
        ctx,
        10_000,
        100,
        async () => {
          const i = (await ctx.info(clone)).replication;
          if (promoted) return i?.role === 'master' ? i : undefined;
          return i?.role === 'replica' && `${i.masterHost}:${i.masterPort}` === origin && i.linkStatus === 'up' ? i : undefined;
        },
        (e) => `${clone} is not ${promoted ? 'a master' : `replicating from ${origin}`}${e ? `: ${e}` : ''}`,
      );
      return promoted ? `${clone} is a master at offset ${r.masterReplOffset}` : `${clone} follows ${origin}, offset ${r.replicaOffset ?? r.masterReplOffset}`;
    },
  };
}
