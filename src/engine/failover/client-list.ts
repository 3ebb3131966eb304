// CLIENT LIST, parsed, and the clients an operator cares about after a failover: the applications still
// connected to the old master (not replicas, not Sentinels, not cutover's own connections). Pure.

export interface ClientEntry {
  id: string;
  addr: string;
  name: string;
  age: number;
  idle: number;
  flags: string;
  cmd: string;
  db: number;
}

export function parseClientList(text: string): ClientEntry[] {
  const out: ClientEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const f: Record<string, string> = {};
    for (const part of line.trim().split(' ')) {
      const eq = part.indexOf('=');
      if (eq > 0) f[part.slice(0, eq)] = part.slice(eq + 1);
    }
    if (f.id === undefined) continue;
    out.push({ id: f.id, addr: f.addr ?? '', name: f.name ?? '', age: Number(f.age ?? 0), idle: Number(f.idle ?? 0), flags: f.flags ?? '', cmd: f.cmd ?? '', db: Number(f.db ?? 0) });
  }
  return out;
}

/** Applications: not a replica or master link (S, M flags), not a Sentinel, not cutover. */
export function applicationClients(clients: ClientEntry[]): ClientEntry[] {
  return clients.filter((c) => !/[SM]/.test(c.flags) && !c.name.startsWith('sentinel-') && !c.name.startsWith('cutover-'));
}

/** "3 clients still connected: 127.0.0.1:5120 (app-1, idle 0 s, last set) …" */
export function clientsText(clients: ClientEntry[], max = 5): string {
  if (clients.length === 0) return 'no application clients connected';
  const shown = clients.slice(0, max).map((c) => `${c.addr}${c.name ? ` (${c.name}` : ' ('}${c.name ? ', ' : ''}idle ${c.idle} s, last ${c.cmd || '?'})`);
  return `${clients.length} client${clients.length === 1 ? '' : 's'} still connected: ${shown.join(', ')}${clients.length > max ? `, … ${clients.length - max} more` : ''}`;
}
