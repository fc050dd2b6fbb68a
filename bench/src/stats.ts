// Small statistics for noisy shared machines: medians and quantiles over rounds, and ratios taken
// pair by pair within a round (both sides measured back to back) before taking their median.

/** The q-quantile (0..1) by linear interpolation between closest ranks; NaN for no samples. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const low = sorted[lower] ?? NaN;
  const high = sorted[upper] ?? NaN;
  return low + (high - low) * (position - lower);
}

export const median = (samples: readonly number[]): number => quantile(samples, 0.5);

/** Median and the spread around it (min, p10, p90, max) of one metric over trials. */
export interface Spread {
  n: number;
  median: number;
  min: number;
  p10: number;
  p90: number;
  max: number;
}

export function spread(samples: readonly number[]): Spread {
  return {
    n: samples.length,
    median: median(samples),
    min: samples.length ? Math.min(...samples) : NaN,
    p10: quantile(samples, 0.1),
    p90: quantile(samples, 0.9),
    max: samples.length ? Math.max(...samples) : NaN,
  };
}

/** Ratios `a[i] / b[i]` of values measured in the same round, then their median. */
export function pairedRatio(a: readonly number[], b: readonly number[]): number {
  const ratios: number[] = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x !== undefined && y !== undefined && Number.isFinite(x) && Number.isFinite(y) && y !== 0) ratios.push(x / y);
  }
  return median(ratios);
}
