import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../../src/core/errors.js';
import { envelope, envelopeProtocol } from '../../../src/protocols/envelope.js';
import type { ProtocolInput } from '../../../src/protocols/protocol.js';

const overWebSocket = (resume?: { session?: string; lastSeq?: number | string }) =>
  envelope.create({ kind: 'websocket', resume });
const overSse = (resume?: { session?: string; lastSeq?: number | string }) => envelope.create({ kind: 'sse', resume });

const decodeOne = (json: string, codec = overWebSocket()): ProtocolInput => {
  const inputs = codec.decode({ data: json });
  expect(inputs).toHaveLength(1);
  return inputs[0]!;
};

function expectError(input: ProtocolInput, code: string): ProtocolError {
  expect(input.type).toBe('error');
  const error = (input as { error: ProtocolError }).error;
  expect(error).toBeInstanceOf(ProtocolError);
  expect(error.name).toBe('ProtocolError');
  expect(error.code).toBe(code);
  return error;
}

describe('envelope codec: handshake', () => {
  it('waits for the welcome frame and supports acks', () => {
    const codec = overWebSocket();
    expect(codec.confirmOn).toBe('first-frame');
    expect(codec.supportsAcks).toBe(true);
    expect(envelopeProtocol()).toBe(envelope);
    expect(envelope.name).toBe('envelope');
  });

  it('says hello with version 1 when a WebSocket opens on a new session', () => {
    expect(overWebSocket().onOpen().map((frame) => JSON.parse(frame as string))).toEqual([{ t: 'hello', v: 1 }]);
    expect(overWebSocket().connectParams()).toEqual({});
  });

  it('asks to resume with the resume token of the cursor in hello', () => {
    const [hello] = overWebSocket({ session: 'id.secret', lastSeq: 7 }).onOpen();
    expect(JSON.parse(hello as string)).toEqual({ t: 'hello', v: 1, token: 'id.secret', lastSeq: 7 });
  });

  it('reads a numeric string lastSeq and drops a lastSeq without a session', () => {
    expect(JSON.parse(overWebSocket({ session: 's1', lastSeq: '12' }).onOpen()[0] as string)).toMatchObject({ lastSeq: 12 });
    expect(JSON.parse(overWebSocket({ lastSeq: 3 }).onOpen()[0] as string)).toEqual({ t: 'hello', v: 1 });
  });

  it('sends nothing on open over SSE and puts the resume cursor in the GET query instead', () => {
    expect(overSse().onOpen()).toEqual([]);
    expect(overSse().connectParams()).toEqual({ v: '1' });
    expect(overSse({ session: 'id.secret', lastSeq: 4 }).connectParams()).toEqual({ v: '1', sessionToken: 'id.secret', lastSeq: '4' });
  });

  it('puts the resume token in upstream parameters only once the welcome gave it', () => {
    const codec = overSse({ session: 'old.token', lastSeq: 1 });
    expect(codec.upstreamParams()).toEqual({});
    codec.decode({ data: '{"t":"welcome","v":1,"session":"new","token":"new.secret","resumed":false,"seq":0,"rcid":0,"hb":25000}' });
    expect(codec.upstreamParams()).toEqual({ sessionToken: 'new.secret' });
  });

  it('turns welcome into ready with the resume token (never the public id) as the session to resume, heartbeat and the confirmed client id', () => {
    const input = decodeOne('{"t":"welcome","v":1,"session":"s9","token":"s9.secret","resumed":true,"seq":10,"rcid":3,"hb":15000}');
    expect(input).toEqual({ type: 'ready', resumed: true, session: 's9.secret', heartbeatMs: 15000, confirmedCid: 3 });
  });
});

