// --cacert, --cert, --key, --insecure: the TLS files as given (engine/redis/connect.ts's tlsSettings reads them).
export interface TlsFiles {
  cacert?: string;
  cert?: string;
  key?: string;
  insecure?: boolean;
}

