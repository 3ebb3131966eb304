// Secrets never leave cutover: every password the operator gives is remembered here, and every line
// that reaches the screen, a log, a journal, an error or JSON passes through redact().
const secrets = new Set<string>();

export function remember(secret: string | undefined): void {
  if (secret && secret.length >= 1) secrets.add(secret);
}

/**
 * The fixed wording of error messages (Redis's, ioredis's, cutover's own) about passwords. A password that
 * is a common word ("wrong", "password") is not replaced where it is only a word of one of these: it is
 * not a credential there, and "*** user or password" would say nothing.
 */
const FIXED_PHRASES = [
  'authentication failed',
  'wrong user or password',
  'check the URI or REDISCLI_AUTH',
  'WRONGPASS invalid username-password pair or user is disabled',
  'NOAUTH Authentication required',
  'requires a password',
  'has no password set but one was given',
  'called without any password configured for the default user',
  'Are you sure your configuration is correct',
  'invalid password',
  'no password is set',
];

/** [start, end) of every fixed phrase in the text, case-insensitive. */
function fixedRanges(text: string): Array<[number, number]> {
  const lower = text.toLowerCase();
  const out: Array<[number, number]> = [];
  for (const p of FIXED_PHRASES) {
    const needle = p.toLowerCase();
    for (let at = lower.indexOf(needle); at >= 0; at = lower.indexOf(needle, at + 1)) out.push([at, at + needle.length]);
  }
  return out;
}

/** Replaces every occurrence of s with ***, except one lying wholly inside a fixed phrase. */
function replaceSecret(text: string, s: string): string {
  if (!text.includes(s)) return text;
  const ranges = fixedRanges(text);
  let out = '';
  let from = 0;
  for (let at = text.indexOf(s); at >= 0; at = text.indexOf(s, at + s.length)) {
    if (ranges.some(([a, b]) => at >= a && at + s.length <= b)) continue;
    out += text.slice(from, at) + '***';
    from = at + s.length;
  }
  return out + text.slice(from);
}

/** Replaces passwords in redis URIs and every remembered secret with ***. */
export function redact(text: string): string {
  // everything between scheme and the last @ of a URI is user:password; keep the user, hide the rest
  let out = text.replace(/(rediss?:\/\/)([^\s'"]*)@/gi, (_m, scheme: string, auth: string) => {
    const colon = auth.indexOf(':');
    return `${scheme}${colon >= 0 ? auth.slice(0, colon) + ':***' : auth}@`;
  });
  // longest first, so a secret that contains another is replaced whole
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) {
    if (s.length < 3) continue; // a one- or two-letter password would shred ordinary words
    out = replaceSecret(out, s);
  }
  return out;
}
