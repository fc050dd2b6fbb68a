import { describe, expect, it } from 'vitest';
import { connectionFailure, type Failure } from '../../../src/core/classify.js';
import { afterLoss, preferredStart, probeBackoff, probeTarget, raceOrder, type LossInput } from '../../../src/core/route.js';

describe('raceOrder', () => {
  const table: [number, boolean[], number[]][] = [
    [0, [true, true], [0, 1]],
    [1, [true, true], [1, 0]],
    [1, [true, true, true], [1, 0, 2]],
    [0, [false, true], [1]],
    [2, [true, false, true], [2, 0]],
    [1, [true, false], [0]],
    [0, [false, false], []],
  ];
  it.each(table)('from %i with supported %j: %j', (first, supported, order) => {
    expect(raceOrder(first, supported)).toEqual(order);
  });
});

describe('preferredStart', () => {
  it.each([
    [['ws', 'sse'], 'sse', 1],
    [['ws', 'sse'], undefined, 0],
    [['ws', 'sse'], 'gone', 0],
  ] as const)('%j remembering %s: %i', (labels, remembered, start) => {
    expect(preferredStart(labels, remembered)).toBe(start);
  });
});

describe('background probe', () => {
  it.each([
    [1, [true, true], 60_000, 0],
    [0, [true, true], 60_000, undefined], // already on the best
    [1, [false, true], 60_000, undefined], // the better one is not supported here
    [2, [false, true, true], 60_000, 1],
    [1, [true, true], Infinity, undefined], // probing is off
  ] as const)('on %i with supported %j (reprobeAfterMs %d): %s', (current, supported, reprobeAfterMs, target) => {
    expect(probeTarget(current, supported, reprobeAfterMs)).toBe(target);
  });

  it('doubles the wait after each failure, up to 32 times reprobeAfterMs', () => {
    const waits = [60_000];
    for (let i = 0; i < 7; i++) waits.push(probeBackoff(waits.at(-1)!, 60_000));
    expect(waits).toEqual([60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000, 1_920_000, 1_920_000]);
  });
});

describe('afterLoss', () => {
  const network = connectionFailure('network', 'lost');
  const ended = (retryAfterMs?: number): Failure => ({ ...connectionFailure('server-closed', 'ended'), reason: 'ended', retryAfterMs });
  const base: LossInput = { index: 0, upForMs: 10_000, failure: network, earlyLossOn: -1, supported: [true, true], minStableMs: 1500, stableAfterMs: 5000 };
  // [case, input, decision]
  const table: [string, Partial<LossInput>, ReturnType<typeof afterLoss>][] = [
    ['a stable connection lost: the count starts again', {}, { resetAttempts: true, early: false, earlyLossOn: -1, startWith: undefined }],
    ['lost after 3 s: not early, the count goes on', { upForMs: 3000 }, { resetAttempts: false, early: false, earlyLossOn: -1, startWith: undefined }],
    ['an early loss: remembered, not yet a flap', { upForMs: 400 }, { resetAttempts: false, early: true, earlyLossOn: 0, startWith: undefined }],
    ['a second early loss on the same endpoint: a flap, the next round starts with the next one', { upForMs: 400, earlyLossOn: 0 }, { resetAttempts: false, early: true, earlyLossOn: -1, startWith: 1 }],
    ['an early loss after one on another endpoint: not a flap', { upForMs: 400, earlyLossOn: 1 }, { resetAttempts: false, early: true, earlyLossOn: 0, startWith: undefined }],
    ['a flap of the last endpoint wraps around to the first', { index: 1, upForMs: 400, earlyLossOn: 1 }, { resetAttempts: false, early: true, earlyLossOn: -1, startWith: 0 }],
    ['a flap with nothing else supported stays', { upForMs: 400, earlyLossOn: 0, supported: [true, false] }, { resetAttempts: false, early: true, earlyLossOn: -1, startWith: 0 }],
    ['a stream the server ended after minStableMs: clean, the count starts again', { upForMs: 1600, failure: ended() }, { resetAttempts: true, early: false, earlyLossOn: -1, startWith: undefined }],
    ['a stream ended early but with retry: long enough: clean', { upForMs: 500, failure: ended(1000) }, { resetAttempts: true, early: false, earlyLossOn: -1, startWith: undefined }],
    ['a stream ended at once without a wait: a failure', { upForMs: 100, failure: ended(200) }, { resetAttempts: false, early: true, earlyLossOn: 0, startWith: undefined }],
  ];
  it.each(table)('%s', (_case, over, decision) => {
    expect(afterLoss({ ...base, ...over })).toEqual(decision);
  });
});
