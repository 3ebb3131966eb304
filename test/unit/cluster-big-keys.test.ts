// The big keys of a reshard's plan, the pure parts: the block time estimate, the top list kept bounded, the slots
// grouped to bound the names in hand, and the plan's text and refusal.
import { describe, expect, it } from 'vitest';
import { BigKeyTally, blockMsOf, bytesForBlock, groupSlots, MIGRATE_BYTES_PER_SEC } from '../../src/engine/cluster/move/big-keys.js';
import { bigKeysRefusal, bigKeysText } from '../../src/render/cluster-reshard-text.js';

const MB = 1024 * 1024;

describe('big keys of a reshard', () => {
  it('estimates a MIGRATE block from the size at a conservative 50 MB/s, and the size that blocks for --max-block', () => {
    expect(MIGRATE_BYTES_PER_SEC).toBe(50 * MB);
    expect(blockMsOf(50 * MB)).toBe(1000);
    expect(blockMsOf(5 * MB)).toBe(100);
    expect(bytesForBlock(100)).toBe(5 * MB);
  });

  it('keeps only the biggest `top`, counting all and those past --max-block', () => {
    const t = new BigKeyTally({ memLimit: MB, maxBlockMs: 100 }, 3);
    for (const [i, size] of [2, 9, 1, 7, 3, 6].entries()) t.add({ slot: i, address: 'h:1', key: `k${i}`, bytes: size * MB });
    expect(t.keys.map((k) => k.key)).toEqual(['k1', 'k3', 'k5']);
    expect(t.count).toBe(6);
    expect(t.overMaxBlock).toBe(3); // 9, 7 and 6 MB pass 5 MB (100 ms)
    expect(t.bytes).toBe(28 * MB);
  });

  it('groups slots so that a few thousand names are in hand at once (a bigger slot alone), skipping empty ones', () => {
    expect(groupSlots([[1, 3000], [2, 0], [3, 1500], [4, 9000], [5, 10]], 4000)).toEqual([[[1, 3000]], [[3, 1500]], [[4, 9000]], [[5, 10]]]);
    expect(groupSlots([[1, 10], [2, 20]], 4000)).toEqual([[[1, 10], [2, 20]]]);
  });

  it('the plan lists them with the time they block, flags those past --max-block; the refusal is one line', () => {
    const limits = { memLimit: MB, maxBlockMs: 100 };
    const t = new BigKeyTally(limits, 1);
    t.add({ slot: 12, address: '127.0.0.1:7001', key: '{bk}:huge', bytes: 20 * MB });
    t.add({ slot: 12, address: '127.0.0.1:7001', key: '{bk}:mid', bytes: 2 * MB });
    const r = { keys: t.keys, count: t.count, overMaxBlock: t.overMaxBlock, bytes: t.bytes, threshold: MB, scanned: 40, ms: 12 };
    const text = bigKeysText(r, limits);
    expect(text).toMatch(/^Big keys: 2 keys of 1\.0 MB or more \(22 MB in all; 40 keys sized in 12ms\); a MIGRATE blocks the source and the target for about size ÷ 50 MB\/s:/);
    expect(text).toMatch(/12 {2}127\.0\.0\.1:7001 +20 MB +~400ms {2}\{bk\}:huge {3}! over --max-block 100ms/);
    expect(text).toContain('… and 1 more key (the 1 biggest shown)');
    expect(bigKeysRefusal(r, limits)).toBe(
      '1 key would block both nodes longer than --max-block 100ms (the biggest: {bk}:huge in slot 12, 20 MB, about 400ms): move it at a quiet time with --allow-big-keys, raise --max-block, or leave its slot out with --slot-ranges; nothing was changed',
    );
    expect(bigKeysText({ ...r, keys: [], count: 0, overMaxBlock: 0, bytes: 0 }, limits)).toBe('Big keys: none of 1.0 MB or more in these slots (40 keys sized in 12ms)\n\n');
  });
});
