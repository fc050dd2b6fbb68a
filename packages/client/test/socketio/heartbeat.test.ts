import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SocketIoEndpointOptions } from '../../src/socketio/options.js';
import { closeAll, connectTo, startTestHarness, type TestHarness } from './helpers.js';

// Engine.IO heartbeats with a short ping interval: v4 answers the server's pings, v3 sends its own.

let harness: TestHarness;
beforeAll(async () => {
  harness = await startTestHarness({ socketIoPingIntervalMs: 200, socketIoPingTimeoutMs: 300 });
});
afterEach(async () => {
  closeAll();
  await harness.control('reset');
});
afterAll(() => harness.close());

describe.each<[string, SocketIoEndpointOptions]>([
  ['v4 WebSocket', { eio: 4, transports: ['websocket'] }],
  ['v4 polling', { eio: 4, transports: ['polling'] }],
  ['v3 polling', { eio: 3, transports: ['polling'] }],
  ['v3 WebSocket', { eio: 3, transports: ['websocket'] }],
])('over %s', (_name, options) => {
  it('keeps the session through many heartbeats', async () => {
    const client = connectTo(harness.url, options);
    const beats: number[] = [];
    client.lifecycle.on('heartbeat', ({ at }) => beats.push(at));
    await client.next('open');
    await expect.poll(() => beats.length, { timeout: 5000 }).toBeGreaterThanOrEqual(5);
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
