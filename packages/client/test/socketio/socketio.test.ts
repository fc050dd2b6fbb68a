import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SocketIoEndpointOptions } from '../../src/socketio/options.js';
import { closeAll, connectTo, startTestHarness, type TestClient, type TestHarness } from './helpers.js';

// The Socket.IO endpoint against the harness's real socket.io server: namespaces, rooms, acks both
// ways, binary both ways, connection state recovery, connect_error, server-side disconnect.

let harness: TestHarness;
beforeAll(async () => {
  harness = await startTestHarness();
});
afterEach(async () => {
  closeAll();
  await harness.control('reset');
});
afterAll(() => harness.close());

const V4_WEBSOCKET: SocketIoEndpointOptions = { eio: 4, transports: ['websocket'] };
const V3_POLLING: SocketIoEndpointOptions = { eio: 3, transports: ['polling'] };
const CARRIERS: [string, SocketIoEndpointOptions][] = [
  ['v4 WebSocket', V4_WEBSOCKET],
  ['v4 polling', { eio: 4, transports: ['polling'] }],
  ['v3 polling', V3_POLLING],
  ['v3 WebSocket', { eio: 3, transports: ['websocket'] }],
];

async function opened(client: TestClient): Promise<TestClient> {
  await client.next('open');
  return client;
}

describe.each(CARRIERS)('over %s', (_name, carrier) => {
  it('broadcasts chat to the members of a room only, the sender included', async () => {
    const [alice, bob, outsider] = await Promise.all([1, 2, 3].map(() => opened(connectTo(`${harness.url}/chat`, carrier))));
    expect(await alice!.emitWithAck('join', 'lobby')).toEqual({ room: 'lobby', members: 1 });
    expect(await bob!.emitWithAck('join', 'lobby')).toEqual({ room: 'lobby', members: 2 });
    await outsider!.emitWithAck('join', 'elsewhere');
    const outsiderChat = vi.fn();
    outsider!.on('chat', outsiderChat);

    const [atAlice, atBob] = [alice!.nextEvent('chat'), bob!.nextEvent('chat')];
    expect(await alice!.emitWithAck('chat', { text: 'hello room' })).toEqual({ ok: true });
    expect((await atBob)[0]).toMatchObject({ text: 'hello room', room: 'lobby' });
    expect((await atAlice)[0]).toMatchObject({ text: 'hello room', room: 'lobby' });
    await outsider!.emitWithAck('echo', 'sync'); // the outsider's own answer comes after anything sent to it before
    expect(outsiderChat).not.toHaveBeenCalled();
  });

  it('answers the server when it asks with an ack, from a listener or its promise', async () => {
    const client = await opened(connectTo(harness.url, carrier));
    client.on('question', (question: unknown) => `yes to ${question}`);
    expect(await client.emitWithAck('ask-client', 'are you there?')).toEqual({ answer: 'yes to are you there?' });
    client.off('question');
    client.on('question', async (question: unknown) => ({ later: question }));
    expect(await client.emitWithAck('ask-client', 'async?')).toEqual({ answer: { later: 'async?' } });
  });

  it('sends binary (ArrayBuffer, Uint8Array, Blob, nested) and receives it as ArrayBuffer', async () => {
    const client = await opened(connectTo(harness.url, carrier));
    const bytes = new Uint8Array([0, 1, 2, 255]);
    expect(new Uint8Array((await client.emitWithAck('echo', bytes)) as ArrayBuffer)).toEqual(bytes);
    expect(new Uint8Array((await client.emitWithAck('echo', bytes.buffer)) as ArrayBuffer)).toEqual(bytes);
    expect(new Uint8Array((await client.emitWithAck('echo', new Blob([bytes]))) as ArrayBuffer)).toEqual(bytes);
    const nested = (await client.emitWithAck('echo', { name: 'file', parts: [bytes, 'text', bytes.subarray(1, 3)] })) as { parts: unknown[] };
    expect(nested.parts.map((part) => (part instanceof ArrayBuffer ? [...new Uint8Array(part)] : part))).toEqual([[0, 1, 2, 255], 'text', [1, 2]]);

    // Without an ack the server emits `echo` back: a binary event from the server.
    const back = client.nextEvent('echo');
    client.emit('echo', 'file', bytes);
    const [name, data] = await back;
    expect(name).toBe('file');
    expect(new Uint8Array(data as ArrayBuffer)).toEqual(bytes);
  });
});

describe('acks from the server', () => {
  it('time out, abort, and reject when the client closes', async () => {
    const client = await opened(connectTo(harness.url, V4_WEBSOCKET));
    // `clientEvent` is only logged: the server never answers it.
    await expect(client.timeout(100).emitWithAck('clientEvent', 'no answer')).rejects.toMatchObject({ name: 'RequestError', code: 'ack-timeout' });
    const controller = new AbortController();
    const aborted = client.withSignal(controller.signal).emitWithAck('clientEvent', 'aborted');
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ code: 'aborted' });
    const pending = client.timeout(Infinity).emitWithAck('clientEvent', 'pending');
    client.close();
    await expect(pending).rejects.toMatchObject({ code: 'closed' });
  });
});

