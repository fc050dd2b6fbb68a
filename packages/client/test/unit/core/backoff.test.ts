import { describe, expect, it } from 'vitest';
import { backoffDelay, backoffWindow } from '../../../src/core/backoff.js';
import { createFakeEndpoint } from '../../../src/testing/fake-transport.js';
import { resolveOptions } from '../../../src/core/options.js';

const defaults = resolveOptions({ endpoints: [createFakeEndpoint()] }).backoff;

/** A seeded random source (a linear congruential generator), in [0, 1). */
function seeded(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 48271) % 2147483647) / 2147483647;
}

describe('backoffWindow', () => {
  // [attempt (0 = the first retry), outage so far in ms, window in ms]
  const table: [number, number, number][] = [
    [0, 0, 100], // a lone drop: fast
    [0, 30_000, 100], // the first retry after a stable connection is fast whatever came before
    [1, 100, 500], // then a window of 500 ms while the outage is young
    [5, 2000, 500],
    [9, 2500, 500], // a fifth of the outage from 2.5 s on
    [9, 5000, 1000],
    [20, 25_000, 5000], // up to maxDelayMs
    [40, 119_999, 5000],
    [41, 120_000, 30_000], // suspended after 2 min
    [0, 120_000, 30_000],
    [60, 3_600_000, 30_000],
  ];
  it.each(table)('attempt %i after %i ms of outage: %i ms', (attempt, outageMs, window) => {
    expect(backoffWindow(attempt, defaults, outageMs)).toBe(window);
  });

  it('never suspends with suspendAfterMs: Infinity, and never exceeds maxDelayMs before', () => {
    const never = { ...defaults, suspendAfterMs: Infinity };
    expect(backoffWindow(100, never, 3_600_000)).toBe(5000);
    expect(backoffWindow(0, { ...defaults, maxDelayMs: 60 }, 0)).toBe(60);
    expect(backoffWindow(3, { ...defaults, maxDelayMs: 250 }, 1000)).toBe(250);
  });
});

describe('backoffDelay', () => {
  it('waits between half and all of the window by default (half jitter), never below the floor', () => {
    expect(backoffDelay(0, defaults, () => 0)).toBe(75);
    expect(backoffDelay(0, defaults, () => 0.999999)).toBeCloseTo(100, 3);
    expect(backoffDelay(3, defaults, () => 0, 0, 1000)).toBe(275);
    expect(backoffDelay(3, defaults, () => 0.5, 0, 1000)).toBe(50 + 0.75 * 450);
  });

  it('spreads over the whole window with full jitter, and waits the window without jitter', () => {
    expect(backoffDelay(3, { ...defaults, jitter: 1 }, () => 0, 0, 1000)).toBe(50);
    expect(backoffDelay(3, { ...defaults, jitter: 0 }, () => 0.1, 0, 1000)).toBe(500);
  });

  it('honours the delay the server asked for as a lower bound', () => {
    expect(backoffDelay(0, defaults, () => 0, 3000)).toBe(3000);
    expect(backoffDelay(3, defaults, () => 0.5, 10, 1000)).toBe(50 + 0.75 * 450);
  });

  it('never returns zero or less than the floor, whatever random returns', () => {
    for (let attempt = 0; attempt < 30; attempt++) {
      for (const r of [0, 1e-9, 0.3, 0.7, 0.999]) {
        const delay = backoffDelay(attempt, { ...defaults, initialDelayMs: 0, windowMs: 0, jitter: 1 }, () => r, 0, attempt * 1000);
        expect(delay).toBeGreaterThanOrEqual(defaults.minDelayMs);
        expect(delay).toBeLessThanOrEqual(defaults.maxDelayMs);
      }
    }
  });

  // One client through an outage of `outageMs`: rounds during it, and the wait after it ended (recovery).
  function throughOutage(outageMs: number, random: () => number): { rounds: number; recoveryMs: number } {
    let at = 0;
    let rounds = 0;
    for (let attempt = 0; ; attempt++) {
      at += backoffDelay(attempt, defaults, random, 0, at);
      if (at >= outageMs) return { rounds, recoveryMs: at - outageMs };
      rounds++;
    }
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

  it('a 2 s outage: about 5.5 rounds per client, and back within 300 ms (median) once the server is', () => {
    const random = seeded(42);
    const clients = Array.from({ length: 1000 }, () => throughOutage(2000, random));
    const rounds = clients.map((client) => client.rounds);
    expect(rounds.reduce((sum, n) => sum + n, 0) / rounds.length).toBeLessThanOrEqual(6);
    expect(Math.max(...rounds)).toBeLessThanOrEqual(7);
    expect(median(clients.map((client) => client.recoveryMs))).toBeLessThanOrEqual(300);
    // A herd arrives spread over the window (no client comes back in a burst with the others).
    expect(Math.max(...clients.map((client) => client.recoveryMs))).toBeGreaterThan(300);
  });

  it('a long outage: about 16 rounds a minute before suspension, under 3 after', () => {
    const random = seeded(7);
    const perMinute = (from: number) => {
      const { rounds: before } = throughOutage(from, random);
      const { rounds: after } = throughOutage(from + 60_000, random);
      return after - before;
    };
    expect(perMinute(60_000)).toBeGreaterThan(12);
    expect(perMinute(60_000)).toBeLessThanOrEqual(24);
    expect(perMinute(5 * 60_000)).toBeLessThanOrEqual(3);
  });
});
