// What is left of a reshard (or rebalance) from its journal and the cluster as it is now. The cluster is the truth,
// the journal the intent: for each slot of the journal's plan line, the planned target owning it is done; the planned
// source still owning it is still to move; another master owning it is left as it is (said); no owner, the same. Slots
// open anywhere (MIGRATING/IMPORTING, as a kill -9 leaves them) refuse the resume: `cutover cluster fix` closes them
// first. Pure; bad input is one InputError line.
import { InputError } from '../../../options/endpoint.js';
import { rangesOf } from './reshard-preview.js';
import type { ClusterView } from './reshard-plan.js';
import type { SlotMove } from './types.js';

/** A journal line as read back: only the fields resume needs are looked at. */
export interface JournalLine {
  event?: string;
  procedure?: string;
  time?: string;
  status?: string;
  options?: Record<string, unknown>;
  moves?: Array<{ from?: string; to?: string; fromId?: string; toId?: string; slots?: string; count?: number }>;
  [more: string]: unknown;
}

export interface ResumePlan {
  procedure: 'reshard' | 'rebalance';
  startedAt?: string;
  /** the end line's status, when there is one */
  ended?: string;
  /** the options of the journal's start line (batchKeys, migrateTimeoutMs, replace, memLimit, maxBlockMs …) */
  options: Record<string, unknown>;
  /** slots in the plan */
  planned: number;
  /** slots the planned target owns now */
  done: number[];
  /** still on the planned source: to move, in the plan's order */
  moves: SlotMove[];
  /** owned by a master that is neither the planned source nor the target */
  elsewhere: Array<{ owner: string; slots: number[]; ranges: Array<[number, number]> }>;
  /** owned by no master */
  unowned: number[];
}

/** JSON lines → objects; a last line cut short by a kill is dropped, any other bad line refuses. */
export function parseJournal(text: string, path: string): JournalLine[] {
  const raw = text.split('\n').filter((l) => l.trim());
  const out: JournalLine[] = [];
  raw.forEach((l, i) => {
    try {
      out.push(JSON.parse(l) as JournalLine);
    } catch {
      if (i < raw.length - 1) throw new InputError(`${path} line ${i + 1} is not JSON: give --resume the journal (JSON lines) a reshard wrote`);
    }
  });
  return out;
}

/** "0-99,200" → [0..99, 200]; undefined when it is not that. Pure. */
export function slotsOfText(text: string): number[] | undefined {
  const out: number[] = [];
  for (const part of text.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) return undefined;
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (a > b || b > 16383) return undefined;
    for (let s = a; s <= b; s++) out.push(s);
  }
  return out;
}

export function resumePlanOf(lines: JournalLine[], view: ClusterView & { open?: string[] }, path: string): ResumePlan {
  const plan = lines.find((l) => l.event === 'plan' && (l.procedure === 'reshard' || l.procedure === 'rebalance') && Array.isArray(l.moves));
  if (!plan) {
    const other = lines.find((l) => typeof l.procedure === 'string')?.procedure;
    throw new InputError(`${path} is not the journal of a reshard or rebalance (${other ? `it is a ${other} journal` : 'no plan line'}): give --resume the journal a reshard printed ('journal: …')`);
  }
  const procedure = plan.procedure as 'reshard' | 'rebalance';
  const start = lines.find((l) => l.event === 'start' && l.procedure === procedure);
  const end = lines.find((l) => l.event === 'end' && l.procedure === procedure);
  const owner = new Map<number, string>();
  for (const m of view.masters) for (const [a, b] of m.slots) for (let s = a; s <= b; s++) owner.set(s, m.id);
  const masterIds = new Set(view.masters.map((m) => m.id));
  const addressOf = new Map(view.masters.map((m) => [m.id, m.address]));
  if (view.open?.length) {
    throw new InputError(`slots are open (${view.open.slice(0, 3).join('; ')}${view.open.length > 3 ? '; …' : ''}), as a reshard killed midway leaves them: close them with cutover cluster fix first, then run --resume again; nothing was changed`);
  }

  const out: ResumePlan = { procedure, ...(start?.time ? { startedAt: start.time } : {}), ...(end?.status ? { ended: end.status } : {}), options: start?.options ?? {}, planned: 0, done: [], moves: [], elsewhere: [], unowned: [] };
  const elsewhere = new Map<string, number[]>();
  const seen = new Set<number>();
  for (const g of plan.moves ?? []) {
    const slots = typeof g.slots === 'string' ? slotsOfText(g.slots) : undefined;
    if (!g.fromId || !g.toId || !slots) throw new InputError(`${path}: its plan line has no node ids or slots (a journal from an older cutover): plan the rest with a new reshard`);
    if (!masterIds.has(g.toId)) {
      throw new InputError(`the plan's target ${g.toId} (${g.to ?? '?'}) is no longer a master of the cluster (failed over or removed): nothing to resume towards; plan a new reshard to the master that serves now`);
    }
    for (const slot of slots) {
      if (seen.has(slot)) continue;
      seen.add(slot);
      out.planned++;
      const now = owner.get(slot);
      if (now === g.toId) out.done.push(slot);
      else if (now === g.fromId) out.moves.push({ slot, from: g.fromId, to: g.toId });
      else if (now === undefined) out.unowned.push(slot);
      else {
        const list = elsewhere.get(now) ?? [];
        list.push(slot);
        elsewhere.set(now, list);
      }
    }
  }
  for (const [id, slots] of elsewhere) out.elsewhere.push({ owner: `${addressOf.get(id) ?? id} (${id.slice(0, 8)})`, slots, ranges: rangesOf(slots) });
  return out;
}
