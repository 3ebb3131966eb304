// Secrets never leave cutover: every password the operator gives is remembered here, and every line
// that reaches the screen, a log, a journal, an error or JSON passes through redact().
const secrets = new Set<string>();

export function remember(secret: string | undefined): void {
  if (secret && secret.length >= 1) secrets.add(secret);
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
    out = out.split(s).join('***');
  }
  return out;
}
