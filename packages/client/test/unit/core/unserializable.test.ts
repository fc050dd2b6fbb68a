import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Protocol } from '../../../src/index.js';
import { raw } from '../../../src/protocols/raw.js';
import { socketIoProtocol } from '../../../src/socketio/protocol.js';
import { eventsOf, flush, setup, type Setup } from './helpers.js';

const cycle = (): unknown => {
  const node: Record<string, unknown> = { name: 'loop' };
  node.self = node;
  return node;
};
const BAD_ARGUMENTS: [string, () => unknown][] = [
  ['a BigInt', () => 10n],
  ['a cycle', cycle],
  ['a throwing toJSON', () => ({ toJSON: () => { throw new Error('no JSON for you'); } })],
];

/** What Node reports as unhandled rejections during a test. */
let unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeEach(() => {
  unhandled = [];
  process.on('unhandledRejection', onUnhandled);
});
afterEach(() => void process.off('unhandledRejection', onUnhandled));

/** Lets every pending rejection be reported (unhandled ones surface after a macrotask). */
const settleAll = () => new Promise((resolve) => setImmediate(resolve));

const unserializable = { name: 'RequestError', code: 'unserializable', message: expect.stringMatching(/^cannot encode "bad": /) as string };

/** Opens the client's transport as the server of `protocol` would. */
function opened(protocol: 'envelope' | 'socket.io'): Setup {
  if (protocol == 'envelope') {
    const s = setup({ heartbeat: false });
    s.open(s.ws.last);
    return s;
  }
  const s = setup({ heartbeat: false, ws: { protocol: socketIoProtocol('/', () => undefined) as Protocol } });
  s.ws.last!.accept();
  s.ws.last!.receive('0{"sid":"a"}');
  return s;
}

describe.each(['envelope', 'socket.io'] as const)('arguments that cannot be encoded (%s)', (protocol) => {
  describe.each(BAD_ARGUMENTS)('%s', (_name, bad) => {
    it('emitWithAck rejects at once, sends nothing, leaves nothing pending, and close() rejects nothing later', async () => {
      const { client, ws, of } = opened(protocol);
      const handshake = ws.last!.sent.length;
      const answer = client.emitWithAck('bad', bad());
      await expect(answer).rejects.toMatchObject(unserializable);
      expect(ws.last!.sent.length).toBe(handshake);
      client.close();
      await settleAll();
      expect(unhandled).toEqual([]);
      expect(of('outbox').at(-1)?.size ?? 0).toBe(0);
    });

    it('emit throws at once and the next messages go out numbered without a hole', async () => {
      const { client, ws } = opened(protocol);
      expect(() => client.emit('bad', bad())).toThrow(expect.objectContaining(unserializable));
      client.emit('good', 1);
      void client.emitWithAck('asks', 2).catch(() => undefined);
      await flush();
      if (protocol == 'envelope') expect(eventsOf(ws.last).map((frame) => [frame.name, frame.cid])).toEqual([['good', 1], ['asks', 2]]);
      else expect(ws.last!.texts.slice(1)).toEqual(['2["good",1]', '22["asks",2]']);
      client.close();
      await settleAll();
      expect(unhandled).toEqual([]);
    });

    it('while disconnected: rejects or throws at once instead of waiting in the outbox', async () => {
      const { client, of } = setup({ heartbeat: false, connect: false });
      await expect(client.emitWithAck('bad', bad())).rejects.toMatchObject(unserializable);
      expect(() => client.emit('bad', bad())).toThrow(expect.objectContaining(unserializable));
      expect(of('outbox')).toEqual([]);
      client.close();
      await settleAll();
      expect(unhandled).toEqual([]);
    });
  });
});

describe('arguments that cannot be encoded, other paths', () => {
  it('raw protocol: emit of a BigInt throws at once (it would be sent as JSON)', () => {
    const { client, ws } = setup({ heartbeat: false, ws: { protocol: raw() } });
    ws.last!.accept();
    expect(() => client.emit('bad', 1n)).toThrow(expect.objectContaining({ code: 'unserializable' }));
    expect(ws.last!.sent).toEqual([]);
  });

  it('an entry that waited and then cannot be encoded is dropped and reported, the others go out', async () => {
    const { client, ws, of, open } = setup({ heartbeat: false, connect: false });
    // Encodable while it waits (its size is estimated), not once it is sent.
    let calls = 0;
    const flaky = { toJSON: () => (++calls > 1 ? 10n : 'fine') };
    client.emit('flaky', flaky);
    client.emit('after', 1);
    client.connect();
    open(ws.last);
    await flush();
    expect(eventsOf(ws.last).map((frame) => [frame.name, frame.cid])).toEqual([['after', 1]]);
    expect(of('error').map((e) => e.error)).toEqual([expect.objectContaining({ code: 'unserializable', message: expect.stringContaining('"flaky"') as string })]);
    expect(of('outbox').at(-1)).toEqual({ size: 0, bytes: 0 });
  });

  it('a listener answering a server ack request with what cannot be encoded is reported, not thrown', async () => {
    const { client, ws, of, open } = setup({ heartbeat: false });
    open(ws.last);
    client.on('question', () => 10n);
    ws.last!.receive(JSON.stringify({ t: 'event', seq: 1, name: 'question', args: [], ack: 7 }));
    await flush();
    await settleAll();
    expect(of('error').map((e) => e.error)).toEqual([expect.objectContaining({ code: 'unserializable', message: expect.stringContaining('the answer to "question"') as string })]);
    expect(unhandled).toEqual([]);
    expect(client.state.status).toBe('open');
  });
});
