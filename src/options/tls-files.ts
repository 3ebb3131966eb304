// --tls, --cacert, --cert, --key, --insecure: the same for every command (engine/redis/connect.ts's tlsSettings reads the files).
import { InputError } from './endpoint.js';

export interface TlsFiles {
  cacert?: string;
  cert?: string;
  key?: string;
  insecure?: boolean;
}

export const TLS_OPTIONS = {
  tls: { type: 'boolean' },
  cacert: { type: 'string' },
  cert: { type: 'string' },
  key: { type: 'string' },
  insecure: { type: 'boolean' },
} as const;

/** The TLS files as given, refused when nothing is TLS (no --tls, no rediss://) or a certificate comes without its key. */
export function tlsFilesOf(v: { cacert?: string; cert?: string; key?: string; insecure?: boolean }, anyTls: boolean): TlsFiles {
  if ((v.cacert || v.cert || v.key || v.insecure) && !anyTls) throw new InputError(`--cacert/--cert/--key/--insecure need TLS: add --tls or use rediss:// URIs`);
  if (!!v.cert !== !!v.key) throw new InputError(`--cert and --key go together: give both for a client certificate`);
  return { cacert: v.cacert, cert: v.cert, key: v.key, insecure: !!v.insecure };
}
