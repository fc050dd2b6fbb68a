import { expect, it } from 'vitest';
import { runChaos } from './chaos.js';

// The quick seeded version of the randomized fault run (chaos.ts): ten faults, about 15 seconds. The
// long run is `pnpm --filter @unisocket/client chaos:socketio`.

it('delivers every message to every client of a room through drops, restarts, black holes and blocked upgrades, or reports a gap', { timeout: 120_000 }, async () => {
  const report = await runChaos({ seed: 3, faults: 10 });
  expect(report.pushed).toBeGreaterThan(100);
  for (const client of report.clients) {
    expect({ kind: client.kind, lost: client.lost.length, finalMissing: client.finalMissing }).toEqual({ kind: client.kind, lost: 0, finalMissing: [] });
  }
  // Recovery was exercised: sessions resumed (v4) and gaps reported (v3 cannot recover).
  expect(report.clients.some((client) => client.resumes > 0)).toBe(true);
  expect(report.clients.find((client) => client.kind.includes('v3'))!.gaps).toBeGreaterThan(0);
});
