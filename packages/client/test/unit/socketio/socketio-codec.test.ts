import { describe, expect, it } from 'vitest';
import type { MessageGroup } from '../../../src/socketio/engineio-codec.js';
import type { ProtocolCodec, ResumeCursor } from '../../../src/protocols/protocol.js';
import { isOffset, socketIoProtocol } from '../../../src/socketio/protocol.js';

/** The Engine.IO handshake as the transport hands it over: pingInterval + pingTimeout make a 45 s heartbeat. */
const HANDSHAKE = '{"sid":"e1","upgrades":[],"pingInterval":25000,"pingTimeout":20000}';

/** A recovery offset as socket.io's in-memory adapter makes them: the time in base 64 (yeast). */
const offsetAt = (time: number, suffix = '') => {
  let text = '';
  for (let rest = time; rest > 0; rest = Math.floor(rest / 64)) text = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_'[rest % 64] + text;
  return text + suffix;
};
const NOW = offsetAt(Date.now());

/** A codec after the Engine.IO handshake of revision `eio`, as the Engine.IO transport delivers it. */
function opened(options: { nsp?: string; auth?: Record<string, unknown>; resume?: ResumeCursor; eio?: 3 | 4 } = {}): ProtocolCodec {
  const codec = socketIoProtocol(options.nsp ?? '/', () => options.auth).create({ kind: 'websocket', resume: options.resume });
  expect(codec.decode({ data: HANDSHAKE, event: 'open', id: `${options.eio ?? 4}` })).toEqual([]);
  return codec;
}

/** A codec connected to its namespace (Socket.IO v5, recovery on when `pid` is given). */
function connected(nsp = '/', pid?: string): ProtocolCodec {
  const codec = opened({ nsp });
  codec.decode({ data: `0${nsp == '/' ? '' : nsp + ','}${JSON.stringify({ sid: 's1', pid })}` });
  return codec;
}

describe('socket.io codec: joining a namespace (v5)', () => {
  it('sends CONNECT with auth once Engine.IO is open', () => {
    expect(opened().onOpen()).toEqual(['0']);
    expect(opened({ nsp: '/chat', auth: { token: 'x' } }).onOpen()).toEqual(['0/chat,{"token":"x"}']);
  });

  it('asks to recover the previous session with its pid and last offset', () => {
    const codec = opened({ auth: { token: 'x' }, resume: { session: 'p1', lastSeq: 'off-3' } });
    expect(JSON.parse((codec.onOpen()[0] as string).slice(1))).toEqual({ pid: 'p1', offset: 'off-3', token: 'x' });
  });

  it('is ready only on the CONNECT answer, with the recovery pid and a heartbeat of pingInterval + pingTimeout', () => {
    const codec = opened();
    expect(codec.confirmOn).toBe('first-frame');
    expect(codec.decode({ data: '', event: 'ping' })).toEqual([]);
    expect(codec.decode({ data: '0{"sid":"s1","pid":"p2"}' })).toEqual([{ type: 'ready', resumed: false, session: 'p2', heartbeatMs: 45000 }]);
    expect(codec.id).toBe('s1');
    expect(codec.decode({ data: '', event: 'ping' })).toEqual([{ type: 'ping' }]);
  });

  it("leaves the client's heartbeat default when the handshake had no pingTimeout", () => {
    const codec = socketIoProtocol('/', () => undefined).create({ kind: 'websocket', resume: undefined });
    codec.decode({ data: '{"sid":"e1","pingInterval":25000}', event: 'open', id: '4' });
    expect(codec.decode({ data: '0{"sid":"s1"}' })).toEqual([{ type: 'ready', resumed: false, session: 's1', heartbeatMs: undefined }]);
  });

  it('reports a recovered session when the server keeps the pid', () => {
    const codec = opened({ resume: { session: 'p1', lastSeq: 'o1' } });
    expect(codec.decode({ data: '0{"sid":"s2","pid":"p1"}' })).toMatchObject([{ type: 'ready', resumed: true, session: 'p1' }]);
  });

  it('ignores packets of other namespaces', () => {
    const codec = opened({ nsp: '/chat' });
    expect(codec.decode({ data: '0{"sid":"other"}' })).toEqual([]);
    expect(codec.decode({ data: '2["elsewhere"]' })).toEqual([]);
    expect(codec.decode({ data: '0/chat,{"sid":"s1"}' })).toMatchObject([{ type: 'ready' }]);
  });

  it('turns CONNECT_ERROR into a typed error and a final close', () => {
    const [error, close] = opened({ nsp: '/private' }).decode({ data: '4/private,{"message":"unauthorized: no token","data":{"retry":false}}' });
    expect(error).toMatchObject({ type: 'error', error: { name: 'ProtocolError', code: 'server-error', frame: { message: 'unauthorized: no token', data: { retry: false } } } });
    expect(close).toEqual({ type: 'close', code: 'connect_error', message: 'unauthorized: no token', retry: false, final: true });
  });

  it('refuses a socket.io 2.x answer (CONNECT without sid) with a hint', () => {
    expect(opened().decode({ data: '0' })).toEqual([expect.objectContaining({ type: 'close', code: 'connect_error', retry: false, message: expect.stringContaining('eio: 3') })]);
  });
});

