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

let pageMemory: Map<string, string> | undefined;

function defaultStorage(): StorageLike {
  try {
    const storage = (globalThis as { localStorage?: StorageLike }).localStorage;
    if (storage) return storage;
  } catch {
    // Storage access can throw (privacy modes, sandboxed frames): fall back to memory.
  }
  const map = (pageMemory ??= new Map());
  return { getItem: (key) => map.get(key) ?? null, setItem: (key, value) => void map.set(key, value) };
}

/** `key` identifies the endpoint list (its labels, which carry the origin). */
export function createFallbackMemory(key: string, options: FallbackMemoryOptions & { ttlMs: number }, clock: Clock): FallbackMemory {
  const storage = options.storage ?? defaultStorage();
  const { ttlMs } = options;
  const item = `unisocket:winner:${key}`;
  return {
    get() {
      try {
        const { label, until } = JSON.parse(storage.getItem(item) ?? '{}') as { label?: string; until?: number };
        return until !== undefined && until > clock.now() ? label : undefined;
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
