import { describe, expect, it } from 'vitest';
import { Encoder, parseReplies } from '../../src/engine/redis/resp.js';

describe('parseReplies', () => {
  it('reads replies of every type, errors included', () => {
    const buf = Buffer.from('+OK\r\n:3\r\n$5\r\nhello\r\n$-1\r\n*2\r\n$1\r\na\r\n*1\r\n:1\r\n-WRONGTYPE Operation against a key\r\n');
    const { replies, used } = parseReplies(buf);
    expect(used).toBe(buf.length);
    expect(replies.map(([e, v]) => (e ? `error ${e.message}` : v))).toEqual([
      Buffer.from('OK'),
      3,
      Buffer.from('hello'),
      null,
      [Buffer.from('a'), [1]],
      'error WRONGTYPE Operation against a key',
    ]);
  });
  it('stops before a reply that has not fully arrived', () => {
    for (const partial of ['$5\r\nhel', '*2\r\n:1\r\n', '+OK', '$5\r\nhello\r', ':1']) {
      const { replies, used } = parseReplies(Buffer.from(':1\r\n' + partial));
      expect(replies).toHaveLength(1);
      expect(used).toBe(4);
    }
  });
  it('reads binary bulk strings by length, not by line', () => {
    const payload = Buffer.from([0xff, 0x0d, 0x0a, 0xfe]);
    const buf = Buffer.concat([Buffer.from('$4\r\n'), payload, Buffer.from('\r\n:7\r\n')]);
    const { replies } = parseReplies(buf);
    expect(replies[0][1]).toEqual(payload);
    expect(replies[1][1]).toBe(7);
  });
});

describe('Encoder', () => {
  it('encodes text, numbers and binary arguments as RESP', () => {
    const e = new Encoder();
    e.add('SET', ['k', Buffer.from([0xff]), 'PX', 10]);
    expect(e.done()).toEqual(Buffer.concat([Buffer.from('*5\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\n'), Buffer.from([0xff]), Buffer.from('\r\n$2\r\nPX\r\n$2\r\n10\r\n')]));
    expect(e.count).toBe(1);
  });
});
