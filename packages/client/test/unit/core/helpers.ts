// Shared fixtures for the core unit tests: a client over fake endpoints, a fake clock and a fake
// browser environment, plus envelope frames as the server writes them (PROTOCOL.md).
import { vi } from 'vitest';
import { createClient, type Client } from '../../../src/core/client.js';
import { createFakeEnvironment } from '../../../src/testing/fake-environment.js';
import type { StorageLike } from '../../../src/core/fallback-memory.js';
import { createFakeClock } from '../../../src/testing/fake-clock.js';
import { createFakeEndpoint, type FakeEndpoint, type FakeEndpointOptions, type FakeTransport } from '../../../src/testing/fake-transport.js';
import type { LifecycleEvents } from '../../../src/core/lifecycle.js';
import type { ClientOptions } from '../../../src/core/options.js';

export const welcome = (options: { session?: string; resumed?: boolean; rcid?: number; hb?: number } = {}) =>
  JSON.stringify({ t: 'welcome', v: 1, session: options.session ?? 's1', token: options.session ?? 's1', resumed: options.resumed ?? false, seq: 0, rcid: options.rcid ?? 0, hb: options.hb ?? 5000 });
export const serverEvent = (seq: number, name: string, ...args: unknown[]) => JSON.stringify({ t: 'event', seq, name, args });
export const serverAck = (seq: number, cid: number, ...args: unknown[]) => JSON.stringify({ t: 'ack', seq, cid, args });
export const ping = (rcid: number) => JSON.stringify({ t: 'ping', rcid });

/** The parsed client frames a transport sent (batches flattened). */
export function framesOf(transport: FakeTransport | undefined): Record<string, unknown>[] {
  return (transport?.texts ?? []).flatMap((text) => {
    const value = JSON.parse(text) as Record<string, unknown> | Record<string, unknown>[];
    return Array.isArray(value) ? value : [value];
  });
}

export const eventsOf = (transport: FakeTransport | undefined) => framesOf(transport).filter((frame) => frame.t === 'event');

export function memoryStorage(): StorageLike & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return { items, getItem: (key) => items.get(key) ?? null, setItem: (key, value) => void items.set(key, value) };
}

/** Lets promise callbacks run (sends resolve in a microtask). */
export const flush = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

let counter = 0;

export interface Setup {
  client: Client;
  clock: ReturnType<typeof createFakeClock>;
  environment: ReturnType<typeof createFakeEnvironment>;
  ws: FakeEndpoint;
  sse: FakeEndpoint;
  /** Lifecycle events in order. */
  log: { type: keyof LifecycleEvents; event: unknown }[];
  /** Lifecycle events of one type. */
  of<K extends keyof LifecycleEvents>(type: K): LifecycleEvents[K][];
  /** Opens `transport` and has the server say welcome. */
  open(transport: FakeTransport | undefined, welcomeOptions?: Parameters<typeof welcome>[0]): FakeTransport;
}

/** A client over `[ws, sse]` fake endpoints (envelope), not yet connected unless `connect` is true. */
export function setup(
  options: Partial<ClientOptions> & { ws?: FakeEndpointOptions; sse?: FakeEndpointOptions; connect?: boolean } = {},
): Setup {
  const { ws: wsOptions, sse: sseOptions, connect = true, ...rest } = options;
  const id = ++counter;
  const clock = createFakeClock(1_000_000);
  const environment = createFakeEnvironment();
  const ws = createFakeEndpoint({ kind: 'websocket', label: `ws#${id}`, ...wsOptions });
  const sse = createFakeEndpoint({ kind: 'sse', label: `sse#${id}`, ...sseOptions });
  const client = createClient({
    endpoints: [ws, sse],
    clock,
    environment,
    random: () => 0.5,
    autoConnect: false,
    fallbackMemory: { storage: memoryStorage() },
    ...rest,
  });
  const log: Setup['log'] = [];
  const types: (keyof LifecycleEvents)[] = ['state', 'open', 'reconnecting', 'fallback', 'error', 'close', 'outbox', 'heartbeat', 'gap'];
  for (const type of types) client.lifecycle.on(type, (event: unknown) => log.push({ type, event }));
  if (connect) client.connect();
  return {
    client,
    clock,
    environment,
    ws,
    sse,
    log,
    of: <K extends keyof LifecycleEvents>(type: K) => log.filter((entry) => entry.type === type).map((entry) => entry.event as LifecycleEvents[K]),
    open(transport, welcomeOptions) {
      if (!transport) throw new Error('no transport to open');
      transport.accept();
      transport.receive(welcome(welcomeOptions));
      return transport;
    },
  };
}

/** Collects what `queueMicrotask` would rethrow (a listener's error, reported like an uncaught one), synchronously. Undo with `vi.unstubAllGlobals()`. */
export function catchReported(): unknown[] {
  const thrown: unknown[] = [];
  vi.stubGlobal('queueMicrotask', (task: () => void) => {
    try {
      task();
    } catch (error) {
      thrown.push(error);
    }
  });
  return thrown;
}
