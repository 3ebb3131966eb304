// cutover's replica-protocol client: connects to a source master the way a replica does (AUTH, CLIENT SETNAME,
// REPLCONF listening-port / capa eof psync2, PSYNC) and consumes the same stream: the RDB (disk-backed or
// diskless), then every command of the replication stream with the exact replication offset after it.
// A plain net/tls socket; no client library.
//
// Offsets: `offset` is the replication offset processed so far, i.e. the master's master_repl_offset once caught
// up. +FULLRESYNC <id> <off> sets it to <off>; every byte of the stream after the RDB adds to it (PINGs and
// REPLCONF GETACKs included). PSYNC asks for the next byte wanted, <offset + 1>, as redis-server's own replica
// does (replication.c: psync_offset = reploff + 1); the master then sends its backlog from that byte. Sending
// <offset> itself is accepted too but makes the master resend the last byte already processed.
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { Emitter, type Listener } from '../../emitter.js';
import { Encoder, type Arg } from '../../redis/resp.js';
import { LineBuffer } from './lines.js';
import { parseRdbHeader, rdbBody, type RdbBody } from './rdb-body.js';
import { CommandStream, type Frame } from './stream.js';
import type { PsyncEvent, PsyncOptions, PsyncState } from './types.js';

export type { PsyncEvent, PsyncOptions, PsyncState } from './types.js';

/** Errors to PSYNC that mean "not now" rather than "never": the master's own master link is down, or it loads. */
const TRANSIENT = /^-(NOMASTERLINK|LOADING)\b/;

interface HandshakeStep {
  what: string;
  /** a failure stops the client (AUTH); others are only noted (old servers reject REPLCONF capa, for one) */
  fatal: boolean;
}

export class PsyncClient {
  private readonly events = new Emitter<PsyncEvent>();
  private socket?: Socket;
  private _state: PsyncState = 'idle';
  private _replId: string;
  private _offset: number;
  /** replId/offset describe a complete dataset (an RDB fully received, or given by the caller): PSYNC may resume */
  private resumable: boolean;
  private lines = new LineBuffer();
  private steps: HandshakeStep[] = [];
  private body?: RdbBody;
  private stream = new CommandStream();
  private ackTimer?: NodeJS.Timeout;
  private closedEmitted = true;
  private stopping = false;

  constructor(private readonly opts: PsyncOptions) {
    this._replId = opts.replId ?? '?';
    this._offset = opts.offset ?? -1;
    this.resumable = opts.replId !== undefined && opts.offset !== undefined;
  }

  on(listener: Listener<PsyncEvent>): () => void {
    return this.events.on(listener);
  }

  get state(): PsyncState {
    return this._state;
  }

  /** The master's replication id this client follows ('?' before the first sync). */
  get replId(): string {
    return this._replId;
  }

  /** Replication offset processed so far (see the file's header). */
  get offset(): number {
    return this._offset;
  }

