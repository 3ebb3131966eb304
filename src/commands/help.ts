// `cutover --help`, `cutover help COMMAND` and `cutover COMMAND --help`: the general index here, each command's
// own help from its file in this folder.
import type { Command } from '../options/args.js';
import { EXIT } from '../headless/exit-codes.js';
import { HELP as CLONE } from './clone.js';
import { HELP as CLUSTER } from './cluster.js';
import { CONNECTION_HELP } from './connection.js';
import { HELP as CONSOLE } from './console.js';
import { HELP as DRILL } from './drill.js';
import { HELP as FAILOVER } from './failover.js';
import { HELP as LAB } from './lab.js';
import { SAME_HELP } from './names.js';
import { HELP as REPLICATE } from './replicate.js';
import { HELP as TOPOLOGY } from './topology.js';

export const HELP: Record<string, string> = {
  main: `cutover: a terminal console for Redis replication, migration and failover

Usage:
  cutover console ENDPOINT… [options]     live topology console on existing servers
  cutover topology ENDPOINT… [--json]     print the discovered topology once and exit
  cutover replicate --source URI --target URI [options]
                                          copy keys between deployments (snapshot), then verify them;
                                          --mode live|liveonly follows every change (PSYNC or notifications)
  cutover compare --source URI --target URI [options]
                                          compare two deployments key by key
  cutover clone --origin URI --clone URI [--promote] [--reconfigure] [--role master|replica] [--yes]
                                          make a server a copy of another; promote it loss-free
  cutover failover --uri URI [--to host:port] [--unplanned] [--yes] [--dry-run]
                                          promote a replica (replication, Sentinel, Cluster), journaled
  cutover cluster check --uri URI [--json]
                                          check a Redis Cluster: coverage, open slots, agreement,
                                          failing nodes, keys in unowned slots, balance
  cutover cluster reshard --uri URI --from ID,…|all --to ID --slots N [--yes] [--dry-run]
                                          move slots and their keys between masters, journaled
  cutover cluster rebalance --uri URI [--weight ID=W,…] [--use-empty-masters] [--simulate] [--yes]
                                          even out the slots as redis-cli does, then move them, journaled
  cutover cluster fix --uri URI [--to ID] [--yes] [--dry-run]
                                          close open slots (finish or roll back a move), assign uncovered ones
  cutover drill --uri URI [--rate N] [--duration D]
                                          consistency checker for a failover drill: windows of write
                                          unavailability (ms) and acknowledged writes lost
  cutover lab [--preset P] [--keys N] [--workload]
                                          start a local lab of real servers and open the console on it
  cutover help COMMAND | --help | --version

Exit codes: 0 ok · 1 could not connect or discover, or a step failed · 2 bad input (nothing was changed anywhere) ·
  130 stopped by Ctrl-C or SIGTERM (the summary so far)

${CONNECTION_HELP}

Console keys: ↑↓/jk move · Enter details · Tab pane · PgUp/PgDn log · S/T mark · s snapshot · l live · c compare ·
  f failover · d drill · x stop · ? help · Esc back · q quit`,
  console: CONSOLE,
  topology: TOPOLOGY,
  replicate: REPLICATE,
  lab: LAB,
  drill: DRILL,
  failover: FAILOVER,
  clone: CLONE,
  cluster: CLUSTER,
};

export function helpText(topic?: string): string {
  const key = topic === undefined ? 'main' : (SAME_HELP[topic] ?? topic);
  return (HELP[key] ?? HELP.main) + '\n';
}

export async function run(c: Extract<Command, { kind: 'help' }>): Promise<number> {
  process.stdout.write(helpText(c.topic));
  return EXIT.ok;
}
