import { describe, expect, it } from 'vitest';
import { report, type Sample, type Sizes } from '../src/groups/throughput.js';
import { ErrorLog } from '../src/results.js';

const SIZES: Sizes = { rounds: 3, rtt: 1000, warmup: 100, costBlocks: 10, costPerBlock: 2000, pipelined: 5000, upstream: 10_000, push: 5000 };
/** Chromium's 5 µs step as `performance.now()` differences give it: a float a nanosecond off. */
const CLOCK_STEP_MS = 0.004999998956918716;

/** Results where every round measured these p50s (ms) and own costs (µs) for ours and socket.io-client. */
function results(p50: [number, number], cost: [number, number]): Map<string, { samples: (Sample | undefined)[] }> {
  const rounds = (sample: Sample) => ({ samples: Array.from({ length: SIZES.rounds }, () => sample) });
  return new Map([
    ['socketio-ack:ours-socket.io', rounds({ p50: p50[0], p99: p50[0] * 2, transport: 'websocket' })],
    ['socketio-ack:socket.io-client', rounds({ p50: p50[1], p99: p50[1] * 2, transport: 'websocket' })],
    ['socketio-ack-cost:ours-socket.io-loopback', rounds({ cost: cost[0], transport: 'loopback' })],
    ['socketio-ack-cost:socket.io-client-loopback', rounds({ cost: cost[1], transport: 'loopback' })],
  ]);
}

const verdict = (p50: [number, number], cost: [number, number]) =>
  report(results(p50, cost), SIZES, CLOCK_STEP_MS, new ErrorLog()).targets.find((target) => target.target.startsWith('our Socket.IO endpoint no slower'))?.verdict;

describe('the Socket.IO "no slower" target', () => {
  it('is met when our p50 is one clock step above theirs (timestamps with float noise) and our own cost is lower', () => {
    expect(verdict([0.42500000074505806, 0.41999999806284904], [4.28, 5.28])).toBe('met');
  });

  it('is missed when our p50 is two clock steps above theirs', () => {
    expect(verdict([0.43, 0.42], [4.28, 5.28])).toBe('missed');
  });

  it('is missed when our own cost is higher, even with equal p50s', () => {
    expect(verdict([0.42, 0.42], [5.3, 5.28])).toBe('missed');
  });

  it('has no verdict without own-cost data', () => {
    expect(verdict([0.42, 0.42], [NaN, NaN])).toBe('n/a');
  });
});
