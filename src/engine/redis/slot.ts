// Redis Cluster's key slot (CRC16 of the key or of its {hash tag}, mod 16384), the one place cluster-key-slot is
// loaded (a CommonJS module, required rather than imported).
import { createRequire } from 'node:module';

/** The slot a key hashes to, as CLUSTER KEYSLOT says: "foo" → 12182; "{user1}.a" and "{user1}.b" share one. */
export const calculateSlot = createRequire(import.meta.url)('cluster-key-slot') as (key: string | Buffer) => number;
