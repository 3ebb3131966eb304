// Shapes of the failover and clone engine: steps are values (node, command, why) before they are run;
// a plan is a list of them; a procedure runs a plan and tells its listeners what happens, in typed events.
// Plain data and function types: no ioredis, no terminal.
import type { ParsedInfo } from '../topology/parse-info.js';

/** `host:port`, as everywhere in the engine. */
export type NodeId = string;

/** The moments a procedure measures (ms since epoch), named by the steps that reach them. */
export type Mark =
  /** the operator said yes (or --yes) */
  | 'confirmed'
  /** writes stopped being accepted on the old master (CLIENT PAUSE / FAILOVER / CLUSTER FAILOVER sent) */
  | 'writes-stopped'
  /** the new master reported role:master: writes are accepted again */
  | 'writes-back'
  /** a CLIENT PAUSE ended (CLIENT UNPAUSE answered) */
  | 'unpaused'
  /** the Sentinels all name the new master */
  | 'sentinels-switched';

/** What a step does when run: the context the runner gives it. */
export interface StepContext {
  /** Sends a command to a node and journals it (command and reply, redacted). */
  call(node: NodeId, argv: Array<string | number>): Promise<unknown>;
  /** Reads INFO (the replication section unless another is named) from a node; not journaled (a read, polled often). */
  info(node: NodeId, section?: string): Promise<ParsedInfo>;
  /** A read-only command that is not journaled (polls: CLUSTER NODES, SENTINEL GET-MASTER-ADDR-BY-NAME …). */
  read(node: NodeId, argv: Array<string | number>): Promise<unknown>;
  /** A progress report for the running step (a wait's bytes, offsets …). */
  progress(p: Progress): void;
  mark(name: Mark, at?: number): void;
  marks: Partial<Record<Mark, number>>;
  /** facts shared between the steps of one run (an old master that came back, an offset read …) */
  facts: Record<string, unknown>;
  /** Sleeps, unless the procedure is cancelled first (then throws). */
  sleep(ms: number): Promise<void>;
  signal: AbortSignal;
  /** Adds a line to the run's notes (shown in the summary). */
  note(text: string): void;
}

export interface Progress {
  text: string;
  done?: number;
  total?: number;
  /** what the numbers count: bytes, offset … */
  unit?: 'bytes' | 'offset' | 'ms';
}

interface StepBase {
  /** short stable name for scripts and tests: 'pause', 'failover', 'repoint:127.0.0.1:6381' … */
  id: string;
  /** what the step is for, in a few words */
  why: string;
  /** the node the step acts on or watches */
  node?: NodeId;
  /** a failure is noted and the procedure goes on (CONFIG REWRITE on a server without a config file) */
  optional?: boolean;
  /** also run after an earlier step failed or the run was cancelled (CLIENT UNPAUSE), when `when` agrees */
  always?: boolean;
  /** shown in the plan as "only if …"; the runner skips the step when `when` says false */
  condition?: string;
  when?: (ctx: StepContext) => Promise<boolean> | boolean;
}

/** One command on one node. */
export interface CommandStep extends StepBase {
  kind: 'command';
  node: NodeId;
  /** exactly what is sent; shown and journaled with any password replaced by *** */
  argv: string[];
  /** a role changes (or may): needs the operator's typed confirmation */
  changesRole: boolean;
  /** the command as it turns out at run time (the replica the Sentinels did promote); `argv` is what the plan shows */
  resolve?: (ctx: StepContext) => string[];
  /** the reply is not what this step needs: the error text; undefined when fine */
  check?: (reply: unknown) => string | undefined;
  /** error replies that are fine after all (-INPROG: the Sentinels are at it already), noted, not failed */
  acceptErrors?: { pattern: RegExp; meaning: string };
  /** marks reached when the command is sent / when it answered */
  marksSent?: Mark[];
  marksDone?: Mark[];
  /** called with the reply (e.g. to keep an offset in ctx.facts) */
  after?: (reply: unknown, ctx: StepContext) => void | Promise<void>;
}

/** A wait, a check or a watch: polls until something holds, or fails. May run commands of its own (listed). */
export interface WaitStep extends StepBase {
  kind: 'wait';
  /** "until 127.0.0.1:6380 reports role:master" */
  what: string;
  timeoutMs: number;
  /** resolves with a one-line result; throws an Error whose message says what did not happen */
  run: (ctx: StepContext) => Promise<string>;
  /** commands the wait may send (the fence), so the plan shows them before anything runs */
  commands?: Array<{ node: NodeId; argv: string[]; why: string }>;
  changesRole?: boolean;
}

export type Step = CommandStep | WaitStep;