describe('connection state recovery', () => {
  it('recovers the session after a forced drop: missed events arrive, rooms and queued emits survive', async () => {
    const alice = await opened(connectTo(`${harness.url}/chat`, { eio: 4, transports: ['websocket'] }));
    await alice.emitWithAck('join', 'lobby');
    const chats: unknown[] = [];
    alice.on('chat', (message: unknown) => void chats.push((message as { text: string }).text));
    const welcomes = vi.fn();
    alice.on('message', welcomes);

    // Alice cannot come back until the faults are reset; Bob (polling) talks meanwhile.
    await harness.control('block-websocket', { mode: 'refuse' });
    const lost = alice.next('close');
    await harness.control('drop');
    expect(await lost).toMatchObject({ terminal: false });
    alice.emit('chat', { text: 'queued while offline' });
    const bob = await opened(connectTo(`${harness.url}/chat`, { eio: 4, transports: ['polling'] }));
    await bob.emitWithAck('join', 'lobby');
    await bob.emitWithAck('chat', { text: 'missed' });

    const back = alice.next('open');
    await harness.control('reset');
    expect(await back).toMatchObject({ resumed: true, recovered: true });
    await expect.poll(() => chats).toEqual(['missed', 'queued while offline']);
    await bob.emitWithAck('chat', { text: 'live' });
    await expect.poll(() => chats).toEqual(['missed', 'queued while offline', 'live']);
    expect(welcomes).not.toHaveBeenCalled(); // the server greets new sessions only
    expect(alice.events.some((e) => e.type === 'gap')).toBe(false);
  });

  it('reports a gap and starts a new session when the server cannot recover', async () => {
    const client = await opened(connectTo(harness.url, { eio: 3, transports: ['polling'] }));
    const back = client.next('open');
    await harness.control('drop');
    // Socket.IO v4 (Engine.IO v3) has no recovery: every reconnect is a new session.
    expect(await back).toMatchObject({ resumed: false, recovered: true });
  });
});

describe('connect_error', () => {
  it.each([
    ['v4 WebSocket', V4_WEBSOCKET],
    ['v3 polling', V3_POLLING],
  ])('ends for good when the namespace rejects the connection (%s)', async (_name, carrier) => {
    const client = connectTo(`${harness.url}/private`, carrier);
    const closed = await client.next('close');
    expect(closed).toMatchObject({ terminal: true, reason: 'server-closed' });
    expect(closed.error).toMatchObject({ name: 'ConnectionError', message: expect.stringContaining('connect_error: unauthorized') });
    expect(client.state).toMatchObject({ status: 'closed' });
    expect(client.events.find((e) => e.type === 'error')?.event.error).toMatchObject({ name: 'ProtocolError', code: 'server-error' });
    expect(client.events.some((e) => e.type === 'open')).toBe(false);
  });

  it.each([
    ['v4 WebSocket', V4_WEBSOCKET],
    ['v3 polling', V3_POLLING],
  ])('joins with auth evaluated on every attempt (%s)', async (_name, carrier) => {
    const auth = vi.fn(async () => ({ token: 'letmein' }));
    const client = await opened(connectTo(`${harness.url}/private`, { ...carrier, auth }));
    expect(await client.emitWithAck('echo', 'inside')).toBe('inside');
    const back = client.next('open');
    await harness.control('drop');
    await back;
    expect(auth).toHaveBeenCalledTimes(2);
  });
});

it('treats a server-side disconnect as final and rejects what waits for an answer', async () => {
  const client = await opened(connectTo(harness.url, V4_WEBSOCKET));
  const pending = client.timeout(Infinity).emitWithAck('clientEvent', 'never answered');
  const closed = client.next('close');
  client.emit('disconnect-me');
  expect(await closed).toMatchObject({ terminal: true, reason: 'server-closed' });
  await expect(pending).rejects.toMatchObject({ code: 'closed' });
  expect(client.state.status).toBe('closed');
});

describe.each(CARRIERS)("close() over %s", (_name, carrier) => {
  it('leaves the namespace for good: the server sees a client namespace disconnect, not a lost transport', async () => {
    const client = connectTo(`${harness.url}/chat`, carrier);
    const [welcome] = await client.nextEvent('message');
    const id = String(welcome).split(', ')[1]!;
    const said = () => harness.logs.filter((line) => line.includes(`${id}: disconnected`));
    client.close();
    await expect.poll(said).toEqual([expect.stringContaining('disconnected (client namespace disconnect)')]);
  });
});
