import type { Clock } from './clock.js';

/** The part of the Web Storage API the fallback memory uses (`localStorage` fits). */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export interface FallbackMemoryOptions {
  /** How long a winning endpoint is remembered, in ms. @default 600000 (10 min) */
  ttlMs?: number;
  /** Where it is remembered. @default `localStorage` when usable, else memory shared by the clients of this page */
  storage?: StorageLike;
}

/** Remembers which endpoint of a list won last, for `ttlMs`, so the next connect starts with it. */
export interface FallbackMemory {
  get(): string | undefined;
  set(label: string): void;
}

/** Memory shared by the clients of this page (keys are prefixed, so none is an `Object.prototype` name). */
const pageMemory: Record<string, string> = {};

function defaultStorage(): StorageLike {
  try {
    const storage = (globalThis as { localStorage?: StorageLike }).localStorage;
    if (storage) return storage;
  } catch {
    // Storage access can throw (privacy modes, sandboxed frames): fall back to memory.
  }
  return { getItem: (key) => pageMemory[key] ?? null, setItem: (key, value) => void (pageMemory[key] = value) };
}

/** `key` identifies the endpoint list (its labels, which carry the origin). */
export function createFallbackMemory(key: string, { ttlMs, storage = defaultStorage() }: FallbackMemoryOptions & { ttlMs: number }, clock: Clock): FallbackMemory {
  const item = `unisocket:winner:${key}`;
  return {
    get() {
      try {
        // Typed as written by `set`; a missing `until` compares as NaN: not remembered.
        const { label, until } = JSON.parse(storage.getItem(item) ?? '{}') as { label?: string; until: number };
        return until > clock.now() ? label : undefined;
      } catch {
        return undefined;
      }
    },
    set(label) {
      try {
        storage.setItem(item, JSON.stringify({ label, until: clock.now() + ttlMs }));
      } catch {
        // Quota or privacy errors: remembering is an optimisation only.
      }
    },
  };
}