describe('socket.io codec: events and acks', () => {
  it('decodes events, with the ack id the server waits for', () => {
    const codec = connected();
    expect(codec.decode({ data: '2["chat",{"text":"hi"},2]' })).toEqual([{ type: 'event', name: 'chat', args: [{ text: 'hi' }, 2], ackId: undefined, offset: undefined }]);
    expect(codec.decode({ data: '27["question","sure?"]' })).toEqual([{ type: 'event', name: 'question', args: ['sure?'], ackId: 7, offset: undefined }]);
  });

  it('takes the recovery offset off the end of events when the server recovers sessions', () => {
    const codec = connected('/', 'p1');
    expect(codec.decode({ data: `2["chat","hello","${NOW}"]` })).toEqual([{ type: 'event', name: 'chat', args: ['hello'], ackId: undefined, offset: NOW }]);
    expect(codec.decode({ data: `2["testEvent","${NOW}.1"]` })).toMatchObject([{ name: 'testEvent', args: [], offset: `${NOW}.1` }]);
    // Events that want an ack are never stored, so they carry no offset.
    expect(codec.decode({ data: '23["question","really?"]' })).toMatchObject([{ args: ['really?'], ackId: 3, offset: undefined }]);
  });

  it('keeps the last argument of events without an offset (volatile) and of strings that only look like one', () => {
    const codec = connected('/', 'p1');
    const yearAgo = offsetAt(Date.now() - 365 * 864e5);
    for (const last of ['b', 'offline', yearAgo, '2024-05', '1700000000000-0']) {
      expect(codec.decode({ data: `2["volatile","a","${last}"]` })).toMatchObject([{ args: ['a', last], offset: undefined }]);
    }
  });

  it('reads every digit of a yeast id, "-" and "_" included', () => {
    for (const last of ['-', '_', '0', 'Z', 'a', 'z']) expect(isOffset(NOW.slice(0, -1) + last)).toBe(true);
    expect(isOffset(offsetAt(Date.now() + 2 * 864e5))).toBe(false);
  });

  it('knows the offsets of the Redis streams and MongoDB adapters', () => {
    const codec = connected('/', 'p1');
    const redis = `${Date.now()}-3`;
    const mongo = `${Math.floor(Date.now() / 1000).toString(16)}0123456789abcdef`;
    expect(codec.decode({ data: `2["chat","hi","${redis}"]` })).toMatchObject([{ args: ['hi'], offset: redis }]);
    expect(codec.decode({ data: `2["chat","hi","${mongo}"]` })).toMatchObject([{ args: ['hi'], offset: mongo }]);
  });

  it('asks for recovery only with an offset: the server cannot recover without one', () => {
    expect(opened({ resume: { session: 's1', lastSeq: 0 } }).onOpen()).toEqual(['0']);
  });

  it('keeps a trailing string when the server has no recovery', () => {
    expect(connected().decode({ data: '2["chat","hello"]' })).toMatchObject([{ args: ['hello'], offset: undefined }]);
  });

  it('decodes ACK and BINARY_ACK as answers to our cid', () => {
    const codec = connected('/chat');
    expect(codec.decode({ data: '3/chat,5[{"ok":true}]' })).toEqual([{ type: 'ack', cid: 5, args: [{ ok: true }] }]);
    expect(codec.decode({ data: '61-/chat,6[{"_placeholder":true,"num":0}]' })).toEqual([]);
    const buffer = new Uint8Array([1, 2]).buffer;
    expect(codec.decode({ data: buffer })).toEqual([{ type: 'ack', cid: 6, args: [buffer] }]);
  });

  it('reassembles a binary event from its attachments', () => {
    const codec = connected();
    const [a, b] = [new Uint8Array([1]).buffer, new Uint8Array([2]).buffer];
    expect(codec.decode({ data: '52-["file",{"_placeholder":true,"num":1},{"_placeholder":true,"num":0}]' })).toEqual([]);
    expect(codec.decode({ data: a })).toEqual([]);
    expect(codec.decode({ data: b })).toMatchObject([{ type: 'event', name: 'file', args: [b, a] }]);
  });

  it('encodes events with the outbox cid as ack id only when an ack is wanted', () => {
    const codec = connected('/chat');
    expect(codec.supportsAcks).toBe(true);
    expect(codec.acksOnly).toBe(true);
    expect(codec.encodeEvent('chat', [{ text: 'hi' }], 4, false)).toBe('2/chat,["chat",{"text":"hi"}]');
    expect(codec.encodeEvent('join', ['lobby'], 5, true)).toBe('2/chat,5["join","lobby"]');
    expect(codec.encodeMessage('raw text')).toBe('2/chat,["message","raw text"]');
  });

  it('answers the server with ACK, or BINARY_ACK when the answer holds binary', () => {
    const codec = connected();
    expect(codec.encodeAckReply(7, ['yes'])).toBe('37["yes"]');
    const buffer = new Uint8Array([3]);
    expect((codec.encodeAckReply(8, [buffer]) as MessageGroup).messages).toEqual(['61-8[{"_placeholder":true,"num":0}]', buffer]);
  });

  it('ends for good on a server DISCONNECT', () => {
    expect(connected('/chat').decode({ data: '1/chat,' })).toEqual([{ type: 'close', code: 'io server disconnect', message: expect.any(String), retry: false, final: true }]);
  });
});

