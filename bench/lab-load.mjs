#!/usr/bin/env node
// npm run bench:lab — how fast the lab loads its mixed dataset, against a baseline measured in the same run:
// `redis-cli --pipe` mass insertion of the same number of plain SETs (Redis's documented fastest bulk path).
// Usage: npm run bench:lab [-- KEYS...]   (default 100000 1000000)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const { findRedis } = await import(join(dist, 'lab', 'redis-binaries.js'));
const { LabServer } = await import(join(dist, 'lab', 'server.js'));
const { freePort } = await import(join(dist, 'lab', 'ports.js'));
const { loadDataset } = await import(join(dist, 'lab', 'dataset.js'));

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const bins = findRedis();
const dir = mkdtempSync(join(tmpdir(), 'cutover-bench-'));
const server = new LabServer(bins, dir, { name: 'bench', kind: 'redis', port: await freePort(), config: ['maxmemory 0'] });
await server.start();
const client = new Redis({ host: '127.0.0.1', port: server.port });
client.on('error', () => undefined);

function resp(...args) {
  return `*${args.length}\r\n` + args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('');
}

async function pipeBaseline(keys) {
  await client.flushall();
  const started = Date.now();
  const child = spawn(bins.cli, ['-p', String(server.port), '--pipe'], { env: { ...process.env, ...bins.env }, stdio: ['pipe', 'ignore', 'inherit'] });
  const chunk = 10_000;
  for (let i = 0; i < keys; i += chunk) {
    let buf = '';
    for (let j = i; j < Math.min(keys, i + chunk); j++) buf += resp('SET', `base:${j}`, `value-${j}`);
    if (!child.stdin.write(buf)) await new Promise((r) => child.stdin.once('drain', r));
  }
  child.stdin.end();
  await new Promise((r) => child.on('exit', r));
  return Date.now() - started;
}

console.log(`redis ${bins.version} · ${process.platform} · node ${process.version}`);
console.log('keys      | cutover lab (mixed types) | redis-cli --pipe (plain SET) | ratio');
for (const keys of sizes.length ? sizes : [100_000, 1_000_000]) {
  const baseMs = await pipeBaseline(keys);
  await client.flushall();
  const cpu0 = process.cpuUsage();
  const res = await loadDataset(client, { keys });
  const cpu = process.cpuUsage(cpu0);
  const labRate = Math.round(res.loaded / (res.ms / 1000));
  const baseRate = Math.round(keys / (baseMs / 1000));
  console.log(
    `${String(keys).padEnd(9)} | ${String(labRate).padStart(8)} keys/s (${res.ms} ms) | ${String(baseRate).padStart(9)} keys/s (${baseMs} ms)     | ${(labRate / baseRate).toFixed(2)}x`,
  );
  console.log(`          | node CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s, ${res.withTtl} with TTL, types ${JSON.stringify(res.byType)}`);
}
client.disconnect();
await server.kill();
rmSync(dir, { recursive: true, force: true });

