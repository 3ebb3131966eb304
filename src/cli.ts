#!/usr/bin/env node
// cutover's entry point, dispatch only: parses the command line, runs that command's file in src/commands/, and
// turns what it returns (or throws) into the exit code: an error is one line, `cutover: …`.
import { parseCommand, type Command } from './options/args.js';
import { InputError } from './options/endpoint.js';
import { redact } from './options/redact.js';
import { EXIT } from './headless/exit-codes.js';
import { routeWarnings } from './headless/warnings.js';

type Runner<K extends Command['kind']> = { run(c: Extract<Command, { kind: K }>): Promise<number> };

/** Each command's file, loaded when it runs. `compare` is parsed as `replicate --mode compare`. */
const COMMANDS: { [K in Command['kind']]: () => Promise<Runner<K>> } = {
  help: () => import('./commands/help.js'),
  version: () => import('./commands/version.js'),
  topology: () => import('./commands/topology.js'),
  console: () => import('./commands/console.js'),
  lab: () => import('./commands/lab.js'),
  'lab-switch': () => import('./commands/lab-switch.js'),
  replicate: () => import('./commands/replicate.js'),
  drill: () => import('./commands/drill.js'),
  failover: () => import('./commands/failover.js'),
  clone: () => import('./commands/clone.js'),
  cluster: () => import('./commands/cluster.js'),
};

routeWarnings();

// `cutover console … | head`: the reader went away; that is a normal end, not a crash
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(EXIT.ok);
});

export async function main(argv: string[]): Promise<number> {
  let cmd: Command;
  try {
    cmd = parseCommand(argv);
  } catch (err) {
    process.stderr.write(`cutover: ${redact((err as Error).message)}\n`);
    return EXIT.badInput;
  }
  try {
    const command = (await COMMANDS[cmd.kind]()) as Runner<Command['kind']>;
    return await command.run(cmd as never);
  } catch (err) {
    const msg = (err as Error)?.message ?? String(err);
    process.stderr.write(`cutover: ${redact(msg.split('\n')[0])}\n`);
    if (process.env.CUTOVER_DEBUG) process.stderr.write(redact(String((err as Error)?.stack)) + '\n');
    return err instanceof InputError ? EXIT.badInput : EXIT.failed;
  }
}

// benchmarks: CUTOVER_RUSAGE=1 prints this process's CPU time and peak memory as one JSON line on stderr at exit
if (process.env.CUTOVER_RUSAGE) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    process.stderr.write(JSON.stringify({ rusage: { userSec: u.userCPUTime / 1e6, sysSec: u.systemCPUTime / 1e6, maxRssMb: u.maxRSS / 1024 } }) + '\n');
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // pollers and subscribers are closed; anything still pending must not keep a finished command alive
    setTimeout(() => process.exit(code), 200).unref();
  },
  (err) => {
    process.stderr.write(`cutover: ${redact(String(err?.message ?? err))}\n`);
    process.exit(EXIT.failed);
  },
);
