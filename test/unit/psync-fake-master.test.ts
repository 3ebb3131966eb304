// The client against a scripted master on a local socket: the corners a real server rarely shows on cue
// (keepalive newlines, a mark split across TCP segments, GETACK, a link lost mid-RDB).
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PsyncClient, type PsyncEvent } from '../../src/engine/live/psync/client.js';

const MARK = '0123456789abcdef0123456789abcdef01234567';
let server: Server | undefined;
let client: PsyncClient | undefined;

afterEach(async () => {
  await client?.stop();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = client = undefined;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * How many bytes the client's socket has handed to the client so far. The listener is added after the client's own
 * (call it right after start()), so when it has counted a byte the client has parsed it: a master that waits for
 * this to reach its socket's bytesWritten before its next write puts that write in a TCP segment of its own.
 */
function handedTo(c: PsyncClient): () => number {
  let n = 0;
  (c as unknown as { socket: Socket }).socket.on('data', (d: Buffer) => (n += d.length));
  return () => n;
}

/** A master that answers the handshake, then hands the socket and every PSYNC line it got to `script`. */
async function fakeMaster(script: (sock: Socket, psync: string) => Promise<void>, received: string[] = []): Promise<number> {
  server = createServer((sock) => {
    sock.setNoDelay(true);
    let buf = '';
    let replied = 0;
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      received.push(d.toString('latin1'));
      // replies to AUTH/CLIENT/REPLCONF: one +OK per command until PSYNC
      const cmds = buf.split('*').slice(1);
      const psync = cmds.find((c) => c.includes('PSYNC'));
      const pre = psync ? cmds.indexOf(psync) : cmds.length;
      while (replied < pre) {
        sock.write('+OK\r\n');
        replied++;
      }
      if (psync && replied === pre) {
        replied++;
        const parts = psync.split('\r\n').slice(1).filter((p) => p && !p.startsWith('$'));
        void script(sock, parts.join(' '));
      }
    });
    sock.on('error', () => {});
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  return typeof addr === 'object' && addr ? addr.port : 0;
}

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await sleep(10);
  }
}

const cmd = (...args: string[]) => `*${args.length}\r\n` + args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('');

