// A command refused inside MULTI/EXEC (as it ran, not as it was queued) answers inside EXEC's array: the reply
// reader keeps that error there, and the live writer names it instead of taking the transaction for applied.
import { describe, expect, it } from 'vitest';
import { ReplyReader } from '../../src/engine/redis/resp-reader.js';
import { refusedInExec } from '../../src/engine/live/writer.js';

// MULTI, DEL z, ZADD z NaN m, EXEC: as Redis 7.0 answers it
const answer = Buffer.from('+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n:0\r\n-ERR value is not a valid float\r\n');

describe('errors inside EXEC', () => {
  it('stay errors in the reply reader', () => {
    for (const replies of [new ReplyReader().feed(answer)]) {
      expect(replies).toHaveLength(4);
      const [err, exec] = replies[3];
      expect(err).toBeNull();
      expect((exec as unknown[])[0]).toBe(0);
      expect((exec as unknown[])[1]).toBeInstanceOf(Error);
    }
  });

  it('name the refused command and how many of the others were applied', () => {
    const exec = new ReplyReader().feed(answer)[3][1];
    expect(refusedInExec([['DEL', 'z'], ['ZADD', 'z', 'NaN', 'm']], exec)).toBe('ZADD: ERR value is not a valid float (inside MULTI/EXEC: 1 of its 2 commands applied)');
    expect(refusedInExec([['SET', 'a', '1'], ['SET', 'b', '2']], [Buffer.from('OK'), Buffer.from('OK')])).toBeUndefined();
  });
});
