// The quick chaos run of `pnpm test`: every endpoint kind, one seed, a few faults, numbered messages
// both ways (`pnpm chaos` is the full run: 1,000 messages, 12 faults per kind, several seeds).
import { describe, expect, it } from 'vitest';
import { CHAOS_KINDS } from './kinds.js';
import { runChaos } from './run.js';

describe.concurrent('chaos (quick, seed 1)', () => {
  it.each(CHAOS_KINDS.map((kind) => [kind.name, kind] as const))('%s: what its protocol promises holds through drops, restarts, black holes and blocked carriers', async (_name, kind) => {
    const result = await runChaos(kind, { seed: 1, messages: 60, faults: 4, settleMs: 10_000 });
    const line = `${kind.name}: up ${JSON.stringify(result.up)} ${result.verdict.up}, down ${JSON.stringify(result.down)} ${result.verdict.down}, gaps ${result.gaps}`;
    expect(result.faults).toHaveLength(4);
    expect(result.up.sent + result.down.sent).toBe(120);
    console.log(line);
    expect([result.verdict.up, result.verdict.down], line).not.toContain('broken');
  }, 90_000);
});
