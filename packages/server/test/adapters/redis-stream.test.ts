// The Redis adapter's pure rules (src/adapters/redis/stream.ts): stream id order, who a broadcast
// reaches, which checkpoints a resume can still need.
import { describe, expect, it } from 'vitest';
import { checkpointFor, compareIds, keepCheckpoints, reaches, type Checkpoint } from '../../src/adapters/redis/stream.js';

describe('redis adapter stream rules', () => {
  it('orders stream ids by time, then by sequence, as numbers', () => {
    const sorted = ['999-5', '1000-0', '1000-9', '1000-10', '1000-11', '1001-0', '10000-2'];
    const shuffled = [...sorted].reverse();
    expect(shuffled.sort(compareIds)).toEqual(sorted);
    expect(compareIds('1796535251008-10', '1796535251008-10')).toBe(0);
    expect(Math.sign(compareIds('1796535251008-9', '1796535251008-10'))).toBe(-1);
    expect(Math.sign(compareIds('1796535251009-0', '1796535251008-99'))).toBe(1);
  });

  it('reaches a session by its rooms or its id, and leaves out `except` by either', () => {
    expect(reaches('a', ['r'], [], [])).toBe(true);
    expect(reaches('a', ['r'], ['r'], [])).toBe(true);
    expect(reaches('a', ['r'], ['s'], [])).toBe(false);
    expect(reaches('a', [], ['a'], [])).toBe(true);
    expect(reaches('a', ['r'], ['r'], ['a'])).toBe(false);
    expect(reaches('a', ['r', 'quiet'], [], ['quiet'])).toBe(false);
  });

  it('keeps only the checkpoints a resume within the replay window can start from', () => {
    let kept: Checkpoint[] = [[0, '1-0', []]];
    for (let seq = 2; seq <= 20; seq += 2) kept = keepCheckpoints(kept, [seq, `${seq}-0`, []], 8);
    // seq 20, window 8: a resume needs lastSeq >= 12, so 12 is the oldest worth keeping.
    expect(kept.map(([seq]) => seq)).toEqual([12, 14, 16, 18, 20]);
    expect(checkpointFor(kept, 15)).toEqual([14, '14-0', []]);
    expect(checkpointFor(kept, 11)).toBeUndefined();
    // A later checkpoint at the same seq (a quiet session, refreshed) replaces the earlier one.
    expect(keepCheckpoints([[5, '5-0', []]], [5, '9-0', []], 8)).toEqual([[5, '9-0', []]]);
  });
});
