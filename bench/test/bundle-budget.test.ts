import { describe, expect, it } from 'vitest';
import { GZIP_BUDGET, GZIP_CEILING, OURS, measureSize } from '../src/groups/bundle-size.js';

// Issue 12: the default `connect()` bundle and the Socket.IO endpoint bundle must not grow. Until they
// are back within GZIP_BUDGET (their size before issues 12 and 14), they must stay within GZIP_CEILING
// (what the size pass reached); bundle-size.ts says where each number comes from. The same Vite
// production build as `pnpm bench --only bundle`: deterministic, whatever the machine's load.

const sizeOf = async (id: string) => {
  const scenario = OURS.find((candidate) => candidate.id === id);
  if (!scenario) throw new Error(`no scenario ${id}`);
  return (await measureSize(scenario.code)).gzip;
};

describe('what loads up front does not grow', () => {
  it.each(Object.entries(GZIP_CEILING))('%s: at most %i bytes gzip', async (id, ceiling) => {
    const gzip = await sizeOf(id);
    const budget = GZIP_BUDGET[id as keyof typeof GZIP_BUDGET];
    expect(gzip, `${id} loads ${gzip} bytes gzip up front, over its ceiling of ${ceiling} (the budget is ${budget})`).toBeLessThanOrEqual(ceiling);
  });
});
