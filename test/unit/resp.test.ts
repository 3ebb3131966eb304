import { describe, expect, it } from 'vitest';
import { Encoder } from '../../src/engine/redis/resp.js';

describe('Encoder', () => {
  it('encodes text, numbers and binary arguments as RESP', () => {
    const e = new Encoder();
    e.add('SET', ['k', Buffer.from([0xff]), 'PX', 10]);
    expect(e.done()).toEqual(Buffer.concat([Buffer.from('*5\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\n'), Buffer.from([0xff]), Buffer.from('\r\n$2\r\nPX\r\n$2\r\n10\r\n')]));
    expect(e.count).toBe(1);
  });
});
