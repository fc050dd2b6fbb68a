import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../../src/core/errors.js';
import { decodePayload, encodePayload, fromBase64, toBase64 } from '../../../src/socketio/engineio-codec.js';

// Fixtures from docs/engine.io-protocol (v3.md, v4-current.md) and docs/socket.io-protocol/v4.md in socketio/socket.io.
const bytes = (...values: number[]) => new Uint8Array(values);
const HANDSHAKE_V3 = '0{"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":5000}';

describe('Engine.IO v4 payloads', () => {
  it('splits packets at the record separator', () => {
    expect(decodePayload('4hello\x1e2\x1e4world', false)).toEqual(['4hello', '2', '4world']);
  });

  it('decodes b-prefixed base64 as binary message data', () => {
    const [text, binary] = decodePayload('4hello\x1ebAQIDBA==', false);
    expect(text).toBe('4hello');
    expect(new Uint8Array(binary as ArrayBuffer)).toEqual(bytes(1, 2, 3, 4));
  });

  it('encodes packets as the documented request body', () => {
    expect(encodePayload(['42["hello"]', '42["world"]'], false)).toBe('42["hello"]\x1e42["world"]');
    expect(encodePayload(['4hello', bytes(1, 2, 3, 4)], false)).toBe('4hello\x1ebAQIDBA==');
  });
});

describe('Engine.IO v3 payloads', () => {
  it('reads length-prefixed packets, counting characters, not bytes', () => {
    expect(decodePayload('6:4hello6:4world', true)).toEqual(['4hello', '4world']);
    expect(decodePayload('2:4€', true)).toEqual(['4€']);
  });

  it('reads the handshake and the CONNECT of the sample session in one payload', () => {
    expect(decodePayload(`96:${HANDSHAKE_V3}2:40`, true)).toEqual([HANDSHAKE_V3, '40']);
  });

  it('decodes b4-prefixed base64 as binary message data', () => {
    const [text, binary] = decodePayload('2:4€10:b4AQIDBA==', true);
    expect(text).toBe('4€');
    expect(new Uint8Array(binary as ArrayBuffer)).toEqual(bytes(1, 2, 3, 4));
  });

  it('encodes the documented examples', () => {
    expect(encodePayload(['4hello', '4world'], true)).toBe('6:4hello6:4world');
    expect(encodePayload(['4€', bytes(1, 2, 3, 4)], true)).toBe('2:4€10:b4AQIDBA==');
    expect(encodePayload(['42["hello"]', '42["world"]'], true)).toBe('11:42["hello"]11:42["world"]');
  });

  it.each([
    ['a length that runs past the end', '9:4hi'],
    ['no length', ':4hi'],
    ['a length that is not a number', 'x:4hi'],
    ['trailing garbage', '3:4hiabc'],
  ])('rejects %s with a typed protocol error', (_name, body) => {
    expect(() => decodePayload(body, true)).toThrowError(ProtocolError);
  });
});

describe('base64', () => {
  it('round-trips every byte value and large buffers', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(toBase64(all)).toBe(Buffer.from(all).toString('base64'));
    expect(new Uint8Array(fromBase64(toBase64(all)))).toEqual(all);
    const large = new Uint8Array(100_000).map((_, i) => i * 7);
    expect(Buffer.from(fromBase64(toBase64(large))).equals(large)).toBe(true);
  });

  it('rejects invalid base64 in a payload as a protocol error', () => {
    expect(() => decodePayload('b!!!', false)).toThrowError(ProtocolError);
  });
});
