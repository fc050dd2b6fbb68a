import { afterEach, describe, expect, it, vi } from 'vitest';
import { browserEnvironment } from '../../../src/core/environment.js';
import { createFakeClock } from '../../../src/testing/fake-clock.js';
import { createFallbackMemory } from '../../../src/core/fallback-memory.js';
import { createDispatcher } from '../../../src/core/lifecycle.js';
import { catchReported } from './helpers.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('dispatcher', () => {
  it('returns what the first listener returned, whatever the later ones do', () => {
    const thrown = catchReported();
    const dispatcher = createDispatcher();
    dispatcher.on('question', (n: number) => n * 2);
    dispatcher.on('question', () => {
      throw new Error('second listener bug');
    });
    dispatcher.on('question', () => 'third');
    expect(dispatcher.emit('question', [21])).toBe(42);
    expect(thrown).toEqual([new Error('second listener bug')]);
    expect(dispatcher.emit('nobody-listens', [])).toBeUndefined();
  });

  it('returns undefined when the first listener throws, and still calls the others', () => {
    const thrown = catchReported();
    const dispatcher = createDispatcher();
    const seen: string[] = [];
    dispatcher.on('x', () => {
      throw new Error('first listener bug');
    });
    dispatcher.on('x', () => seen.push('second'));
    expect(dispatcher.emit('x', [])).toBeUndefined();
    expect(seen).toEqual(['second']);
    expect(thrown).toHaveLength(1);
  });

  it('off with a listener that is not there keeps the others; off removes one registration at a time', () => {
    const dispatcher = createDispatcher();
    const seen: string[] = [];
    const listener = (value: string) => seen.push(value);
    dispatcher.on('x', listener);
    dispatcher.on('x', listener);
    dispatcher.off('x', () => undefined);
    dispatcher.off('y', listener);
    dispatcher.emit('x', ['a']);
    dispatcher.off('x', listener);
    dispatcher.emit('x', ['b']);
    dispatcher.off('x', listener);
    dispatcher.emit('x', ['c']);
    expect(seen).toEqual(['a', 'a', 'b']);
  });

  it('a once listener can be removed before it fires, by off or by its unsubscribe function', () => {
    const dispatcher = createDispatcher();
    const seen: string[] = [];
    const listener = (value: string) => seen.push(value);
    dispatcher.once('x', listener);
    dispatcher.off('x', listener);
    const stop = dispatcher.once('y', listener);
    stop();
    dispatcher.emit('x', ['x']);
    dispatcher.emit('y', ['y']);
    expect(seen).toEqual([]);
  });

  it('calls listeners of every type first, with the type, without taking their answer; a throwing one is isolated', () => {
    const thrown = catchReported();
    const dispatcher = createDispatcher();
    const calls: unknown[][] = [];
    dispatcher.on('x', (value) => (calls.push(['x', value]), 'answer'));
    dispatcher.onAny((...call) => void calls.push(['any', ...call]));
    dispatcher.prependAny(() => {
      throw new Error('a bug in a listener of every type');
    });
    expect(dispatcher.emit('x', [1])).toBe('answer');
    expect(calls).toEqual([
      ['any', 'x', 1],
      ['x', 1],
    ]);
    expect(thrown).toHaveLength(1);
    dispatcher.offAny();
    dispatcher.emit('x', [2]);
    expect(calls).toHaveLength(3);
  });

  it('a listener added or removed while emitting takes effect from the next emit', () => {
    const dispatcher = createDispatcher();
    const seen: string[] = [];
    const late = () => seen.push('late');
    const removed = () => seen.push('removed');
    dispatcher.on('x', () => {
      seen.push('first');
      dispatcher.on('x', late);
      dispatcher.off('x', removed);
    });
    dispatcher.on('x', removed);
    dispatcher.emit('x', []);
    expect(seen).toEqual(['first', 'removed']);
  });
});

describe('browserEnvironment without a page', () => {
  it('subscribes to nothing and can still be stopped', () => {
    const seen: unknown[] = [];
    const stop = browserEnvironment.subscribe((event) => seen.push(event));
    expect(() => stop()).not.toThrow();
    expect(seen).toEqual([]);
  });

  it('listens to window events only when there is no document (a worker)', () => {
    const scope = new EventTarget();
    vi.stubGlobal('addEventListener', scope.addEventListener.bind(scope));
    vi.stubGlobal('removeEventListener', scope.removeEventListener.bind(scope));
    vi.stubGlobal('document', undefined);
    const seen: unknown[] = [];
    const stop = browserEnvironment.subscribe((event) => seen.push(event));
    scope.dispatchEvent(new Event('offline'));
    stop();
    scope.dispatchEvent(new Event('online'));
    expect(seen).toEqual(['offline']);
  });
});

describe('fallback memory without localStorage', () => {
  it('is shared by the clients of the page, also when localStorage throws on access', () => {
    const clock = createFakeClock();
    vi.stubGlobal('localStorage', undefined);
    createFallbackMemory('shared list', { ttlMs: 1000 }, clock).set('sse');
    Object.defineProperty(globalThis, 'localStorage', {
      configurable: true,
      get() {
        throw new Error('SecurityError');
      },
    });
    try {
      expect(createFallbackMemory('shared list', { ttlMs: 1000 }, clock).get()).toBe('sse');
      expect(createFallbackMemory('another list', { ttlMs: 1000 }, clock).get()).toBeUndefined();
    } finally {
      Reflect.deleteProperty(globalThis, 'localStorage');
    }
  });
});