describe('PsyncClient against a scripted master', () => {
  it('skips keepalive newlines, strips a split EOF mark, counts PING and GETACK and answers GETACK at once', async () => {
    const received: string[] = [];
    let psyncLine = '';
    let handed = () => 0;
    // each write is read by the client before the next is sent: one segment each
    const delivered = (sock: Socket) => until(() => handed() >= sock.bytesWritten);
    const port = await fakeMaster(async (sock, psync) => {
      psyncLine = psync;
      sock.write('\n');
      await delivered(sock);
      sock.write('\n+FULLRESYNC ' + 'r'.repeat(40) + ' 100\r\n\n');
      await delivered(sock);
      sock.write(`$EOF:${MARK}\r\nREDIS0010-payload-${MARK.slice(0, 13)}`);
      await delivered(sock);
      sock.write(`${MARK.slice(13)}${cmd('SELECT', '0').slice(0, 5)}`);
      await delivered(sock);
      sock.write(cmd('SELECT', '0').slice(5) + cmd('PING') + cmd('SET', 'a', 'b') + cmd('REPLCONF', 'GETACK', '*'));
    }, received);
    client = new PsyncClient({ host: '127.0.0.1', port, listeningPort: 1234, ackIntervalMs: 60_000 });
    const events: PsyncEvent[] = [];
    client.on((e) => events.push(e));
    client.start();
    handed = handedTo(client);
    await until(() => client!.offset === 100 + cmd('SELECT', '0').length + cmd('PING').length + cmd('SET', 'a', 'b').length + cmd('REPLCONF', 'GETACK', '*').length);
    expect(psyncLine).toBe('PSYNC ? -1');
    const rdb = Buffer.concat(events.flatMap((e) => (e.type === 'rdb-chunk' ? [e.chunk] : []))).toString('latin1');
    expect(rdb).toBe(`REDIS0010-payload-`); // the mark arrived in two segments: none of it is RDB data
    const o1 = 100 + cmd('SELECT', '0').length;
    const o2 = o1 + cmd('PING').length;
    const o3 = o2 + cmd('SET', 'a', 'b').length;
    const o4 = o3 + cmd('REPLCONF', 'GETACK', '*').length;
    expect(events.filter((e) => e.type !== 'rdb-chunk')).toEqual([
      { type: 'connected' },
      { type: 'full-resync', replId: 'r'.repeat(40), offset: 100 },
      { type: 'rdb-start', diskless: true },
      { type: 'rdb-end' },
      { type: 'ack', offset: 100 },
      { type: 'command', args: [Buffer.from('SELECT'), Buffer.from('0')], offset: o1 },
      { type: 'ping', offset: o2 },
      { type: 'command', args: [Buffer.from('SET'), Buffer.from('a'), Buffer.from('b')], offset: o3 },
      { type: 'ack', offset: o4 },
    ]);
    await until(() => received.join('').includes(cmd('REPLCONF', 'ACK', String(o4))));
    const all = received.join('');
    expect(all).toContain(cmd('CLIENT', 'SETNAME', 'cutover-psync'));
    expect(all).toContain(cmd('REPLCONF', 'listening-port', '1234'));
    expect(all).toContain(cmd('REPLCONF', 'capa', 'eof', 'capa', 'psync2'));
    expect(all).toContain(cmd('REPLCONF', 'ACK', '100'));
  });

  it('does not resume from a full resync whose RDB never finished; resumes (offset + 1) once one has', async () => {
    const lines: string[] = [];
    const events: PsyncEvent[] = [];
    let n = 0;
    const port = await fakeMaster(async (sock, psync) => {
      lines.push(psync);
      n++;
      if (n === 1) {
        sock.write(`+FULLRESYNC ${'a'.repeat(40)} 50\r\n$100\r\nREDIS0010`);
        // the client has read the start of the RDB
        await until(() => events.some((e) => e.type === 'rdb-chunk'));
        sock.destroy(); // link lost mid-RDB
      } else if (n === 2) {
        sock.write(`+FULLRESYNC ${'b'.repeat(40)} 70\r\n$9\r\nREDIS0010${cmd('SET', 'k', 'v')}`);
        // the client has read the whole RDB and the command after it
        await until(() => client!.offset === 70 + cmd('SET', 'k', 'v').length);
        sock.destroy();
      } else {
        sock.write(`+CONTINUE ${'c'.repeat(40)}\r\n${cmd('DEL', 'k')}`);
      }
    });
    client = new PsyncClient({ host: '127.0.0.1', port });
    client.on((e) => events.push(e));
    for (let i = 1; i <= 3; i++) {
      const closedBefore = events.filter((e) => e.type === 'closed').length;
      client.start();
      if (i < 3) await until(() => events.filter((e) => e.type === 'closed').length > closedBefore);
      else await until(() => events.some((e) => e.type === 'partial-resync') && client!.offset > 70 + cmd('SET', 'k', 'v').length);
    }
    const after = 70 + cmd('SET', 'k', 'v').length;
    expect(lines).toEqual(['PSYNC ? -1', 'PSYNC ? -1', `PSYNC ${'b'.repeat(40)} ${after + 1}`]);
    expect(events.find((e) => e.type === 'partial-resync')).toEqual({ type: 'partial-resync', replId: 'c'.repeat(40), offset: after });
    expect(client.replId).toBe('c'.repeat(40));
    expect(client.offset).toBe(after + cmd('DEL', 'k').length);
  });

  it('treats -NOMASTERLINK as a passing error, not a refusal', async () => {
    const port = await fakeMaster(async (sock) => {
      sock.write('-NOMASTERLINK Can\'t SYNC while not connected with my master\r\n');
    });
    client = new PsyncClient({ host: '127.0.0.1', port });
    const events: PsyncEvent[] = [];
    client.on((e) => events.push(e));
    client.start();
    await until(() => events.some((e) => e.type === 'closed'));
    expect(events.map((e) => e.type)).toEqual(['connected', 'error', 'closed']);
    expect(events[1]).toMatchObject({ message: expect.stringMatching(/^PSYNC: NOMASTERLINK/) });
  });
});
