// Parses CLUSTER NODES and CLUSTER INFO. Pure functions.
// CLUSTER NODES line (Redis 7): `id ip:port@cport[,hostname] flags master ping-sent pong-recv config-epoch link-state slot...`
// where a slot is `n`, `a-b`, or a migration marker `[n->-id]` (migrating) / `[n-<-id]` (importing).
import type { ClusterNodeEntry } from './types.js';

/** Splits `ip:port@cport[,hostname[,aux=value…]]` (Redis 7.0 / 7.2), `ip:port` (before 4.0) and IPv6 forms. */
function parseAddress(addr: string): { host: string; port: number; busPort?: number; hostname?: string } {
  const [endpoint, hostname] = addr.split(',');
  const [hostPort, bus] = endpoint.split('@');
  const colon = hostPort.lastIndexOf(':');
  const host = (colon >= 0 ? hostPort.slice(0, colon) : hostPort).replace(/^\[(.*)\]$/, '$1');
  const port = Number(colon >= 0 ? hostPort.slice(colon + 1) : NaN);
  const busPort = bus === undefined ? undefined : Number(bus);
  return {
    host,
    port: Number.isFinite(port) ? port : 0,
    ...(busPort !== undefined && Number.isFinite(busPort) ? { busPort } : {}),
    ...(hostname && !hostname.includes('=') ? { hostname } : {}),
  };
}

function parseLine(line: string): ClusterNodeEntry | undefined {
  const f = line.trim().split(/\s+/);
  if (f.length < 8) return undefined;
  const [id, addr, flagText, master, ping, pong, epoch, link, ...rest] = f;
  const flags = flagText === 'noflags' ? [] : flagText.split(',').filter(Boolean);
  const slots: Array<[number, number]> = [];
  const slotMigrations: string[] = [];
  for (const token of rest) {
    if (token.startsWith('[')) {
      slotMigrations.push(token);
      continue;
    }
    const [a, b] = token.split('-').map(Number);
    if (Number.isFinite(a)) slots.push([a, Number.isFinite(b) ? b : a]);
  }
  const role = flags.includes('master') ? 'master' : flags.includes('slave') || flags.includes('replica') ? 'replica' : 'unknown';
  return {
    id,
    ...parseAddress(addr),
    flags,
    myself: flags.includes('myself'),
    role,
    ...(master !== '-' ? { masterId: master } : {}),
    pingSent: Number(ping) || 0,
    pongRecv: Number(pong) || 0,
    configEpoch: Number(epoch) || 0,
    linkState: link === 'connected' ? 'connected' : 'disconnected',
    failing: flags.includes('fail') ? 'fail' : flags.includes('fail?') ? 'pfail' : null,
    slots,
    slotMigrations,
  };
}

/** CLUSTER NODES text → one entry per node line, in the order Redis printed them. */
export function parseClusterNodes(text: string): ClusterNodeEntry[] {
  const out: ClusterNodeEntry[] = [];
  for (const line of text.split('\n')) {
    const entry = parseLine(line);
    if (entry) out.push(entry);
  }
  return out;
}

/** `[93->-<id>]` / `[93-<-<id>]` → what it says; undefined for anything else. */
export function parseSlotMigration(marker: string): { slot: number; state: 'migrating' | 'importing'; nodeId: string } | undefined {
  const m = /^\[(\d+)-([<>])-([^\]]+)\]$/.exec(marker);
  if (!m) return undefined;
  return { slot: Number(m[1]), state: m[2] === '>' ? 'migrating' : 'importing', nodeId: m[3] };
}

/** How many slots inclusive ranges cover. */
export function countSlots(ranges: ReadonlyArray<readonly [number, number]>): number {
  let n = 0;
  for (const [a, b] of ranges) n += b - a + 1;
  return n;
}

/** CLUSTER INFO text (`key:value` lines, \r\n-separated) → record of strings. */
export function parseClusterInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) out[line.slice(0, colon)] = line.slice(colon + 1);
  }
  return out;
}
