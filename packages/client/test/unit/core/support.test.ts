import { afterEach, describe, expect, it, vi } from 'vitest';
import { browserEnvironment, type EnvironmentEvent } from '../../../src/core/environment.js';
import { createFakeClock } from '../../../src/testing/fake-clock.js';
import { createFallbackMemory } from '../../../src/core/fallback-memory.js';
import { memoryStorage } from './helpers.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('createFakeClock', () => {
  it('fires due timers in time order, each at its own time, and leaves the others', () => {
    const clock = createFakeClock(100);
    const fired: [string, number][] = [];
    clock.setTimeout(() => fired.push(['b', clock.now()]), 20);
    clock.setTimeout(() => fired.push(['a', clock.now()]), 10);
    const late = clock.setTimeout(() => fired.push(['late', clock.now()]), 50);
    clock.setTimeout(() => clock.setTimeout(() => fired.push(['nested', clock.now()]), 5), 15);
    clock.advance(30);
    expect(fired).toEqual([
      ['a', 110],
      ['b', 120],
      ['nested', 120],
    ]);
    expect(clock.now()).toBe(130);
    clock.clearTimeout(late);
    clock.advance(100);
    expect(fired).toHaveLength(3);
    expect(clock.pending).toBe(0);
  });

  it('moves now() without firing timers on jump (a throttled tab), firing them on the next advance', () => {
    const clock = createFakeClock();
    let fired = 0;
    clock.setTimeout(() => fired++, 10);
    clock.jump(1000);
    expect([clock.now(), fired]).toEqual([1000, 0]);
    clock.advance(0);
    expect(fired).toBe(1);
  });
});

describe('browserEnvironment', () => {
  it('turns window and document events into lifecycle signals, and stops on unsubscribe', () => {
    const win = new EventTarget();
    const doc = Object.assign(new EventTarget(), { visibilityState: 'visible' });
    vi.stubGlobal('addEventListener', win.addEventListener.bind(win));
    vi.stubGlobal('removeEventListener', win.removeEventListener.bind(win));
    vi.stubGlobal('document', doc);
    const seen: EnvironmentEvent[] = [];
    const stop = browserEnvironment.subscribe((event) => seen.push(event));
    win.dispatchEvent(new Event('online'));
    win.dispatchEvent(new Event('offline'));
    win.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: false }));
    win.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
    doc.visibilityState = 'hidden';
    doc.dispatchEvent(new Event('visibilitychange'));
    doc.visibilityState = 'visible';
    doc.dispatchEvent(new Event('visibilitychange'));
    stop();
    win.dispatchEvent(new Event('online'));
    expect(seen).toEqual(['online', 'offline', 'pageshow', 'hidden', 'visible']);
  });
});

describe('fallback memory', () => {
  it('remembers a label until it expires', () => {
    const clock = createFakeClock();
    const memory = createFallbackMemory('a b', { ttlMs: 1000, storage: memoryStorage() }, clock);
    expect(memory.get()).toBeUndefined();
    memory.set('b');
    clock.advance(999);
    expect(memory.get()).toBe('b');
    clock.advance(1);
    expect(memory.get()).toBeUndefined();
  });

  it('uses localStorage when the page has one, and survives a broken one', () => {
    const storage = memoryStorage();
    vi.stubGlobal('localStorage', storage);
    const clock = createFakeClock();
    createFallbackMemory('list', { ttlMs: 1000 }, clock).set('x');
    expect([...storage.items.keys()]).toEqual(['unisocket:winner:list']);
    const broken = createFallbackMemory('list', { ttlMs: 1000, storage: { getItem: () => '{not json', setItem: () => { throw new Error('quota'); } } }, clock);
    expect(broken.get()).toBeUndefined();
    expect(() => broken.set('x')).not.toThrow();
  });
});
