// Commands and replies as they may be shown or journaled: every password argument replaced by ***.
// Pure. Knows where Redis commands carry secrets (AUTH, HELLO … AUTH, CONFIG SET requirepass/masterauth,
// MIGRATE … AUTH/AUTH2, ACL SETUSER >pass, SENTINEL SET … auth-pass …); redact() then scrubs every
// password cutover has been told or has read.
import { redact } from '../../options/redact.js';

export const HIDDEN = '***';

/** Settings whose value is a secret (CONFIG GET/SET, SENTINEL SET, SENTINEL CONFIG SET). */
export const SECRET_SETTINGS = new Set(['requirepass', 'masterauth', 'tls-key-file-pass', 'tls-client-key-file-pass', 'auth-pass', 'sentinel-pass']);

function lower(x: unknown): string {
  return String(x).toLowerCase();
}

/** The command with every secret argument replaced by ***. */
export function redactArgv(argv: ReadonlyArray<string | number>): string[] {
  const out = argv.map(String);
  const cmd = lower(out[0] ?? '');
  const sub = lower(out[1] ?? '');
  const hideFrom = (i: number) => {
    if (i < out.length) out[i] = HIDDEN;
  };
  if (cmd === 'auth') {
    // AUTH password | AUTH user password
    hideFrom(out.length === 2 ? 1 : 2);
  } else if (cmd === 'hello') {
    const at = out.findIndex((a, i) => i > 0 && lower(a) === 'auth');
    if (at > 0) hideFrom(at + 2);
  } else if (cmd === 'config' && sub === 'set') {
    for (let i = 2; i + 1 < out.length; i += 2) if (SECRET_SETTINGS.has(lower(out[i]))) out[i + 1] = HIDDEN;
  } else if (cmd === 'migrate') {
    for (let i = 6; i < out.length; i++) {
      const a = lower(out[i]);
      if (a === 'auth') hideFrom(i + 1);
      if (a === 'auth2') hideFrom(i + 2);
    }
  } else if (cmd === 'acl' && sub === 'setuser') {
    for (let i = 3; i < out.length; i++) if (/^[><#!]/.test(out[i])) out[i] = out[i][0] + HIDDEN;
  } else if (cmd === 'sentinel' && sub === 'set') {
    for (let i = 3; i + 1 < out.length; i += 2) if (SECRET_SETTINGS.has(lower(out[i]))) out[i + 1] = HIDDEN;
  } else if (cmd === 'sentinel' && sub === 'config' && lower(out[2] ?? '') === 'set') {
    for (let i = 3; i + 1 < out.length; i += 2) if (SECRET_SETTINGS.has(lower(out[i]))) out[i + 1] = HIDDEN;
  }
  return out.map((a) => (a === HIDDEN ? a : redact(a)));
}

/** A command as one line: `CONFIG SET masterauth ***`. Arguments with spaces are quoted. */
export function commandText(argv: ReadonlyArray<string | number>): string {
  return redactArgv(argv)
    .map((a) => (a === '' ? '""' : /[\s"]/.test(a) ? JSON.stringify(a) : a))
    .join(' ');
}

/** A reply made JSON-safe (Buffers as text), secrets replaced: CONFIG GET's secret values, every known password. */
export function redactReply(argv: ReadonlyArray<string | number>, reply: unknown, maxChars = 2000): unknown {
  const plain = toPlain(reply);
  const cmd = lower(argv[0] ?? '');
  const sub = lower(argv[1] ?? '');
  let out = plain;
  if (cmd === 'config' && sub === 'get' && Array.isArray(plain)) {
    out = plain.map((v, i) => (i % 2 === 1 && SECRET_SETTINGS.has(lower(plain[i - 1])) && v !== '' ? HIDDEN : v));
  }
  return scrub(out, maxChars);
}

function toPlain(x: unknown): unknown {
  if (Buffer.isBuffer(x)) return x.toString('utf8');
  if (Array.isArray(x)) return x.map(toPlain);
  if (x instanceof Error) return `(error) ${x.message}`;
  if (x === null || x === undefined) return null;
  if (typeof x === 'object') return Object.fromEntries(Object.entries(x as Record<string, unknown>).map(([k, v]) => [k, toPlain(v)]));
  return x;
}

function scrub(x: unknown, maxChars: number): unknown {
  if (typeof x === 'string') {
    const r = redact(x);
    return r.length > maxChars ? `${r.slice(0, maxChars)}… (${r.length} chars)` : r;
  }
  if (Array.isArray(x)) return x.map((v) => scrub(v, maxChars));
  if (x && typeof x === 'object') return Object.fromEntries(Object.entries(x as Record<string, unknown>).map(([k, v]) => [k, scrub(v, maxChars)]));
  return x;
}