  /** Connects and syncs; a client stopped (or closed) earlier resumes from its replId and offset. */
  start(): void {
    if (this.socket) return;
    this.stopping = false;
    this.closedEmitted = false;
    this.lines = new LineBuffer();
    this.stream = new CommandStream();
    this.body = undefined;
    this._state = 'connecting';
    const o = this.opts;
    const socket = o.tls ? tlsConnect({ host: o.host, port: o.port, ...o.tls }) : tcpConnect({ host: o.host, port: o.port });
    this.socket = socket;
    socket.setNoDelay(true);
    const timer = setTimeout(() => socket.destroy(new Error(`connect ETIMEDOUT ${o.host}:${o.port}`)), o.connectTimeoutMs ?? 5000);
    socket.once(o.tls ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      if (this.socket !== socket) return;
      socket.setKeepAlive(true, 10_000);
      this.emit({ type: 'connected' });
      if (this.socket === socket) this.handshake(socket);
    });
    socket.on('data', (d: Buffer) => {
      if (this.socket !== socket) return;
      try {
        this.onData(socket, d);
      } catch (e) {
        this.fail(socket, (e as Error).message);
      }
    });
    socket.on('error', (e) => {
      clearTimeout(timer);
      if (this.socket === socket && !this.stopping) this.emit({ type: 'error', message: e.message });
    });
    socket.on('close', () => {
      clearTimeout(timer);
      if (this.socket === socket) this.closed();
    });
  }

  /**
   * Flow control for a slow consumer: stops reading the socket (events stop after the chunk in hand; the master
   * buffers, up to its client-output-buffer-limit replica). ACKs go on with the offset processed so far.
   */
  pause(): void {
    this.socket?.pause();
  }

  resume(): void {
    this.socket?.resume();
  }

  /** Closes the connection; resolves once the socket is gone. replId and offset are kept for the next start(). */
  stop(): Promise<void> {
    const socket = this.socket;
    this.stopping = true;
    if (!socket) return Promise.resolve();
    return new Promise((resolve) => {
      socket.once('close', () => resolve());
      socket.destroy();
    });
  }

  private closed(): void {
    clearInterval(this.ackTimer);
    this.ackTimer = undefined;
    this.socket = undefined;
    this._state = 'closed';
    if (!this.closedEmitted) {
      this.closedEmitted = true;
      this.emit({ type: 'closed' });
    }
  }

  private emit(e: PsyncEvent): void {
    this.events.emit(e);
  }

  private send(socket: Socket, name: string, args: Arg[]): void {
    const enc = new Encoder();
    enc.add(name, args);
    socket.write(enc.done());
  }

  private fail(socket: Socket, message: string): void {
    if (this.socket !== socket) return;
    this.emit({ type: 'error', message });
    socket.destroy();
  }

  private handshake(socket: Socket): void {
    const o = this.opts;
    this._state = 'handshake';
    const enc = new Encoder();
    this.steps = [];
    if (o.password !== undefined) {
      enc.add('AUTH', o.username ? [o.username, o.password] : [o.password]);
      this.steps.push({ what: 'AUTH', fatal: true });
    }
    enc.add('CLIENT', ['SETNAME', o.name ?? 'cutover-psync']);
    this.steps.push({ what: 'CLIENT SETNAME', fatal: false });
    enc.add('REPLCONF', ['listening-port', o.listeningPort ?? 0]);
    this.steps.push({ what: 'REPLCONF listening-port', fatal: false });
    enc.add('REPLCONF', ['capa', 'eof', 'capa', 'psync2']);
    this.steps.push({ what: 'REPLCONF capa', fatal: false });
    socket.write(enc.done());
  }

  private sendPsync(socket: Socket): void {
    this._state = 'psync';
    if (this.resumable) this.send(socket, 'PSYNC', [this._replId, this._offset + 1]);
    else this.send(socket, 'PSYNC', ['?', -1]);
  }

  private onData(socket: Socket, d: Buffer): void {
    switch (this._state) {
      case 'handshake':
      case 'psync':
      case 'rdb-header':
        this.lines.push(d);
        this.readLines(socket);
        return;
      case 'rdb-body':
        this.readRdb(socket, d);
        return;
      case 'stream':
        this.readStream(socket, d);
        return;
      default:
        return;
    }
  }

  private readLines(socket: Socket): void {
    for (;;) {
      if (this.socket !== socket) return;
      const state = this._state;
      if (state !== 'handshake' && state !== 'psync' && state !== 'rdb-header') {
        const rest = this.lines.take();
        if (rest.length) this.onData(socket, rest);
        return;
      }
      const line = this.lines.next();
      if (line === undefined) return;
      if (state === 'handshake') this.onHandshakeReply(socket, line);
      else if (state === 'psync') this.onPsyncReply(socket, line);
      else this.onRdbHeader(line);
    }
  }

  private onHandshakeReply(socket: Socket, line: string): void {
    const step = this.steps.shift();
    if (!step) throw new Error(`protocol error: unexpected reply "${line.slice(0, 100)}"`);
    if (line.startsWith('-') && step.fatal) {
      this.fail(socket, `${step.what}: ${line.slice(1)}`);
      return;
    }
    if (this.steps.length === 0) this.sendPsync(socket);
  }

  private onPsyncReply(socket: Socket, line: string): void {
    if (line === '') return; // the master's keepalive newline while it prepares the RDB
    if (line.startsWith('+FULLRESYNC')) {
      const [, id, off] = line.split(' ');
      if (!id || !/^\d+$/.test(off ?? '')) throw new Error(`protocol error: bad reply "${line}"`);
      this._replId = id;
      this._offset = Number(off);
      this.resumable = false; // until the whole RDB has arrived
      this._state = 'rdb-header';
      this.emit({ type: 'full-resync', replId: id, offset: this._offset });
      return;
    }
    if (line.startsWith('+CONTINUE')) {
      const id = line.slice('+CONTINUE'.length).trim();
      if (id) this._replId = id; // PSYNC2: the master's replid changed (a failover), the offset goes on
      this.emit({ type: 'partial-resync', replId: this._replId, offset: this._offset });
      if (this.socket === socket) this.enterStream(socket);
      return;
    }
    if (line.startsWith('-')) {
      const message = line.slice(1);
      if (TRANSIENT.test(line)) {
        this.fail(socket, `PSYNC: ${message}`);
        return;
      }
      this.emit({ type: 'refused', message });
      this.stopping = true;
      socket.destroy();
      return;
    }
    throw new Error(`protocol error: unexpected reply to PSYNC "${line.slice(0, 100)}"`);
  }

  private onRdbHeader(line: string): void {
    if (line === '') return; // keepalive while the master's BGSAVE runs
    if (line.startsWith('-')) throw new Error(`master aborted the sync: ${line.slice(1)}`);
    const h = parseRdbHeader(line);
    this.body = rdbBody(h);
    this._state = 'rdb-body';
    this.emit(h.diskless ? { type: 'rdb-start', diskless: true } : { type: 'rdb-start', diskless: false, size: h.size });
  }

  private readRdb(socket: Socket, d: Buffer): void {
    const step = this.body!.push(d);
    if (step.data.length) this.emit({ type: 'rdb-chunk', chunk: step.data });
    if (!step.done || this.socket !== socket) return;
    this.body = undefined;
    this.resumable = true;
    this.emit({ type: 'rdb-end' });
    if (this.socket !== socket) return;
    this.enterStream(socket);
    if (step.rest.length) this.readStream(socket, step.rest);
  }

  private enterStream(socket: Socket): void {
    this._state = 'stream';
    this.resumable = true;
    // at once: a diskless master streams commands only after the replica's first ACK
    this.ack(socket);
    clearInterval(this.ackTimer);
    this.ackTimer = setInterval(() => {
      if (this.socket === socket && this._state === 'stream') this.ack(socket);
    }, this.opts.ackIntervalMs ?? 1000);
    this.ackTimer.unref?.();
  }

  private ack(socket: Socket): void {
    const asked = this.opts.ackOffset?.();
    const offset = asked !== undefined && asked >= 0 ? Math.min(asked, this._offset) : this._offset;
    this.send(socket, 'REPLCONF', ['ACK', offset]);
    this.emit({ type: 'ack', offset });
  }

  private readStream(socket: Socket, d: Buffer): void {
    for (const f of this.stream.push(d)) {
      if (this.socket !== socket) return;
      this.onFrame(socket, f);
    }
  }

  private onFrame(socket: Socket, f: Frame): void {
    this._offset += f.size;
    const name = f.args[0]?.toString('latin1').toLowerCase();
    if (name === 'ping' && f.args.length === 1) this.emit({ type: 'ping', offset: this._offset });
    else if (name === 'replconf') {
      // GETACK: answered at once, with the offset after the GETACK itself; other REPLCONFs are internal too
      if (f.args[1]?.toString('latin1').toLowerCase() === 'getack') this.ack(socket);
    } else this.emit({ type: 'command', args: f.args, offset: this._offset });
  }
}
