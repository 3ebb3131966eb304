// `cutover lab switch` options: where the running lab's endpoint should forward, and which lab.
import { InputError } from './endpoint.js';
import { parseOptions } from './parse-options.js';

export interface LabSwitchArgs {
  /** a lab server's name (target, master, r1, …) or HOST:PORT */
  to: string;
  /** --lab DIR: the lab's folder (or its lab.json); default: the one running lab with an endpoint */
  lab?: string;
  json: boolean;
}

const OPTIONS = {
  to: { type: 'string' },
  lab: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Parses `cutover lab switch …` (argv after `switch`). */
export function labSwitchArgs(argv: string[]): ({ kind: 'lab-switch' } & LabSwitchArgs) | { kind: 'help'; topic: string } {
  const { values: v, positionals } = parseOptions(argv, OPTIONS, 'lab', { '--to': 'a lab server name (target, master, r1) or HOST:PORT', '--lab': "the lab's folder" });
  if (v.help) return { kind: 'help', topic: 'lab' };
  if (positionals.length) throw new InputError(`unexpected '${positionals[0]}': name the backend with --to (cutover lab switch --to target)`);
  const to = v.to?.trim();
  if (!to) throw new InputError(`--to is missing: where the lab's endpoint should forward, a lab server (target, master, r1) or HOST:PORT`);
  if (v.lab === '') throw new InputError(`--lab needs the lab's folder (printed by 'cutover lab switch' when several labs run)`);
  return { kind: 'lab-switch', to, lab: v.lab, json: !!v.json };
}
