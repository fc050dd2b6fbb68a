// The quick fuzz run of `pnpm test`: every parser, 1,500 seeded frames through the public API
// (`pnpm fuzz` is the full run: 100,000 frames per parser).
import { describe, expect, it } from 'vitest';
import { runFuzz } from './run.js';
import { FUZZ_TARGETS } from './targets.js';

describe('fuzz (quick, seed 1)', () => {
  it.each(FUZZ_TARGETS.map((target) => [target.name, target] as const))('%s: random and mutated frames throw nothing, every bad one is a typed error, the parser survives', async (_name, target) => {
    const result = await runFuzz(target, { seed: 1, frames: 1500 });
    expect(result.examples).toEqual([]);
    expect(result).toMatchObject({ thrown: 0, uncaught: 0, untyped: 0, missed: 0, survived: true });
    // The mix reached the parser: bad frames were fed to an open connection, and errors came back.
    expect(result.bad).toBeGreaterThan(50);
    expect(result.errors).toBeGreaterThanOrEqual(result.bad);
  }, 60_000);
});
