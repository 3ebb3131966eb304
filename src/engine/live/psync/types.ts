// The replica-protocol client's options and events.
import type { ConnectionOptions } from 'node:tls';

export interface PsyncOptions {
  host: string;
  port: number;
  username?: string;
  password?: string;
  tls?: ConnectionOptions;
  /** what REPLCONF listening-port announces (INFO replication shows it as slaveN's port); 0 when unset */
  listeningPort?: number;
  /** CLIENT SETNAME; 'cutover-psync' when unset */
  name?: string;
  /** replication id to resume from; '?' (full resync) when unset */
  replId?: string;
  /**
   * Replication offset already processed for `replId`: the `offset` of the last 'command' event (the master's
   * master_repl_offset once caught up). The client asks for the next byte, PSYNC <replId> <offset + 1>, as a real
   * replica does; -1 (full resync) when unset.
   */
  offset?: number;
  /** REPLCONF ACK period; 1000 ms when unset */
  ackIntervalMs?: number;
  /**
   * The offset to acknowledge: what has really been processed (applied to a target), so the master's view of this
   * replica (INFO replication, WAIT, min-replicas-to-write) is never ahead of it. The received offset when unset.
   */
  ackOffset?: () => number;
  /** TCP/TLS connect timeout; 5000 ms when unset */
  connectTimeoutMs?: number;
}

export type PsyncEvent =
  | { type: 'connected' }
  | { type: 'full-resync'; replId: string; offset: number }
  | { type: 'partial-resync'; replId: string; offset: number }
  | { type: 'rdb-start'; diskless: boolean; size?: number }
  | { type: 'rdb-chunk'; chunk: Buffer }
  | { type: 'rdb-end' }
  /** offset: the replication offset after this command */
  | { type: 'command'; args: Buffer[]; offset: number }
  /** the master's PING (counted in the offset, never emitted as a command) */
  | { type: 'ping'; offset: number }
  /** REPLCONF ACK sent with this offset */
  | { type: 'ack'; offset: number }
  /** the master refused PSYNC (renamed away, ACL, …): the server's words; the client has stopped */
  | { type: 'refused'; message: string }
  | { type: 'error'; message: string }
  | { type: 'closed' };

export type PsyncState = 'idle' | 'connecting' | 'handshake' | 'psync' | 'rdb-header' | 'rdb-body' | 'stream' | 'closed';
