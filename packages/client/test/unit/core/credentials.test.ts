import { describe, expect, it, vi } from 'vitest';
import type { AttemptContext, Protocol } from '../../../src/index.js';
import { ConnectionError } from '../../../src/core/errors.js';
import { envelope } from '../../../src/protocols/envelope.js';
import { setup, welcome } from './helpers.js';

const single = { heartbeat: false as const };
const refused401 = { reason: 'http-status' as const, status: 401 };

/** A token source that records what it was told each time it was asked. */
function tokens() {
  const asked: AttemptContext[] = [];
  return { asked, headers: (context: AttemptContext) => (asked.push(context), { authorization: `Bearer t${asked.length}` }) };
}

/** The envelope, plus a server frame `DENY` that refuses the credentials (as a Socket.IO auth middleware's connect_error would). */
const denying: Protocol = {
  name: 'envelope',
  create(options) {
    const codec = envelope.create(options);
    return {
      ...codec,
      decode: (frame) => (frame.data == 'DENY' ? [{ type: 'close', code: 'connect_error', message: 'unauthorized', retry: false, denied: true }] : codec.decode(frame)),
    };
  },
};

describe('credentials refused (an expired token)', () => {
  it('tells the first attempt that nothing failed', async () => {
    const { asked, headers } = tokens();
    const { ws } = setup({ ...single, headers });
    await vi.waitFor(() => expect(ws.transports).toHaveLength(1));
    expect(asked).toEqual([{ attempt: 0, reason: undefined, error: undefined, unauthorized: false }]);
  });

  it.each([
    ['an SSE 401', refused401],
    ['an SSE 403', { reason: 'http-status' as const, status: 403 }],
    ['a WebSocket closed with 4401', { reason: 'network' as const, code: 4401 }],
    ['a WebSocket closed with 1008', { reason: 'network' as const, code: 1008 }],
  ])('%s: one more attempt at once, the functions asked again; closed when the fresh credentials are refused too', async (_case, refusal) => {
    const { asked, headers } = tokens();
    const { ws, sse, client, clock, of } = setup({ ...single, headers, connect: false });
    sse.supported = false;
    client.connect();
    await vi.waitFor(() => expect(ws.transports).toHaveLength(1));
    ws.last!.drop(refusal);
    expect(client.state).toMatchObject({ status: 'reconnecting', attempt: 1, delayMs: 50 });
    expect(of('reconnecting').at(-1)).toMatchObject({ error: { code: 'unauthorized' } });
    clock.advance(50);
    await vi.waitFor(() => expect(ws.transports).toHaveLength(2));
    expect(asked.at(-1)).toMatchObject({ attempt: 1, unauthorized: true, error: { code: 'unauthorized' } });
    expect(ws.last!.context.headers).toEqual({ authorization: 'Bearer t2' });
    ws.last!.drop(refusal);
    expect(client.state).toMatchObject({ status: 'closed', error: { code: 'unauthorized' } });
    expect(of('close').at(-1)).toMatchObject({ terminal: true });
    expect(asked).toHaveLength(2);
  });

  it('a refresh that works opens again, and a later expiry gets its own refresh', async () => {
    const { asked, headers } = tokens();
    const { ws, sse, client, clock, open } = setup({ ...single, headers, connect: false });
    sse.supported = false;
    client.connect();
    await vi.waitFor(() => expect(ws.transports).toHaveLength(1));
    open(ws.last);
    for (let expiry = 1; expiry <= 3; expiry++) {
      clock.advance(60_000);
      ws.last!.drop({ reason: 'network', code: 4401 });
      expect(client.state.status).toBe('reconnecting');
      clock.advance(50);
      await vi.waitFor(() => expect(ws.transports).toHaveLength(expiry + 1));
      expect(asked.at(-1)).toMatchObject({ unauthorized: true });
      open(ws.last, { session: 's1', resumed: true });
      expect(client.state.status).toBe('open');
    }
  });

  it('static credentials cannot be refreshed: closed at the first refusal', () => {
    const { ws, sse, client } = setup({ ...single, headers: { authorization: 'Bearer old' }, connect: false });
    sse.supported = false;
    client.connect();
    ws.last!.drop(refused401);
    expect(client.state).toMatchObject({ status: 'closed', error: { code: 'unauthorized', status: 401 } });
  });

  it("an endpoint's URL function is asked again too", async () => {
    const urls: AttemptContext[] = [];
    const { ws, sse, client, clock } = setup({ ...single, connect: false, ws: { url: (context) => (urls.push(context), `fake://ws?t=${urls.length}`) } });
    sse.supported = false;
    client.connect();
    await vi.waitFor(() => expect(ws.transports).toHaveLength(1));
    ws.last!.drop(refused401);
    clock.advance(50);
    await vi.waitFor(() => expect(ws.transports).toHaveLength(2));
    expect(urls.map((context) => context.unauthorized)).toEqual([false, true]);
    expect(ws.last!.context.url).toBe('fake://ws?t=2');
  });

  it('a server refusing the credentials in a frame (Socket.IO connect_error) is asked again once', async () => {
    const { asked, headers } = tokens();
    const { ws, sse, client, clock } = setup({ ...single, headers, connect: false, ws: { protocol: denying } });
    sse.supported = false;
    client.connect();
    for (const attempt of [1, 2]) {
      await vi.waitFor(() => expect(ws.transports).toHaveLength(attempt));
      ws.last!.accept();
      ws.last!.receive('DENY');
      clock.advance(50);
    }
    expect(asked.map((context) => context.unauthorized)).toEqual([false, true]);
    expect(client.state).toMatchObject({ status: 'closed', reason: 'server-closed', error: { code: 'unauthorized', message: 'server bye: connect_error: unauthorized' } });
  });

  it('an upstream POST refused for its credentials is a refusal too: asked again once, then closed', async () => {
    const { asked, headers } = tokens();
    const { ws, sse, client, clock } = setup({ ...single, headers, connect: false, ws: { kind: 'sse' } });
    sse.supported = false;
    client.connect();
    for (const attempt of [1, 2]) {
      await vi.waitFor(() => expect(ws.transports).toHaveLength(attempt));
      const transport = ws.last!;
      transport.accept();
      transport.receive(welcome({ session: `s${attempt}` }));
      transport.failSends = new ConnectionError('unauthorized', 'POST answered HTTP 401', { status: 401 });
      client.emit('chat', attempt);
      await vi.waitFor(() => expect(client.state.status).not.toBe('open'));
      clock.advance(50);
    }
    expect(asked.map((context) => context.unauthorized)).toEqual([false, true]);
    expect(client.state).toMatchObject({ status: 'closed', reason: 'send-failed', error: { code: 'unauthorized' } });
  });
});