describe('envelope codec: server frames', () => {
  it('decodes an event with its sequence id and ack request', () => {
    expect(decodeOne('{"t":"event","seq":5,"name":"chat","args":[{"text":"hi"}],"ack":2}')).toEqual({
      type: 'event',
      name: 'chat',
      args: [{ text: 'hi' }],
      seq: 5,
      ackId: 2,
    });
  });

  it('decodes an event without ack and with missing args as no arguments', () => {
    expect(decodeOne('{"t":"event","seq":1,"name":"tick"}')).toEqual({ type: 'event', name: 'tick', args: [], seq: 1, ackId: undefined });
  });

  it('decodes an ack with results', () => {
    expect(decodeOne('{"t":"ack","seq":2,"cid":7,"args":["ok",1]}')).toEqual({
      type: 'ack',
      cid: 7,
      args: ['ok', 1],
      error: undefined,
      seq: 2,
    });
  });

  it('decodes an ack that carries an error', () => {
    const input = decodeOne('{"t":"ack","seq":3,"cid":8,"error":{"code":"bad-room","message":"no such room"}}');
    expect(input).toMatchObject({ type: 'ack', cid: 8, args: [], error: { code: 'bad-room', message: 'no such room' } });
  });

  it('decodes ping with the confirmed client id', () => {
    expect(decodeOne('{"t":"ping","rcid":4}')).toEqual({ type: 'ping', confirmedCid: 4 });
  });

  it('reports a server error frame as a server-error ProtocolError', () => {
    const error = expectError(decodeOne('{"t":"error","code":"unknown-event","message":"no handler for x","cid":3}'), 'server-error');
    expect(error.message).toContain('unknown-event');
    expect(error.frame).toMatchObject({ cid: 3 });
  });

  it('turns bye into close, terminal only when retry is false', () => {
    expect(decodeOne('{"t":"bye","code":"kicked","message":"bye","retry":false}')).toEqual({
      type: 'close',
      code: 'kicked',
      message: 'bye',
      retry: false,
    });
    expect(decodeOne('{"t":"bye","code":"restart","message":"later","retry":true}')).toMatchObject({ retry: true });
  });

  it('ignores unknown fields', () => {
    expect(decodeOne('{"t":"ping","rcid":1,"future":"field"}')).toEqual({ type: 'ping', confirmedCid: 1 });
  });
});

describe('envelope codec: malformed frames become errors, never throws', () => {
  it.each([
    ['not JSON', '{"t":', 'bad-json'],
    ['an empty string', '', 'bad-json'],
    ['a JSON array', '[{"t":"ping"}]', 'bad-frame'],
    ['JSON null', 'null', 'bad-frame'],
    ['a number', '42', 'bad-frame'],
    ['an object without t', '{"name":"x"}', 'bad-frame'],
    ['a non-string t', '{"t":3}', 'bad-frame'],
    ['an unknown t', '{"t":"bogus"}', 'bad-frame'],
    ['a welcome without token', '{"t":"welcome","v":1,"session":"s","resumed":false}', 'bad-frame'],
    ['a welcome without resumed', '{"t":"welcome","v":1,"session":"s","token":"s.t"}', 'bad-frame'],
    ['an event without name', '{"t":"event","seq":1,"args":[]}', 'bad-frame'],
    ['an ack without cid', '{"t":"ack","seq":1,"args":[]}', 'bad-frame'],
  ])('reports %s', (_label, json, code) => {
    const error = expectError(decodeOne(json), code);
    expect(error.frame).toBe(json);
  });

  it('reports a binary frame as bad-json', () => {
    expectError(decodeOne(new ArrayBuffer(2) as unknown as string), 'bad-json');
  });

  it('keeps decoding after a bad frame', () => {
    const codec = overWebSocket();
    codec.decode({ data: '{oops' });
    expect(codec.decode({ data: '{"t":"ping","rcid":0}' })).toEqual([{ type: 'ping', confirmedCid: 0 }]);
  });
});

describe('envelope codec: client frames', () => {
  it('encodes an event without ack', () => {
    expect(JSON.parse(overWebSocket().encodeEvent('chat', [{ text: 'x' }], 1, false) as string)).toEqual({
      t: 'event',
      cid: 1,
      name: 'chat',
      args: [{ text: 'x' }],
    });
  });

  it('encodes an event that asks for an ack', () => {
    expect(JSON.parse(overWebSocket().encodeEvent('echo', [1, 'two'], 9, true) as string)).toEqual({
      t: 'event',
      cid: 9,
      name: 'echo',
      args: [1, 'two'],
      ack: true,
    });
  });

  it('encodes an ack reply to a server event', () => {
    expect(JSON.parse(overWebSocket().encodeAckReply(3, ['done']) as string)).toEqual({ t: 'ack', ack: 3, args: ['done'] });
  });

  it('sends a raw message as a message event', () => {
    expect(JSON.parse(overWebSocket().encodeMessage('hello') as string)).toEqual({ t: 'event', name: 'message', args: ['hello'] });
  });

  it('has no batch over WebSocket, where each frame is its own message', () => {
    expect(overWebSocket().batch).toBeUndefined();
  });

  it('batches frames into one JSON array for an SSE POST', () => {
    const codec = overSse();
    const frames = [codec.encodeEvent('a', [], 1, false), codec.encodeEvent('b', [2], 2, true)];
    expect(JSON.parse(codec.batch!(frames) as string)).toEqual([
      { t: 'event', cid: 1, name: 'a', args: [] },
      { t: 'event', cid: 2, name: 'b', args: [2], ack: true },
    ]);
  });
});
