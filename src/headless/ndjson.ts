// NDJSON for every headless runner: one object a line on stdout, every password scrubbed from it.
import { redact } from '../options/redact.js';

export type JsonReplacer = (key: string, value: unknown) => unknown;

export function writeNdjson(o: object, replacer?: JsonReplacer, out: { write(text: string): unknown } = process.stdout): void {
  out.write(redact(JSON.stringify(o, replacer)) + '\n');
}
