import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, connectTo, recordingFetch, recordingWebSocket, startTestHarness, type TestHarness } from './helpers.js';

// Engine.IO carriers and revisions against the harness's real socket.io 4 server (allowEIO3).

let harness: TestHarness;
beforeAll(async () => {
  harness = await startTestHarness();
});
afterEach(async () => {
  closeAll();
  await harness.control('reset');
});
afterAll(() => harness.close());

/** The harness logs `socket.io /nsp <id>: connected (EIO<n>)` for every socket. */
const revisionOf = (welcome: unknown) => {
  const id = String(welcome).split(', ')[1]!;
  return harness.logs.find((line) => line.includes(`${id}: connected`))?.match(/EIO(\d)/)?.[1];
};

describe.each([
  ['Engine.IO v4 over WebSocket', { eio: 4, transports: ['websocket'] }, '4', 'websocket'],
  ['Engine.IO v4 over polling', { eio: 4, transports: ['polling'] }, '4', 'polling'],
  ['Engine.IO v3 over polling', { eio: 3, transports: ['polling'] }, '3', 'polling'],
  ['Engine.IO v3 over WebSocket', { eio: 3, transports: ['websocket'] }, '3', 'websocket'],
  ['a detected revision (the server answers v4)', { transports: ['polling'] }, '4', 'polling'],
] as const)('%s', (_name, options, revision, transport) => {
  it('joins the namespace, gets the welcome message and round-trips an ack', async () => {
    const client = connectTo(`${harness.url}/chat`, { ...options, transports: [...options.transports] });
    const welcome = client.nextEvent('message');
    const open = await client.next('open');
    expect(open).toMatchObject({ transport, resumed: false });
    const [text] = await welcome;
    expect(text).toMatch(/^Welcome to \/chat, /);
    expect(revisionOf(text)).toBe(revision);
    expect(await client.emitWithAck('echo', 'hi', 42)).toBe('hi');
    expect(await client.emitWithAck('join', 'lobby')).toEqual({ room: 'lobby', members: 1 });
  });
});

describe.each([
  ['v4', 4],
  ['v3', 3],
] as const)('the polling → WebSocket upgrade (Engine.IO %s)', (_name, eio) => {
  it('probes, moves the session to the WebSocket and stops polling', async () => {
    const http = recordingFetch();
    const ws = recordingWebSocket();
    const client = connectTo(harness.url, { eio, transports: ['polling', 'websocket'] }, { platform: { fetch: http.fetch, WebSocket: ws.WebSocket } });
    const welcome = client.nextEvent('message');
    await client.next('open');
    const [text] = await welcome;
    await expect.poll(() => ws.sockets[0]?.sent).toEqual(['2probe', '5']);
    const [socket] = ws.sockets;
    expect(socket!.url.searchParams.get('transport')).toBe('websocket');
    expect(socket!.url.searchParams.get('sid')).toBe(http.requests.at(-1)!.url.searchParams.get('sid'));
    expect(socket!.received[0]).toBe('3probe');

    const polled = http.requests.length;
    expect(await client.emitWithAck('echo', 'after the upgrade')).toBe('after the upgrade');
    expect(socket!.sent.at(-1)).toMatch(/^42\d+\["echo","after the upgrade"\]$/);
    expect(http.requests.length).toBe(polled);
    // Still the same Socket.IO session: the server saw one connection.
    expect(harness.logs.filter((line) => line.includes(String(text).split(', ')[1]!))).toHaveLength(1);
    // The carrier in use is visible, and its change was announced as an `open` of the same session.
    expect(client.transport).toBe('websocket');
    expect(client.state).toMatchObject({ status: 'open', transport: 'websocket' });
    expect(client.endpoint?.kind).toBe('polling');
    expect(client.events.filter((e) => e.type === 'open').map((e) => e.event)).toEqual([
      expect.objectContaining({ transport: 'polling', resumed: false }),
      expect.objectContaining({ transport: 'websocket', resumed: true, recovered: false }),
    ]);
    expect(client.events.filter((e) => e.type === 'state').map((e) => (e.event.to as { status: string }).status)).toEqual(['connecting', 'open']);
  });
});

describe('WebSocket first, polling as the fallback', () => {
  it.each([
    ['is refused', { mode: 'refuse' }],
    ['hangs', { mode: 'hang' }],
  ])('falls back to polling when the WebSocket upgrade %s', async (_name, fault) => {
    await harness.control('block-websocket', fault);
    const client = connectTo(harness.url, { eio: 4 }, { fallbackDelayMs: 200 });
    const open = await client.next('open');
    expect(open.transport).toBe('polling');
    expect(client.events.filter((e) => e.type === 'fallback')[0]?.event).toMatchObject({ from: expect.stringContaining('websocket'), to: expect.stringContaining('polling') });
    expect(await client.emitWithAck('echo', 'over polling')).toBe('over polling');
  });

  it('uses WebSocket when the server allows it', async () => {
    const client = connectTo(harness.url, { eio: 4 });
    expect((await client.next('open')).transport).toBe('websocket');
  });
});

describe('connectSocketIo(url)', () => {
  it('talks to the namespace of the URL with the policy options beside the socket.io ones', async () => {
    const { connectSocketIo } = await import('../../src/socketio/connect.js');
    const client = connectSocketIo(`${harness.url}/chat`, { eio: 4, fallbackMemory: false });
    const welcome = new Promise<unknown>((resolve) => client.once('message', resolve));
    try {
      await new Promise((resolve) => client.lifecycle.once('open', resolve));
      expect(await welcome).toMatch(/^Welcome to \/chat/);
      expect(client.transport).toBe('websocket');
      expect(await client.emitWithAck('echo', 'via connectSocketIo')).toBe('via connectSocketIo');
    } finally {
      client.close();
    }
  });
});
