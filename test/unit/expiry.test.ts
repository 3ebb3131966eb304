// Expiry times read once as absolute times and written as such: PEXPIRETIME or PTTL + arrival, ABSTTL / PXAT / PEXPIREAT.
import { describe, expect, it } from 'vitest';
import { writeDump } from '../../src/engine/replicate/dump.js';
import { expiryCaps, expiryCommand, expiryOf } from '../../src/engine/replicate/expiry.js';
import { writeStruct } from '../../src/engine/replicate/struct.js';

function recorder() {
  const cmds: unknown[][] = [];
  return { cmds, pipe: { call: (name: string, args: unknown[]) => void cmds.push([name, ...args.map((a) => (Buffer.isBuffer(a) ? a.toString() : a))]) } };
}

describe('expiry', () => {
  it('knows what each version can do', () => {
    expect(expiryCaps('7.0.15')).toEqual({ expireTime: true, absTtl: true, pxAt: true });
    expect(expiryCaps('6.2.14')).toEqual({ expireTime: false, absTtl: true, pxAt: true });
    expect(expiryCaps('5.0.0')).toEqual({ expireTime: false, absTtl: true, pxAt: false });
    expect(expiryCaps('4.0.14')).toEqual({ expireTime: false, absTtl: false, pxAt: false });
    expect(expiryCaps(undefined).absTtl).toBe(false);
    expect(expiryCommand(expiryCaps('7.2.4'))).toBe('PEXPIRETIME');
    expect(expiryCommand(expiryCaps('6.0.0'))).toBe('PTTL');
  });
  it('reads an absolute time from PEXPIRETIME, or from PTTL and the moment it arrived (older sources)', () => {
    expect(expiryOf(1_700_000_060_000, { expireTime: true }, 1_700_000_000_000)).toEqual({ ttlMs: 60_000, expireAtMs: 1_700_000_060_000 });
    expect(expiryOf(60_000, { expireTime: false }, 1_700_000_000_000)).toEqual({ ttlMs: 60_000, expireAtMs: 1_700_000_060_000 });
    expect(expiryOf(-1, { expireTime: true }, 1)).toEqual({ ttlMs: -1 });
    expect(expiryOf(-2, { expireTime: false }, 1)).toEqual({ ttlMs: -2 });
  });
  it('writes the absolute time: RESTORE … ABSTTL, SET … PXAT, PEXPIREAT', () => {
    const d = recorder();
    writeDump(d.pipe, Buffer.from('k'), 5000, Buffer.from('payload'), 1_700_000_060_000, { absTtl: true });
    writeDump(d.pipe, Buffer.from('n'), -1, Buffer.from('payload'), undefined, { absTtl: true });
    expect(d.cmds).toEqual([
      ['RESTORE', 'k', 1_700_000_060_000, 'payload', 'REPLACE', 'ABSTTL'],
      ['RESTORE', 'n', 0, 'payload', 'REPLACE'],
    ]);
    const s = recorder();
    writeStruct(s.pipe, Buffer.from('s'), 5000, { type: 'string', value: Buffer.from('v') }, 'overwrite', 1_700_000_060_000, { pxAt: true });
    writeStruct(s.pipe, Buffer.from('o'), 5000, { type: 'string', value: Buffer.from('v') }, 'overwrite', 1_700_000_060_000, { pxAt: false });
    writeStruct(s.pipe, Buffer.from('h'), 5000, { type: 'hash', value: [[Buffer.from('f'), Buffer.from('v')]] }, 'overwrite', 1_700_000_060_000);
    expect(s.cmds).toEqual([
      ['SET', 's', 'v', 'PXAT', 1_700_000_060_000],
      ['SET', 'o', 'v'],
      ['PEXPIREAT', 'o', 1_700_000_060_000],
      ['DEL', 'h'],
      ['HSET', 'h', 'f', 'v'],
      ['PEXPIREAT', 'h', 1_700_000_060_000],
    ]);
  });
  it('without ABSTTL on the target, sends the time left at this moment', () => {
    const d = recorder();
    const at = Date.now() + 30_000;
    writeDump(d.pipe, Buffer.from('k'), 60_000, Buffer.from('p'), at, { absTtl: false });
    const ttl = d.cmds[0][2] as number;
    expect(ttl).toBeGreaterThan(29_000);
    expect(ttl).toBeLessThanOrEqual(30_000);
  });
});
