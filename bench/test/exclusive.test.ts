import { describe, expect, it } from 'vitest';
import { createExclusive } from '../src/exclusive.js';

/** A promise with its resolve function, to end a section when the test says so. */
function gate(): { opened: Promise<void>; open(): void } {
  let open = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('exclusive sections', () => {
  it('runs one section at a time, in the order they were asked for', async () => {
    const exclusive = createExclusive();
    const log: string[] = [];
    const first = gate();
    const a = exclusive(async () => {
      log.push('a start');
      await first.opened;
      log.push('a end');
      return 'a';
    });
    const b = exclusive(async () => {
      log.push('b');
      return 'b';
    });
    await Promise.resolve();
    await Promise.resolve();
    expect(log).toEqual(['a start']);
    first.open();
    await expect(Promise.all([a, b])).resolves.toEqual(['a', 'b']);
    expect(log).toEqual(['a start', 'a end', 'b']);
  });

  it('runs the next section after one that failed, and passes the failure to its caller', async () => {
    const exclusive = createExclusive();
    const failed = exclusive(() => Promise.reject(new Error('broken')));
    const next = exclusive(async () => 'ran');
    await expect(failed).rejects.toThrow('broken');
    await expect(next).resolves.toBe('ran');
  });
});
