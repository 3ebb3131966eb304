// The key slot as CLUSTER KEYSLOT gives it (the figures below are Redis's own answers).
import { describe, expect, it } from 'vitest';
import { calculateSlot } from '../../src/engine/redis/slot.js';

describe('calculateSlot', () => {
  it('gives the slot Redis gives, for text and binary keys, hash tags honoured', () => {
    expect(calculateSlot('foo')).toBe(12182);
    expect(calculateSlot(Buffer.from('foo'))).toBe(12182);
    expect(calculateSlot('{user1000}.following')).toBe(calculateSlot('user1000'));
    expect(calculateSlot('{}x')).not.toBe(calculateSlot('x'));
  });
});
