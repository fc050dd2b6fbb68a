import { io } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { defaultFaults } from '../src/index.js';
import type { GatewayStatus } from '../src/index.js';
import { Peers, SseReader, WsPeer, control, getJson, postJson, startTestHarness, wsUrl } from './helpers.js';
import type { TestHarness } from './helpers.js';

let harness: TestHarness;
const peers = new Peers();
beforeAll(async () => {
  harness = await startTestHarness();
});
afterEach(async () => {
  peers.closeAll();
  await control(harness.url, 'reset');
});
afterAll(() => harness.close());

const chat = () => wsUrl(harness.url, '/gateways/chat');
/** Resolves true if `promise` settles within `ms`, false otherwise (for "nothing happens" checks). */
const settlesWithin = (promise: Promise<unknown>, ms: number) =>
  Promise.race([promise.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms))]);
const pong = (peer: WsPeer) =>
  new Promise<void>((resolve) => {
    peer.ws.once('pong', () => resolve());
    peer.ws.ping();
  });

describe('faults', () => {
  it('drop destroys every connection (WebSocket, SSE, socket.io) but answers the control request', async () => {
    const ws = peers.add(await WsPeer.open(chat()));
    const sse = peers.add(await SseReader.open(`${harness.url}/sse/drop`));
    const socket = peers.add(io(harness.url, { forceNew: true, reconnection: false }));
    await new Promise((resolve) => socket.once('connect', () => resolve(undefined)));
    const disconnected = new Promise((resolve) => socket.once('disconnect', resolve));

    const result = await control(harness.url, 'drop');
    expect(result.dropped).toBeGreaterThanOrEqual(3);
    expect((await ws.closed).code).toBe(1006);
    await sse.ended;
    expect(['transport close', 'transport error']).toContain(await disconnected);
  });

  describe('block-websocket', () => {
    it('refuse answers 403 to every upgrade: gateways, /rt and socket.io', async () => {
      const answer = await control(harness.url, 'block-websocket', { mode: 'refuse' });
      expect(answer.faults).toMatchObject({ blockWebSocket: 'refuse' });
      await expect(peers.add(WsPeer.connect(chat())).opened()).rejects.toThrow('403');
      await expect(peers.add(WsPeer.connect(wsUrl(harness.url, '/rt'))).opened()).rejects.toThrow('403');
      const socket = peers.add(io(harness.url, { forceNew: true, reconnection: false, transports: ['websocket'] }));
      await new Promise((resolve) => socket.once('connect_error', resolve));
      // Plain HTTP still works: socket.io over polling connects.
      const polling = peers.add(io(harness.url, { forceNew: true, reconnection: false, transports: ['polling'] }));
      await new Promise((resolve) => polling.once('connect', () => resolve(undefined)));
    });

    it('hang never answers the upgrade', async () => {
      await control(harness.url, 'block-websocket', { mode: 'hang' });
      const peer = peers.add(WsPeer.connect(chat(), { handshakeTimeout: 300 }));
      await expect(peer.opened()).rejects.toThrow(/handshake has timed out/);
    });

    it('accept-then-kill opens the WebSocket, then destroys it after afterMs', async () => {
      await control(harness.url, 'block-websocket', { mode: 'accept-then-kill', afterMs: 100 });
      const started = Date.now();
      const peer = peers.add(await WsPeer.open(chat()));
      expect((await peer.closed).code).toBe(1006);
      expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    });

    it('accept-silent opens the WebSocket, then nothing passes either way', async () => {
      await control(harness.url, 'block-websocket', { mode: 'accept-silent' });
      const silent = peers.add(await WsPeer.open(chat()));
      await control(harness.url, 'block-websocket', { mode: 'off' });
      const normal = peers.add(await WsPeer.open(chat()));

      silent.send('into the void');
      const pushed = await postJson(`${harness.url}/gateways/chat/messages`, { message: 'to everyone' });
      expect(pushed.body).toEqual({ delivered: 1 });
      expect(await normal.nth(1)).toBe('to everyone');
      expect(await settlesWithin(pong(silent), 200)).toBe(false);
      expect(silent.messages).toEqual([]);
      expect(silent.isClosed).toBe(false);
    });
  });

  it('blackhole silences existing connections without closing them; new ones work; reset ends it', async () => {
    const victim = peers.add(await WsPeer.open(chat()));
    const answer = await control(harness.url, 'blackhole');
    expect(answer.blackholed).toBeGreaterThanOrEqual(1);

    const fresh = peers.add(await WsPeer.open(chat()));
    const pushed = await postJson<{ delivered: number }>(`${harness.url}/gateways/chat/messages`, { message: 'after the partition' });
    expect(pushed.body.delivered).toBe(2); // the server still thinks the victim is there
    expect(await fresh.nth(1)).toBe('after the partition');
    expect(await settlesWithin(pong(victim), 300)).toBe(false);
    expect(victim.messages).toEqual([]);
    expect(victim.isClosed).toBe(false);

    await control(harness.url, 'reset');
    expect((await victim.closed).code).toBe(1006);
  });

  it('restart refuses connections for downMs, then serves again with state kept', async () => {
    await postJson(`${harness.url}/sse/durable`, { message: 'kept' });
    await postJson(`${harness.url}/gateways/shout/stop`, {});
    const ws = peers.add(await WsPeer.open(chat()));
    const socket = peers.add(io(harness.url, { forceNew: true, reconnectionDelay: 50, reconnectionDelayMax: 100 }));
    await new Promise((resolve) => socket.once('connect', () => resolve(undefined)));
    const disconnected = new Promise((resolve) => socket.once('disconnect', resolve));

    const answer = await control(harness.url, 'restart', { downMs: 300 });
    expect(answer).toMatchObject({ restarting: true, downMs: 300 });
    expect((await ws.closed).code).toBe(1006);
    await expect(fetch(`${harness.url}/healthz`)).rejects.toThrow();
    await vi.waitFor(async () => expect((await getJson(`${harness.url}/healthz`)).status).toBe(200), { timeout: 3000, interval: 50 });

    expect((await getJson<GatewayStatus>(`${harness.url}/gateways/shout`)).body.state).toBe('stopped');
    const replay = peers.add(await SseReader.open(`${harness.url}/sse/durable`, { 'last-event-id': '0' }));
    await replay.waitFor('data: kept');
    // socket.io reconnects on its own, and recovers its session (the adapter kept it in memory).
    await disconnected;
    await vi.waitFor(() => expect(socket.connected).toBe(true), { timeout: 3000 });
    expect(socket.recovered).toBe(true);
    await postJson(`${harness.url}/gateways/shout/start`, {});
  });

  it('restart?hold=true stays down until its release URL is POSTed, and answers that once it listens again', async () => {
    await postJson(`${harness.url}/sse/held`, { message: 'kept' });
    const ws = peers.add(await WsPeer.open(chat()));
    const answer = await control(harness.url, 'restart', { hold: true });
    expect(answer).toMatchObject({ restarting: true, downMs: 60_000, release: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/_control\/release\/[\w-]{36}$/) });
    const release = answer.release as string;
    expect((await ws.closed).code).toBe(1006);
    // Down, with no timer of its own racing the test: only the release brings it back.
    await expect(fetch(`${harness.url}/healthz`)).rejects.toThrow();
    expect((await fetch(release.replace(/[\w-]+$/, 'wrong-token'), { method: 'POST' })).status).toBe(404);
    expect((await fetch(release)).status).toBe(405);
    await expect(fetch(`${harness.url}/healthz`)).rejects.toThrow();

    const released = await postJson(release, {});
    expect(released).toMatchObject({ status: 200, body: { released: true, listening: true } });
    // Listening by the time the release is answered: no polling needed.
    expect((await getJson(`${harness.url}/healthz`)).status).toBe(200);
    const replay = peers.add(await SseReader.open(`${harness.url}/sse/held`, { 'last-event-id': '0' }));
    await replay.waitFor('data: kept');
    // The gate is gone with the restart.
    await expect(fetch(release, { method: 'POST' })).rejects.toThrow();
  });

  it('restart rejects a bad hold or downMs with 400', async () => {
    for (const params of [{ hold: 'maybe' }, { downMs: -1 }, { hold: true, downMs: 'soon' }]) {
      const response = await fetch(`${harness.url}/_control/restart`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: 'bad-parameter' } });
    }
    expect((await getJson(`${harness.url}/healthz`)).status).toBe(200);
  });

  describe('SSE faults (every SSE endpoint)', () => {
    it('sse-status answers 204, 500 or a wrong content type instead of a stream', async () => {
      await control(harness.url, 'sse-status', { status: 204 });
      expect((await fetch(`${harness.url}/sse/status`)).status).toBe(204);
      await control(harness.url, 'sse-status', { status: '500' });
      expect((await fetch(`${harness.url}/sse/status`)).status).toBe(500);
      await control(harness.url, 'sse-status', { status: 'wrong-type' });
      const wrong = await fetch(`${harness.url}/sse/status`);
      expect(wrong.status).toBe(200);
      expect(wrong.headers.get('content-type')).toMatch(/^text\/html/);
      await control(harness.url, 'sse-status', { status: 'ok' });
      const ok = peers.add(await SseReader.open(`${harness.url}/sse/status`));
      expect(ok.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    });

    it.each([
      ['crlf', '\r\n', /\r(?!\n)/],
      ['cr', '\r', /\n/],
    ] as const)('sse-format lineEnding=%s changes every line ending', async (lineEnding, eol, forbidden) => {
      await control(harness.url, 'sse-format', { lineEnding });
      const reader = peers.add(await SseReader.open(`${harness.url}/sse/format-${lineEnding}`));
      await postJson(`${harness.url}/sse/format-${lineEnding}`, { message: 'x' });
      await reader.waitFor(`data: x${eol}${eol}`);
      expect(reader.text).toBe(`retry: 1000${eol}id: 0${eol}${eol}event: cfmlMessage${eol}id: 1${eol}data: x${eol}${eol}`);
      expect(reader.text).not.toMatch(forbidden);
    });

    it('sse-format bom=true starts the stream with a UTF-8 BOM, comments=true adds comment lines', async () => {
      await control(harness.url, 'sse-format', { bom: true, comments: 'true' });
      const reader = peers.add(await SseReader.open(`${harness.url}/sse/bom`));
      await postJson(`${harness.url}/sse/bom`, { message: 'x' });
      await reader.waitFor('data: x');
      expect(reader.bytes.slice(0, 3)).toEqual([0xef, 0xbb, 0xbf]);
      expect(reader.text).toMatch(/^: .*\nevent: cfmlMessage\n/m);
    });

    it('delay holds back the first byte of an SSE response by firstByteMs', async () => {
      await control(harness.url, 'delay', { firstByteMs: 300 });
      const started = Date.now();
      const reader = peers.add(await SseReader.open(`${harness.url}/sse/slow`));
      await reader.waitFor('retry:');
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    });

    it('delay also holds back the envelope\'s JSON answers, errors included', async () => {
      await control(harness.url, 'delay', { firstByteMs: 300 });
      const started = Date.now();
      const answer = await fetch(`${harness.url}/rt?sessionToken=none`, { method: 'POST', body: '[]' });
      expect(answer.status).toBe(404);
      expect(await answer.json()).toMatchObject({ error: { code: 'unknown-session' } });
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    });
  });

  it('reset turns every fault off and reports the default state', async () => {
    await control(harness.url, 'block-websocket', { mode: 'refuse' });
    await control(harness.url, 'sse-status', { status: 500 });
    await control(harness.url, 'sse-format', { lineEnding: 'cr', bom: true });
    await control(harness.url, 'delay', { firstByteMs: 50 });
    const answer = await control(harness.url, 'reset');
    expect(answer.faults).toEqual(defaultFaults());
    expect((await getJson(`${harness.url}/_control/faults`)).body).toEqual({ faults: defaultFaults() });
    peers.add(await WsPeer.open(chat()));
  });
});
