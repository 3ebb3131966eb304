#!/usr/bin/env node
// bench:live's load generator, in a process of its own so its work never delays the bench's lag probes.
//   node bench/live-writer.mjs '{"port":6379,"rate":1000|"max","seconds":30,"counters":1000,"keys":10000,"seed":1}'
// Sends mixed writes on every type to 127.0.0.1:port over one bare RESP connection (dist/engine/redis/resp.js):
// SET, SET … PX (short-lived keys that expire during the run), INCR on the counters, HSET, LPUSH + LTRIM, SADD, SREM,
// ZADD, ZINCRBY, XADD … MAXLEN ~, EXPIRE, DEL, and now and then a MULTI/EXEC holding an INCR.
// Fixed rate: a tick every 10 ms sends what the schedule (rate × elapsed) says is due, pipelined. "max": four
// pipelines of 1000 commands always in flight. The counters (w:ctr:N) are only ever INCR'd, and each INCR counts in
// the expected values once the source has replied to it (EXEC's own reply for those in a transaction).
// stdout: {"event":"started","at":ms} once connected, then {"event":"done",sent,errors,ms,at,expected:[…]}.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const { RespConnection } = await import(join(dist, 'engine', 'redis', 'resp.js'));

const o = { rate: 1000, seconds: 30, counters: 1000, keys: 10_000, seed: 1, ...JSON.parse(process.argv[2] ?? '{}') };
const max = o.rate === 'max';

let state = o.seed >>> 0 || 1;
/** xorshift32: an integer in [0, n) */
const int = (n) => {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) % n;
};
const VALUES = Array.from({ length: 64 }, (_, i) => `v${i}-`.padEnd(16 + (i % 5) * 24, String.fromCharCode(97 + (i % 26))));
const value = () => VALUES[int(VALUES.length)];
const key = (kind) => `w:${kind}:${int(o.keys)}`;

const expected = new Array(o.counters).fill(0);
let sent = 0;
let errors = 0;
let firstError;

/**
 * Appends one operation (one to five commands) to the pipeline; INCRs go into `incrs` as
 * [reply index, index inside EXEC's reply or -1, counter].
 */
function op(pipe, incrs) {
  const r = int(100);
  const at = pipe.length;
  if (r < 20) {
    const c = int(o.counters);
    pipe.call('INCR', [`w:ctr:${c}`]);
    incrs.push([at, -1, c]);
  } else if (r < 34) pipe.call('SET', [key('s'), value()]);
  else if (r < 37) pipe.call('SET', [key('t'), value(), 'PX', 300 + int(3000)]);
  else if (r < 48) pipe.call('HSET', [key('h'), `f${int(20)}`, value()]);
  else if (r < 56) {
    const k = key('l');
    pipe.call('LPUSH', [k, value()]);
    pipe.call('LTRIM', [k, 0, 49]);
  } else if (r < 63) pipe.call('SADD', [key('set'), `m${int(200)}`]);
  else if (r < 65) pipe.call('SREM', [key('set'), `m${int(200)}`]);
  else if (r < 72) pipe.call('ZADD', [key('z'), int(1_000_000) / 100, `m${int(200)}`]);
  else if (r < 74) pipe.call('ZINCRBY', [key('z'), 1, `m${int(200)}`]);
  else if (r < 82) pipe.call('XADD', [key('x'), 'MAXLEN', '~', 50, '*', 'event', value()]);
  else if (r < 88) pipe.call('EXPIRE', [key('s'), 60 + int(240)]);
  else if (r < 92) pipe.call('DEL', [key(['s', 'h', 'l', 'set', 'z', 'x'][int(6)])]);
  else if (r < 95) pipe.call('APPEND', [key('s'), 'x']);
  else if (r < 97) pipe.call('HINCRBY', [key('h'), 'n', 1]);
  else {
    // a transaction: two writes and an INCR, applied together or not at all
    const c = int(o.counters);
    pipe.call('MULTI', []);
    pipe.call('SET', [key('s'), value()]);
    pipe.call('INCR', [`w:ctr:${c}`]);
    pipe.call('HSET', [key('h'), 'tx', value()]);
    pipe.call('EXEC', []);
    incrs.push([at + 4, 1, c]);
  }
  return pipe.length - at;
}

/** Sends `n` or a few more commands as one pipeline; resolves once every reply is in and counted. */
async function batch(conn, n) {
  const pipe = conn.pipeline();
  const incrs = [];
  while (pipe.length < n) op(pipe, incrs);
  sent += pipe.length;
  const replies = await pipe.exec();
  for (const [err] of replies) {
    if (err) {
      errors++;
      firstError ??= err.message;
    }
  }
  for (const [i, inner, c] of incrs) {
    const [err, v] = replies[i];
    if (err) continue;
    if (inner < 0) expected[c]++;
    else if (Array.isArray(v) && typeof v[inner] === 'number') expected[c]++;
  }
}

const conn = await RespConnection.open({ host: '127.0.0.1', port: o.port });
const started = performance.now();
const end = started + o.seconds * 1000;
process.stdout.write(JSON.stringify({ event: 'started', at: Date.now() }) + '\n');

const inflight = new Set();
const track = (p) => {
  inflight.add(p);
  p.finally(() => inflight.delete(p)).catch(() => undefined);
  return p;
};

try {
  if (max) {
    const lane = async () => {
      while (performance.now() < end) await track(batch(conn, 1000));
    };
    await Promise.all([lane(), lane(), lane(), lane()]);
  } else {
    await new Promise((resolve, reject) => {
      const timer = setInterval(() => {
        const now = performance.now();
        if (now >= end) {
          clearInterval(timer);
          return resolve();
        }
        // a second's worth of replies outstanding: the source is not keeping up; skip rather than pile up
        if (inflight.size > 100) return;
        const due = Math.floor((o.rate * (now - started)) / 1000) - sent;
        if (due > 0) track(batch(conn, due)).catch((e) => (clearInterval(timer), reject(e)));
      }, 10);
    });
  }
  await Promise.all(inflight);
} finally {
  conn.close();
}
const ms = performance.now() - started;
process.stdout.write(JSON.stringify({ event: 'done', sent, errors, firstError, ms, at: Date.now(), expected }) + '\n');