/** A node as the plan found it, and as it is found again after a failure. */
export interface NodeReport {
  id: NodeId;
  label?: string;
  reachable: boolean;
  role?: 'master' | 'replica' | 'sentinel' | 'unknown';
  /** a replica's master */
  masterId?: NodeId;
  link?: 'up' | 'down';
  offset?: number;
  /** what the procedure knows beyond INFO: "paused until 12:00:03", "cutover's own stream" … */
  note?: string;
  error?: string;
}

/** A command to run by hand (or by a later procedure) to put things back. */
export interface WayBackCommand {
  node: NodeId;
  argv: string[];
  why: string;
}

export interface WayBack {
  /** one line: what state the deployment is in, and what the commands below do */
  summary: string;
  commands: WayBackCommand[];
}

/** The preflight: every check with its verdict; a failed one refuses the plan. */
export interface Check {
  ok: boolean;
  text: string;
  /** a warning: shown, never refuses */
  warn?: boolean;
}

export interface Plan {
  /** 'failover' or 'clone' */
  procedure: 'failover' | 'clone';
  /** one line: "planned failover · sentinel mymaster · 127.0.0.1:6379 → 127.0.0.1:6380" */
  title: string;
  /** the deployment's kind and what is done to it */
  mode: string;
  /** the nodes before anything runs */
  nodes: NodeReport[];
  checks: Check[];
  /** lines the operator should read before saying yes (data that may be lost, settings applied and skipped …) */
  notes: string[];
  steps: Step[];
  /** the word the operator types to go ahead */
  confirmWord: string;
  /** what the operator is told about the write pause before saying yes */
  estimate?: string;
  /** what to do if a step fails, given the nodes as they are found then */
  wayBack: (now: NodeReport[], ctx: { paused: NodeId[]; facts: Record<string, unknown> }) => WayBack;
  /** how the measured moments are reported: label → [from mark, to mark] */
  measures: Array<{ label: string; from: Mark; to: Mark }>;
  /** the Sentinels' name for the master, when Sentinels watch it (the state report asks them) */
  masterName?: string;
  /** facts the steps start with */
  facts?: Record<string, unknown>;
}

/** A step as listeners see it: no functions, passwords already replaced. */
export interface StepView {
  index: number;
  id: string;
  kind: 'command' | 'wait';
  node?: NodeId;
  /** the command, redacted (command steps) */
  command?: string[];
  /** for a wait: what it waits for */
  what?: string;
  why: string;
  changesRole: boolean;
  optional?: boolean;
  always?: boolean;
  condition?: string;
  timeoutMs?: number;
  /** for a wait: the commands it may send, redacted */
  commands?: Array<{ node: NodeId; command: string[]; why: string }>;
}

export interface PlanView {
  procedure: Plan['procedure'];
  title: string;
  mode: string;
  nodes: NodeReport[];
  checks: Check[];
  notes: string[];
  steps: StepView[];
  confirmWord: string;
  estimate?: string;
}

export type OutcomeStatus = 'done' | 'failed' | 'cancelled' | 'declined' | 'dry-run' | 'refused';

export interface Measure {
  label: string;
  ms: number;
}

export interface Outcome {
  status: OutcomeStatus;
  /** the step that failed, and why */
  failed?: { step: StepView; error: string };
  /** every step's result, in order */
  results: Array<{ step: StepView; status: 'done' | 'failed' | 'skipped' | 'tolerated'; ms: number; reply?: unknown; error?: string; result?: string }>;
  measures: Measure[];
  marks: Partial<Record<Mark, number>>;
  notes: string[];
  /** the nodes at the end (after a failure: as they were found then) */
  nodes?: NodeReport[];
  wayBack?: WayBack;
  /** after a failure: the steps that did not run (the failed one first), to finish by hand instead */
  remaining?: StepView[];
  /** where the journal was written */
  journal?: string;
  elapsedMs: number;
}

/** Everything a procedure tells its listeners. */
export type ProcedureEvent =
  | { type: 'plan'; plan: PlanView }
  | { type: 'confirm'; word: string; granted: boolean }
  | { type: 'step-start'; step: StepView; at: number }
  | { type: 'progress'; step: StepView; progress: Progress; at: number }
  | { type: 'step-done'; step: StepView; at: number; ms: number; reply?: unknown; result?: string; tolerated?: string }
  | { type: 'step-skipped'; step: StepView; at: number; reason: string }
  | { type: 'step-failed'; step: StepView; at: number; ms: number; error: string }
  | { type: 'note'; text: string; at: number }
  | { type: 'state'; nodes: NodeReport[]; at: number }
  | { type: 'summary'; outcome: Outcome };

/** Asked once before the first step that changes a role; true to go ahead. */
export type Confirm = (request: { plan: PlanView; word: string }) => Promise<boolean>;
