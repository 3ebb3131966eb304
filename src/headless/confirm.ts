// The typed confirmation of a headless command that changes roles (failover, clone): asked on the terminal, or
// given with --yes; without a terminal and without --yes nothing may change.
import { createInterface } from 'node:readline';
import type { Confirm } from '../engine/failover/types.js';
import { confirmPrompt } from '../render/failover-text.js';

/** Without a terminal to type on and without --yes, nothing may change: one line, exit 2, before anything is touched. */
export function needsConfirmationRefusal(command: string, a: { yes: boolean; dryRun: boolean }): string | undefined {
  if (a.yes || a.dryRun || process.stdin.isTTY) return undefined;
  return `${command} changes roles and asks for a typed confirmation, but stdin is not a terminal: add --yes to run it anyway (see the plan first with --dry-run); nothing was changed`;
}

/** Reads one line from the terminal, after the prompt on stderr (stdout may be NDJSON). */
function ask(prompt: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    rl.question(prompt, (answer) => {
      rl.close();
      resolve(answer);
    });
    rl.on('SIGINT', () => {
      rl.close();
      resolve('');
    });
  });
}

export function terminalConfirm(yes: boolean): Confirm {
  return async ({ word }) => {
    if (yes) return true;
    if (!process.stdin.isTTY) return false;
    return (await ask(confirmPrompt(word))).trim() === word;
  };
}
