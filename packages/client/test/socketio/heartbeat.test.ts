import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SocketIoEndpointOptions } from '../../src/socketio/options.js';
import { closeAll, connectTo, startTestHarness, type TestHarness } from './helpers.js';

// Engine.IO heartbeats with a short ping interval: v4 answers the server's pings, v3 sends its own.

let harness: TestHarness;
/**
 * The same ping interval with a deadline a loaded machine does not miss (1.5 s, not 300 ms: v3's server
 * waits pingInterval + pingTimeout for the client's ping, v4's pingTimeout for its pong), still well
 * inside the 3 s the test keeps the session: a client that stopped answering would be closed.
 */
let tolerant: TestHarness;
beforeAll(async () => {
  harness = await startTestHarness({ socketIoPingIntervalMs: 200, socketIoPingTimeoutMs: 300 });
  tolerant = await startTestHarness({ socketIoPingIntervalMs: 200, socketIoPingTimeoutMs: 1500 });
});
afterEach(async () => {
  closeAll();
  await harness.control('reset');
});
afterAll(async () => {
  await harness.close();
  await tolerant.close();
});

describe.each<[string, SocketIoEndpointOptions]>([
  ['v4 WebSocket', { eio: 4, transports: ['websocket'] }],
  ['v4 polling', { eio: 4, transports: ['polling'] }],
  ['v3 polling', { eio: 3, transports: ['polling'] }],
  ['v3 WebSocket', { eio: 3, transports: ['websocket'] }],
])('over %s', (_name, options) => {
  it('keeps the session through many heartbeats', async () => {
    const client = connectTo(tolerant.url, options);
    const beats: number[] = [];
    client.lifecycle.on('heartbeat', ({ at }) => beats.push(at));
    await client.next('open');
    // 15 beats of 200 ms: twice the server's deadline for a missing ping or pong.
    await expect.poll(() => beats.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(15);
    // The server would have closed a session that missed its pongs (v4) or pings (v3).
    expect(client.events.filter((e) => e.type === 'close')).toEqual([]);
    expect(await client.emitWithAck('echo', 'still here')).toBe('still here');
  });
});

it('replaces a silent link once pingInterval + pingTimeout + the grace have passed', async () => {
  const client = connectTo(harness.url, { eio: 4, transports: ['websocket'] }, { heartbeat: { timeoutMs: 100 } });
  await client.next('open');
  const lost = client.next('close');
  await harness.control('blackhole');
  const started = Date.now();
  expect(await lost).toMatchObject({ reason: 'heartbeat-timeout', terminal: false });
  expect(Date.now() - started).toBeLessThan(2000);
  expect((await client.next('open')).transport).toBe('websocket');
});
