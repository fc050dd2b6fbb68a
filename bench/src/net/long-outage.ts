// Rounds per minute deep into an outage, in compressed time: our client's own connection code on a
// fake clock (every attempt refused at once), and socket.io-client's own backoff class with its
// Manager's defaults (delay 1 s, max 5 s, randomization 0.5). No real minutes pass.
import { createClient } from '@unisocket/client';
import { createFakeClock, createFakeEndpoint, createFakeEnvironment } from '@unisocket/client/testing';
import { socketIoBackoff } from './herd.js';

/** Round starts per client in each window `[fromMs, fromMs + 60 s)` of an outage. */
export interface PerMinute {
  /** Mean over the simulated clients, per window start. */
  rounds: Record<number, number>;
}

/** Our client with its defaults through `untilMs` of an outage in which every attempt is refused at once: when its rounds started. */
async function oursThroughOutage(untilMs: number): Promise<number[]> {
  const clock = createFakeClock();
  const endpoint = createFakeEndpoint({ kind: 'websocket' });
  const create = endpoint.createTransport.bind(endpoint);
  const starts: number[] = [];
  endpoint.createTransport = (context) => {
    const transport = create(context);
    transport.open = () => {
      starts.push(clock.now());
      queueMicrotask(() => transport.onclose?.({ reason: 'refused', wasOpen: false, message: 'refused (compressed outage)' }));
    };
    return transport;
  };
  const client = createClient({ endpoints: [endpoint], clock, environment: createFakeEnvironment(), fallbackMemory: false, autoConnect: false });
  client.connect();
  // Each refusal lands in a microtask; then time moves to the next round.
  while (clock.now() < untilMs) {
    await Promise.resolve();
    const state = client.state;
    clock.advance(state.status == 'reconnecting' || state.status == 'suspended' ? state.delayMs : 1);
  }
  client.close();
  return starts;
}

/** Mean rounds per client in each window `[from, from + 60 s)`. */
function perMinute(runs: readonly number[][], windows: readonly number[]): PerMinute {
  return { rounds: Object.fromEntries(windows.map((from) => [from, runs.reduce((n, starts) => n + starts.filter((at) => at >= from && at < from + 60_000).length, 0) / runs.length])) };
}

export async function oursPerMinute(windows: readonly number[], clients: number): Promise<PerMinute> {
  const untilMs = Math.max(...windows) + 60_000;
  const runs: number[][] = [];
  for (let i = 0; i < clients; i++) runs.push(await oursThroughOutage(untilMs));
  return perMinute(runs, windows);
}

export async function socketIoPerMinute(windows: readonly number[], clients: number): Promise<PerMinute> {
  const Backoff = await socketIoBackoff();
  const untilMs = Math.max(...windows) + 60_000;
  const runs: number[][] = [];
  for (let i = 0; i < clients; i++) {
    // The Manager's defaults: reconnectionDelay 1000, reconnectionDelayMax 5000, randomizationFactor 0.5.
    const backoff = new Backoff({ min: 1000, max: 5000, jitter: 0.5 });
    const starts: number[] = [];
    for (let at = backoff.duration(); at < untilMs; at += backoff.duration()) starts.push(at);
    runs.push(starts);
  }
  return perMinute(runs, windows);
}
