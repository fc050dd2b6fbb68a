import { describe, expect, it } from 'vitest';
import { raw } from '../../../src/protocols/raw.js';
import { resolveProtocol } from '../../../src/protocols/resolve.js';
import { envelope } from '../../../src/protocols/envelope.js';

const codec = (json?: boolean) => raw(json === undefined ? undefined : { json }).create({ kind: 'websocket', resume: undefined });

describe('raw codec', () => {
  it('trusts the transport open and has no acks, hello or query parameters', () => {
    const c = codec();
    expect(c.confirmOn).toBe('open');
    expect(c.supportsAcks).toBe(false);
    expect(c.onOpen()).toEqual([]);
    expect(c.connectParams()).toEqual({});
    expect(c.upstreamParams()).toEqual({});
    expect(c.encodeAckReply(1, [])).toBeUndefined();
    expect(c.batch).toBeUndefined();
  });

  it('puts sent strings on the wire untouched', () => {
    for (const text of ['hello', '{"event":"x"}', '', ' spaced \n']) expect(codec().encodeMessage(text)).toBe(text);
  });

  it('passes binary payloads through', () => {
    const bytes = new Uint8Array([1, 2]);
    expect(codec().encodeMessage(bytes)).toBe(bytes);
  });

  it('delivers inbound text as a message, with the SSE id as eventId', () => {
    expect(codec().decode({ data: 'plain text', id: '17' })).toEqual([{ type: 'message', data: 'plain text', eventId: '17' }]);
    expect(codec().decode({ data: '{"event":"chat","args":[1]}' })).toEqual([
      { type: 'message', data: '{"event":"chat","args":[1]}', eventId: undefined },
    ]);
  });

  it('turns an SSE event with a custom name into that event with the data as its argument', () => {
    expect(codec().decode({ data: '{"text":"hi"}', event: 'cfmlMessage', id: '3' })).toEqual([
      { type: 'event', name: 'cfmlMessage', args: ['{"text":"hi"}'], eventId: '3' },
    ]);
  });

  it('treats an explicit SSE message event as a plain message', () => {
    expect(codec().decode({ data: 'x', event: 'message' })).toEqual([{ type: 'message', data: 'x', eventId: undefined }]);
  });

  it('encodes emit as event JSON', () => {
    expect(JSON.parse(codec(true).encodeEvent('chat', [{ text: 'hi' }, 2], 1, false) as string)).toEqual({
      event: 'chat',
      args: [{ text: 'hi' }, 2],
    });
    expect(JSON.parse(codec().encodeEvent('ping', [], 1, true) as string)).toEqual({ event: 'ping', args: [] });
  });

  describe('with json: true', () => {
    it.each([
      ['{"event":"chat","args":[{"text":"hi"}]}', { name: 'chat', args: [{ text: 'hi' }] }],
      [' {"event":"tick"}', { name: 'tick', args: [] }],
      ['{"event":"note","data":{"a":1}}', { name: 'note', args: [{ a: 1 }] }],
      ['{"event":"nothing","data":null}', { name: 'nothing', args: [null] }],
    ])('decodes %s as a named event', (data, expected) => {
      expect(codec(true).decode({ data })).toEqual([{ type: 'event', ...expected, eventId: undefined }]);
    });

    it.each([
      'hello',
      '{"event":',
      '{"event":3,"args":[]}',
      '{"event":"x","args":"not an array"}',
      '{"name":"x"}',
      '["event","x"]',
      'null',
      '42',
    ])('keeps %s as a message', (data) => {
      expect(codec(true).decode({ data })).toEqual([{ type: 'message', data, eventId: undefined }]);
    });

    it('keeps binary frames as messages', () => {
      const buffer = new ArrayBuffer(1);
      expect(codec(true).decode({ data: buffer })).toEqual([{ type: 'message', data: buffer, eventId: undefined }]);
    });
  });

  it('rejects a non-boolean json option', () => {
    expect(() => raw({ json: 'yes' as unknown as boolean })).toThrow(TypeError);
    expect(() => raw({ json: 'yes' as unknown as boolean })).toThrow(/json/);
  });
});

describe('resolveProtocol', () => {
  it('maps names and passes Protocol objects through', () => {
    expect(resolveProtocol(undefined, 'websocket')).toBe(envelope);
    expect(resolveProtocol('envelope', 'websocket')).toBe(envelope);
    expect(resolveProtocol('raw', 'sse').name).toBe('raw');
    const custom = { name: 'custom', create: () => codec() };
    expect(resolveProtocol(custom, 'sse')).toBe(custom);
  });

  it('throws a TypeError naming the option for anything else', () => {
    expect(() => resolveProtocol('socketio' as 'raw', 'websocket')).toThrow(/websocket\(\): option "protocol"/);
    expect(() => resolveProtocol({} as never, 'sse')).toThrow(TypeError);
  });
});
