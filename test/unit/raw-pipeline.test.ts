import { describe, expect, it } from 'vitest';
import { readReplies } from '../../src/lab/raw-pipeline.js';

describe('readReplies', () => {
  it('counts whole replies of every type and keeps errors', () => {
    const buf = Buffer.from('+OK\r\n:3\r\n$5\r\nhello\r\n$-1\r\n*2\r\n$1\r\na\r\n*1\r\n:1\r\n-WRONGTYPE Operation against a key\r\n');
    const { replies, used } = readReplies(buf, 0);
    expect(replies).toHaveLength(6);
    expect(used).toBe(buf.length);
    expect(replies[5][0]?.message).toBe('WRONGTYPE Operation against a key');
    expect(replies.slice(0, 5).every(([e]) => e === null)).toBe(true);
  });
  it('stops before a reply that has not fully arrived', () => {
    for (const partial of ['$5\r\nhel', '*2\r\n:1\r\n', '+OK', '$5\r\nhello\r']) {
      const buf = Buffer.from(':1\r\n' + partial);
      const { replies, used } = readReplies(buf, 0);
      expect(replies).toHaveLength(1);
      expect(used).toBe(4);
    }
  });
  it('reads binary bulk strings by length, not by line', () => {
    const payload = Buffer.from([0xff, 0x0d, 0x0a, 0xfe]);
    const buf = Buffer.concat([Buffer.from('$4\r\n'), payload, Buffer.from('\r\n:7\r\n')]);
    expect(readReplies(buf, 0).replies).toHaveLength(2);
  });
});