describe('socket.io codec: Socket.IO v4 (Engine.IO v3)', () => {
  it('waits for the server to join "/" by itself', () => {
    const codec = opened({ eio: 3 });
    expect(codec.onOpen()).toEqual([]);
    expect(codec.decode({ data: '0' })).toEqual([{ type: 'ready', resumed: false, session: 'e1', heartbeatMs: 45000 }]);
    expect(codec.id).toBe('e1');
  });

  it('joins another namespace with auth as its query, ignoring the CONNECT of "/"', () => {
    const codec = opened({ eio: 3, nsp: '/private', auth: { token: 'letmein' } });
    expect(codec.onOpen()).toEqual(['0/private?token=letmein,']);
    expect(codec.decode({ data: '0' })).toEqual([]);
    expect(codec.decode({ data: '0/private' })).toMatchObject([{ type: 'ready', resumed: false, session: '/private#e1' }]);
  });

  it('refuses, with a hint, to join "/" with auth the handshake did not carry (the revision was detected)', () => {
    const codec = socketIoProtocol('/', () => ({ token: 'x' })).create({ kind: 'polling', resume: undefined });
    expect(codec.decode({ data: HANDSHAKE, event: 'open', id: '3' })).toEqual([expect.objectContaining({ type: 'close', final: true, message: expect.stringContaining('eio: 3') })]);
    const queried = socketIoProtocol('/', () => ({ token: 'x' }), true).create({ kind: 'polling', resume: undefined });
    expect(queried.decode({ data: HANDSHAKE, event: 'open', id: '3' })).toEqual([]);
  });

  it('reads the ERROR payload as the connect error: a string, or the data as JSON', () => {
    expect(opened({ eio: 3, nsp: '/private' }).decode({ data: '4/private,{"code":42}' })).toContainEqual(expect.objectContaining({ message: '{"code":42}' }));
  });

  it('reads the ERROR string as the connect error', () => {
    expect(opened({ eio: 3, nsp: '/private' }).decode({ data: '4/private,"unauthorized"' })).toContainEqual({
      type: 'close',
      code: 'connect_error',
      message: 'unauthorized',
      retry: false,
      final: true,
    });
  });
});

describe('socket.io codec: malformed input', () => {
  it.each([
    ['an unknown packet type', '9'],
    ['an event whose payload is not an array', '2{"not":"an array"}'],
    ['an event without a name', '2[]'],
    ['an ack without an id', '3["x"]'],
    ['a payload that is not JSON', '2["x"'],
  ])('reports %s as a protocol error and keeps working', (_name, data) => {
    const codec = connected();
    expect(codec.decode({ data })).toEqual([{ type: 'error', error: expect.objectContaining({ name: 'ProtocolError' }) }]);
    expect(codec.decode({ data: '2["still",1]' })).toMatchObject([{ type: 'event', name: 'still', args: [1] }]);
  });

  it('reports an attachment without its packet, and a packet that cuts the attachments short', () => {
    const codec = connected();
    expect(codec.decode({ data: new ArrayBuffer(1) })).toMatchObject([{ type: 'error', error: { code: 'bad-frame' } }]);
    codec.decode({ data: '51-["file",{"_placeholder":true,"num":0}]' });
    expect(codec.decode({ data: '2["next"]' })).toMatchObject([{ type: 'error', error: { code: 'bad-frame' } }]);
    expect(codec.decode({ data: '2["next"]' })).toMatchObject([{ type: 'event', name: 'next' }]);
  });
});

describe('socket.io codec: recovery replay', () => {
  it('holds events replayed before the CONNECT answer until after it', () => {
    const codec = opened({ resume: { session: 'p1', lastSeq: NOW } });
    expect(codec.decode({ data: `2["chat","missed","${NOW}.0"]` })).toEqual([]);
    expect(codec.decode({ data: '0{"sid":"s1","pid":"p1"}' })).toEqual([
      { type: 'ready', resumed: true, session: 'p1', heartbeatMs: 45000 },
      { type: 'event', name: 'chat', args: ['missed'], ackId: undefined, offset: `${NOW}.0` },
    ]);
  });
});
