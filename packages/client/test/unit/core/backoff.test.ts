import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../src/core/backoff.js';
import { createFakeEndpoint } from '../../../src/testing/fake-transport.js';
import { resolveOptions } from '../../../src/core/options.js';

const backoffDefaults = resolveOptions({ endpoints: [createFakeEndpoint()] }).backoff;

const options = { ...backoffDefaults, initialDelayMs: 100, factor: 2, maxDelayMs: 1000, minDelayMs: 50 };

describe('backoffDelay', () => {
  it('spreads delays over the whole window between the floor and the cap (full jitter)', () => {
    expect(backoffDelay(0, options, () => 0)).toBe(50);
    expect(backoffDelay(0, options, () => 0.999999)).toBeCloseTo(100, 3);
    expect(backoffDelay(2, options, () => 0.5)).toBe(50 + 0.5 * (400 - 50));
  });

  it('grows the cap by the factor and stops at maxDelayMs', () => {
    const caps = [0, 1, 2, 3, 4, 5, 10].map((attempt) => backoffDelay(attempt, options, () => 0.999999999));
    expect(caps.map(Math.round)).toEqual([100, 200, 400, 800, 1000, 1000, 1000]);
  });

  it('keeps the window within a fifth of the outage so far, so a short outage ends with a narrow window', () => {
    const top = () => 0.999999;
    // Ten cheap refused rounds into a 2 s outage: the attempt count alone would allow 1000 ms.
    expect(backoffDelay(9, options, top, 0, 2000)).toBeCloseTo(400, 0);
    expect(backoffDelay(9, options, top, 0, 100)).toBeCloseTo(100, 0); // never below initialDelayMs
    expect(backoffDelay(9, options, top, 0, 60_000)).toBeCloseTo(1000, 0); // long outages reach maxDelayMs
    expect(backoffDelay(1, options, top, 0, 60_000)).toBeCloseTo(200, 0); // and still grow by attempts
  });

  it('never returns zero or less than the floor, whatever random returns', () => {
    for (let attempt = 0; attempt < 30; attempt++) {
      for (const r of [0, 1e-9, 0.3, 0.7, 0.999]) {
        const delay = backoffDelay(attempt, { ...backoffDefaults, initialDelayMs: 0 }, () => r);
        expect(delay).toBeGreaterThanOrEqual(backoffDefaults.minDelayMs);
        expect(delay).toBeLessThanOrEqual(backoffDefaults.maxDelayMs);
      }
    }
  });

  it('honours the delay the server asked for as a lower bound', () => {
    expect(backoffDelay(0, options, () => 0, 3000)).toBe(3000);
    expect(backoffDelay(3, options, () => 0.5, 10)).toBe(50 + 0.5 * (800 - 50));
  });

  it('waits the cap without jitter when jitter is 0', () => {
    expect(backoffDelay(1, { ...options, jitter: 0 }, () => 0.1)).toBe(200);
  });

  it('keeps the default curve fast at first and bounded later', () => {
    const median = (attempt: number) => backoffDelay(attempt, backoffDefaults, () => 0.5);
    expect(median(0)).toBe(75);
    expect(median(100)).toBe((50 + 5000) / 2);
  });
});
