// Whether a side of a job can still be reached, node by node. A reply of any kind (even an error reply: OOM,
// READONLY …) says the node is there; a connection error (refused, reset, closed, no reply in time) starts an
// outage, ended by the next reply. A node out for the bound (--timeout) is given up: the job ends by itself, as
// RIOT and RedisShake do, instead of retrying key after key against a server that is gone. A command that timed out
// waited the whole bound with no reply: its node is given up at once (a stopped or hung server).
import { isConnectionError } from '../topology/connection-words.js';

/** When no --timeout is known: how long a side may be unreachable before the job ends. */
export const DEFAULT_LOST_AFTER_MS = 10_000;

export type SideName = 'source' | 'target';

function timedOut(err: unknown): boolean {
  const e = err as NodeJS.ErrnoException | undefined;
  return e?.code === 'ETIMEDOUT' || /timed? ?out/i.test(String(e?.message ?? err));
}

/** "10s", "2.5s", "500ms" */
function duration(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${Number((ms / 1000).toFixed(1))}s`;
}

/** The error a job ends with when a side cannot be reached: one line naming the side and the node, in cutover's words. */
export class SideLostError extends Error {
  constructor(
    readonly side: SideName,
    readonly address: string,
    readonly boundMs: number,
    override readonly cause: unknown,
  ) {
    super(
      timedOut(cause)
        ? `${side}: no reply from ${address} for ${duration(boundMs)}: is Redis still running there (not stopped or hung)?`
        : `${side}: lost the connection to ${address} and could not get it back for ${duration(boundMs)}: is Redis still running there?`,
    );
    this.name = 'SideLostError';
  }
}

/** The node an error names (Node's and cutover's RESP errors carry address and port), else `fallback`. */
export function addressOfError(err: unknown, fallback: string): string {
  const e = err as { address?: unknown; port?: unknown } | undefined;
  if (typeof e?.address === 'string' && typeof e.port === 'number' && e.port > 0) return e.address.includes(':') ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`;
  return fallback;
}

export class SideHealth {
  /** node "host:port" → when its outage began */
  private readonly down = new Map<string, number>();

  constructor(
    readonly name: SideName,
    readonly boundMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** A reply came from the node: it is there. */
  ok(address: string): void {
    this.down.delete(address);
  }

  /**
   * A command to the node failed. Returns the error to end the job with when the node has been unreachable for
   * the bound, else undefined (retry, or fail the key, as before).
   */
  failed(err: unknown, address: string): SideLostError | undefined {
    if (!isConnectionError(err)) {
      this.ok(address);
      return undefined;
    }
    const t = this.now();
    const began = timedOut(err) ? t - this.boundMs : t;
    const since = Math.min(this.down.get(address) ?? began, began);
    this.down.set(address, since);
    return t - since >= this.boundMs ? new SideLostError(this.name, addressOfError(err, address), this.boundMs, err) : undefined;
  }
}
