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

/** A scheme-like start, as typed right or wrong: redis://, rediss:/, redis:, redis//, http:// (or "alice:" in alice:pw@host). */
const SCHEMEISH = /^[a-z][a-z0-9+.-]*(?::\/{0,3}|\/\/)/i;

/** Where the credentials of an endpoint as typed end (its last @), and where they start (after a scheme-like start). */
function credentialSpan(input: string): [number, number] | undefined {
  const at = input.lastIndexOf('@');
  if (at < 0) return undefined;
  const prefix = SCHEMEISH.exec(input)?.[0].length ?? 0;
  return [prefix <= at ? prefix : 0, at];
}

/**
 * An endpoint as the operator typed it, safe to quote whatever its shape (redis//u:pw@h, redis:/:pw@h, u:pw@h:1,
 * http://u:pw@h): everything before its last @, after a scheme-like start, is ***.
 */
export function maskCredentials(input: string): string {
  if (/^rediss?:\/\/[^/]/i.test(input)) return redact(input); // a URI's user is shown, its password never
  const span = credentialSpan(input);
  const masked = span ? `${input.slice(0, span[0])}***${input.slice(span[1])}` : input;
  return redact(masked);
}

/**
 * Remembers what an endpoint as typed holds as a password, whatever its shape: the text between the first ':'
 * (after a scheme-like start) and the last '@'. Called before anything can refuse the input, so that no later
 * message (a parse error, a connection error, JSON) can echo it.
 */
export function rememberTyped(input: string): void {
  const span = credentialSpan(input);
  if (!span) return;
  const auth = input.slice(span[0], span[1]);
  const colon = auth.indexOf(':');
  const prefix = input.slice(0, span[0]);
  // no ':' left: in redis://alice@h that is a user name, not a secret, and in ops@example.com an address; after
  // anything else (alice:pw@h, redis:pw@h, redis//pw@h) or before a host:port (pw@h:1) it is a password
  if (colon < 0 && /^rediss?:\/\/$/i.test(prefix)) return;
  if (colon < 0 && !prefix && !HOST_PORT.test(input.slice(span[1] + 1))) return;
  const pass = auth.slice(colon + 1);
  remember(pass);
  try {
    remember(decodeURIComponent(pass));
  } catch {
    // a bare % is part of the password
  }
}

/** Options other tools take a password with (redis-cli -a, --pass, --password, --auth, …): cutover has none, but never echoes their value. */
const PASSWORD_OPTIONS = /^(-a|--?(?:pass|password|auth|requirepass|masterauth|sentinel-password|source-password|target-password|pwd))$/i;

/** The password option of another tool (redis-cli -a, --pass, --password …) among the words, if any. */
export function passwordOption(argv: string[]): string | undefined {
  for (const word of argv) {
    const name = /^(--?[\w-]+)=/.exec(word)?.[1] ?? (/^-a./.test(word) ? '-a' : word);
    if (PASSWORD_OPTIONS.test(name)) return name;
  }
  return undefined;
}

/** Every credential on a command line is remembered (redacted from then on), whatever option or position it is in. */
export function rememberArgv(argv: string[]): void {
  argv.forEach((word, i) => {
    const eq = /^(--?[\w-]+)=(.*)$/s.exec(word);
    if (eq && PASSWORD_OPTIONS.test(eq[1])) remember(eq[2]);
    else if (/^-a.+/.test(word)) remember(word.slice(2));
    else if (PASSWORD_OPTIONS.test(word) && argv[i + 1] !== undefined) remember(argv[i + 1]);
    if (word.includes('@')) rememberTyped(eq ? eq[2] : word);
  });
}

/** host:port, [v6]:port, with a /db perhaps, ending the word (a closing bracket or a full stop may follow). */
const HOST_PORT = /^(\[[0-9a-f:.]*\]|[\w.-]+):\d+(\/\d*)?[)\].,;]?$/i;

/** A word holding user:password@ that is not a redis:// URI (those keep their user), nor a cluster bus address (host:port@cport). */
function maskWord(word: string): string {
  const span = credentialSpan(word);
  if (!span) return word;
  const [from, at] = span;
  if (/^\d+(,|$)/.test(word.slice(at + 1))) return word; // CLUSTER NODES' host:port@cport
  // a lone word before the @: an e-mail or a glob (ops@example.com, user@*), unless an address follows (pw@host:port)
  if (from === 0 && !word.slice(0, at).includes(':') && !HOST_PORT.test(word.slice(at + 1))) return word;
  return `${word.slice(0, from)}***${word.slice(at)}`;
}

/** Replaces passwords in redis URIs, in anything shaped user:password@host, and every remembered secret with ***. */
export function redact(text: string): string {
  // everything between scheme and the last @ of a URI is user:password; keep the user, hide the rest
  let out = text.replace(/(rediss?:\/\/)([^\s'"]*)@(\]?)/gi, (m, scheme: string, auth: string, bracket: string) => {
    if (bracket && auth.startsWith('[')) return m; // the usage's redis://[user:password@]host, not a URI
    const colon = auth.indexOf(':');
    if (auth.slice(colon + 1) === 'PASSWORD') return m; // the placeholder of a hint (a real one is remembered, and replaced below)
    return `${scheme}${colon >= 0 ? auth.slice(0, colon) + ':***' : auth}@${bracket}`;
  });
  // the same shape typed wrong (redis:/u:pw@h, redis//u:pw@h, u:pw@h:1): all of it before the @ hidden
  // (a word is matched from its first character only: tried at every character, a long word with no @ costs its length squared)
  if (out.includes('@')) out = out.replace(/(?<![^\s'"`])[^\s'"`]*@[^\s'"`]*/g, (word) => (/rediss?:\/\//i.test(word) ? word : maskWord(word)));
  // longest first, so a secret that contains another is replaced whole
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) {
    if (s.length < 3) continue; // a one- or two-letter password would shred ordinary words
    out = replaceSecret(out, s);
  }
  return out;
}
