// ioredis writes some warnings with console.warn (a password given to a server that needs none); they go where
// they are sent (stderr as `cutover: warning: …`, or the console's event log, whose screen they would tear),
// redacted, once each.
import { redact } from '../options/redact.js';

const seen = new Set<string>();
let sink: (line: string) => void = (line) => void process.stderr.write(`cutover: warning: ${line}\n`);

/** Where library warnings go from now on (the console: its event log). */
export function sendWarningsTo(to: (line: string) => void): void {
  sink = to;
}

/** Takes console.warn over for the process. */
export function routeWarnings(): void {
  console.warn = (...args: unknown[]) => {
    const line = redact(args.map(String).join(' ').replace(/^\[WARN\]\s*/, ''));
    if (seen.has(line)) return;
    seen.add(line);
    sink(line);
  };
}
