// One real redis-server (or redis-server --sentinel) process on 127.0.0.1, with its own folder and config.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { track } from './processes.js';
import type { RedisBinaries } from './redis-binaries.js';

export type ServerKind = 'redis' | 'sentinel';

export interface ServerSpec {
  /** lab name: master, r1, s1, c3, target, … */
  name: string;
  kind: ServerKind;
  port: number;
  /** extra config lines, written after the lab's defaults */
  config: string[];
}

const REDIS_DEFAULTS = [
  'bind 127.0.0.1',
  'protected-mode yes',
  'daemonize no',
  'save ""',
  'appendonly no',
  'repl-diskless-sync yes',
  'repl-diskless-sync-delay 0',
  'enable-debug-command local',
  'loglevel notice',
];

const SENTINEL_DEFAULTS = ['bind 127.0.0.1', 'protected-mode no', 'daemonize no', 'sentinel resolve-hostnames no'];

/** Sends PING over a raw socket; resolves true on +PONG (or -NOAUTH, which is a Redis too). */
export function pingPort(port: number, timeoutMs = 500, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host, port });
    let buf = '';
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.on('error', () => done(false));
    sock.on('connect', () => sock.write('PING\r\n'));
    sock.on('data', (d) => {
      buf += d.toString();
      if (buf.includes('\r\n')) done(buf.startsWith('+PONG') || buf.startsWith('-NOAUTH') || buf.startsWith('-LOADING'));
    });
  });
}

export class LabServer {
  readonly name: string;
  readonly kind: ServerKind;
  readonly port: number;
  readonly dir: string;
  private child?: ChildProcess;
  private tail: string[] = [];

  constructor(
    private readonly bins: RedisBinaries,
    labDir: string,
    private readonly spec: ServerSpec,
  ) {
    this.name = spec.name;
    this.kind = spec.kind;
    this.port = spec.port;
    this.dir = join(labDir, spec.name);
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Writes the config (first start only) and starts the process; resolves once it answers PING. */
  async start(timeoutMs = 10_000): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    const confName = this.kind === 'sentinel' ? 'sentinel.conf' : 'redis.conf';
    const conf = join(this.dir, confName);
    if (!this.child) {
      const lines = [
        ...(this.kind === 'sentinel' ? SENTINEL_DEFAULTS : REDIS_DEFAULTS),
        `port ${this.spec.port}`,
        `dir ${this.dir}`,
        ...this.spec.config,
      ];
      writeFileSync(conf, lines.join('\n') + '\n');
    }
    const args = this.kind === 'sentinel' ? [conf, '--sentinel'] : [conf];
    const child = spawn(this.bins.server, args, {
      cwd: this.dir,
      env: { ...process.env, ...this.bins.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.tail = [];
    const keep = (d: Buffer) => {
      for (const line of d.toString().split('\n')) if (line.trim()) this.tail.push(line);
      if (this.tail.length > 20) this.tail.splice(0, this.tail.length - 20);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    track(child);
    if (child.pid) writeFileSync(join(this.dir, 'redis.pid'), String(child.pid));
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`${this.name} (${this.address}) exited at start: ${this.lastLog()}`);
      if (await pingPort(this.port)) return;
      await sleep(25);
    }
    this.kill();
    throw new Error(`${this.name} (${this.address}) did not answer PING within ${timeoutMs} ms: ${this.lastLog()}`);
  }

  lastLog(): string {
    return this.tail.slice(-3).join(' | ') || 'no output';
  }

  /** kill -9, as an operator's worst day would. Resolves when the process is gone. */
  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  }

  /** Starts it again with the same folder and config (which Sentinel and Cluster may have rewritten). */
  async restart(): Promise<void> {
    await this.kill();
    await this.start();
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
