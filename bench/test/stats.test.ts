import { describe, expect, it } from 'vitest';
import { median, pairedRatio, quantile, spread } from '../src/stats.js';

describe('statistics over rounds', () => {
  it('interpolates quantiles between closest ranks', () => {
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(quantile([10, 20, 30, 40, 50], 0.9)).toBe(46);
    expect(quantile([7], 0.99)).toBe(7);
  });

  it('has no median without samples', () => {
    expect(median([])).toBeNaN();
  });

  it('takes each ratio within its round before the median, not the ratio of medians', () => {
    const ours = [1, 10, 3];
    const reference = [2, 5, 1];
    // per round: 0.5, 2, 3 → median 2 (the ratio of medians would be 3 / 2 = 1.5)
    expect(pairedRatio(ours, reference)).toBe(2);
  });

  it('skips rounds where either side failed', () => {
    expect(pairedRatio([2, NaN, 6], [1, 4, 3])).toBe(2);
    expect(pairedRatio([NaN], [1])).toBeNaN();
  });

  it('reports the spread around the median', () => {
    expect(spread([300, 100, 200])).toMatchObject({ n: 3, median: 200, min: 100, max: 300 });
  });
});
