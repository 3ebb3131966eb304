// ReplyReader: RESP replies read as the chunks arrive, whatever the cut, in linear time (the compare's big replies:
// HGETALL / SMEMBERS / LRANGE of millions of elements, DUMP / GET of hundreds of MB).
import { describe, expect, it } from 'vitest';
import { ReplyReader, type Reply } from '../../src/engine/redis/resp-reader.js';

const show = (replies: Reply[]) => replies.map(([e, v]) => (e ? `error ${e.message}` : v));

describe('ReplyReader', () => {
  const stream = Buffer.concat([
    Buffer.from('+OK\r\n:3\r\n:-12\r\n$5\r\nhello\r\n$-1\r\n*-1\r\n*0\r\n*2\r\n$1\r\na\r\n*1\r\n:1\r\n-WRONGTYPE Operation against a key\r\n'),
    Buffer.from('*3\r\n$4\r\n'),
    Buffer.from([0xff, 0x0d, 0x0a, 0xfe]),
    Buffer.from('\r\n-ERR inside\r\n$0\r\n\r\n:7\r\n'),
  ]);

  // every reply of the stream above, as written by hand
  const whole = [
    Buffer.from('OK'),
    3,
    -12,
    Buffer.from('hello'),
    null,
    null,
    [],
    [Buffer.from('a'), [1]],
    'error WRONGTYPE Operation against a key',
    [Buffer.from([0xff, 0x0d, 0x0a, 0xfe]), new Error('ERR inside'), Buffer.alloc(0)], // an error inside an array stays an Error (a command refused inside EXEC)
    7,
  ];

  it('reads replies of every type, errors included, fed whole', () => {
    const r = new ReplyReader();
    expect(show(r.feed(stream))).toEqual(whole);
    expect(r.midReply).toBe(false);
  });

  it('stops before a reply that has not fully arrived', () => {
    for (const partial of ['$5\r\nhel', '*2\r\n:1\r\n', '+OK', '$5\r\nhello\r', ':1']) {
      const r = new ReplyReader();
      expect(show(r.feed(Buffer.from(':1\r\n' + partial)))).toEqual([1]);
      expect(r.midReply).toBe(true);
    }
  });

  it('reads binary bulk strings by length, not by line', () => {
    const payload = Buffer.from([0xff, 0x0d, 0x0a, 0xfe]);
    const replies = new ReplyReader().feed(Buffer.concat([Buffer.from('$4\r\n'), payload, Buffer.from('\r\n:7\r\n')]));
    expect(replies[0][1]).toEqual(payload);
    expect(replies[1][1]).toBe(7);
  });

  it('reads the same whatever the cut: every split point, and one byte at a time', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const r = new ReplyReader();
      expect(show([...r.feed(stream.subarray(0, cut)), ...r.feed(stream.subarray(cut))])).toEqual(whole);
      expect(r.midReply).toBe(false);
    }
    const r = new ReplyReader();
    const got: Reply[] = [];
    for (let i = 0; i < stream.length; i++) got.push(...r.feed(stream.subarray(i, i + 1)));
    expect(show(got)).toEqual(whole);
  });

  it('says when it is in the middle of a reply, and refuses a byte that starts none', () => {
    const r = new ReplyReader();
    expect(r.feed(Buffer.from('*2\r\n:1\r\n'))).toEqual([]);
    expect(r.midReply).toBe(true);
    expect(r.feed(Buffer.from(':2\r\n'))).toEqual([[null, [1, 2]]]);
    expect(() => new ReplyReader().feed(Buffer.from('?what\r\n'))).toThrow(/unexpected reply type byte 0x3f/);
  });

  it('reads an array of 2,000,000 bulk strings and a 64 MB bulk string in 64 KB chunks, in linear time', { timeout: 120_000 }, () => {
    const n = 2_000_000;
    const parts = [`*${n}\r\n`];
    for (let i = 0; i < n; i++) parts.push(`$${String(i).length + 7}\r\nmember:${i}\r\n`);
    const big = Buffer.concat([Buffer.from(parts.join('')), Buffer.from(`$${64 << 20}\r\n`), Buffer.alloc(64 << 20, 'x'), Buffer.from('\r\n')]);
    const r = new ReplyReader();
    const t = Date.now();
    const got: Reply[] = [];
    for (let at = 0; at < big.length; at += 65_536) got.push(...r.feed(big.subarray(at, at + 65_536)));
    // generous: parsing the buffer again for each chunk took minutes at this size
    expect(Date.now() - t).toBeLessThan(60_000);
    expect(got).toHaveLength(2);
    const arr = got[0][1] as Buffer[];
    expect(arr).toHaveLength(n);
    expect(arr[n - 1].toString()).toBe(`member:${n - 1}`);
    expect((got[1][1] as Buffer).length).toBe(64 << 20);
  });
});
