// Shared fixtures for the Socket.IO tests against the harness's real socket.io server.
import { startHarness, type Harness, type HarnessOptions } from '@unisocket/harness-server';
import { createClient, type Client } from '../../src/core/client.js';
import type { LifecycleEvents } from '../../src/core/lifecycle.js';
import type { ClientOptions } from '../../src/core/options.js';
import { socketio } from '../../src/socketio/endpoint.js';
import type { SocketIoEndpointOptions } from '../../src/socketio/options.js';

export interface TestHarness extends Harness {
  /** Log lines the harness wrote so far (it logs each socket.io connection with its Engine.IO revision). */
  readonly logs: string[];
  /** `POST /_control/{name}`. */
  control(name: string, params?: Record<string, string>): Promise<unknown>;
}

export async function startTestHarness(options: Partial<HarnessOptions> = {}): Promise<TestHarness> {
  const logs: string[] = [];
  const harness = await startHarness({ testControls: true, testEventDelayMs: -1, log: (line) => logs.push(line), ...options });
  const control = async (name: string, params: Record<string, string> = {}) =>
    (await fetch(`${harness.url}/_control/${name}?${new URLSearchParams(params)}`, { method: 'POST' })).json();
  return Object.assign(harness, { logs, control });
}

/** A client with lifecycle events recorded in order; closed by `closeAll()`. */
export interface TestClient extends Client {
  readonly events: { type: keyof LifecycleEvents; event: Record<string, unknown> }[];
  /** Resolves with the next lifecycle event of `type` (or the `n`-th one counted from the start). */
  next<K extends keyof LifecycleEvents>(type: K): Promise<LifecycleEvents[K]>;
  /** Resolves with the next application event `name`'s arguments. */
  nextEvent(name: string): Promise<unknown[]>;
}

const clients: Client[] = [];

/** Our client over `socketio(url, socketIoOptions)`, with fast reconnects and no persisted fallback memory. */
export function connectTo(url: string, socketIoOptions: SocketIoEndpointOptions = {}, options: Partial<ClientOptions> = {}): TestClient {
  const client = createClient({
    endpoints: socketio(url, socketIoOptions),
    fallbackMemory: false,
    backoff: { initialDelayMs: 50, maxDelayMs: 200 },
    ...options,
  });
  clients.push(client);
  const events: TestClient['events'] = [];
  const types: (keyof LifecycleEvents)[] = ['state', 'open', 'reconnecting', 'fallback', 'error', 'close', 'gap'];
  for (const type of types) client.lifecycle.on(type, (event: unknown) => events.push({ type, event: event as Record<string, unknown> }));
  return Object.assign(client, {
    events,
    next: <K extends keyof LifecycleEvents>(type: K) => new Promise<LifecycleEvents[K]>((resolve) => client.lifecycle.once(type, resolve as never)),
    nextEvent: (name: string) => new Promise<unknown[]>((resolve) => client.once(name, ((...args: unknown[]) => resolve(args)) as never)),
  });
}

export function closeAll(): void {
  for (const client of clients.splice(0)) client.close();
}

/** `fetch` that records every request URL and method (polling shows up here). */
export function recordingFetch(): { fetch: typeof fetch; requests: { method: string; url: URL }[] } {
  const requests: { method: string; url: URL }[] = [];
  return {
    requests,
    fetch: (input, init) => {
      requests.push({ method: init?.method ?? 'GET', url: new URL(String(input)) });
      return fetch(input, init);
    },
  };
}

export interface RecordedSocket {
  url: URL;
  sent: unknown[];
  received: unknown[];
}

/** A `WebSocket` class (the platform's) that records every socket's URL and the messages both ways. */
export function recordingWebSocket(): { WebSocket: typeof WebSocket; sockets: RecordedSocket[] } {
  const sockets: RecordedSocket[] = [];
  class Recording extends globalThis.WebSocket {
    readonly record: RecordedSocket;
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      const record: RecordedSocket = (this.record = { url: new URL(String(url)), sent: [], received: [] });
      sockets.push(record);
      this.addEventListener('message', (event) => record.received.push(event.data));
    }
    override send(data: Parameters<WebSocket['send']>[0]): void {
      this.record.sent.push(data);
      super.send(data);
    }
  }
  return { WebSocket: Recording, sockets };
}
