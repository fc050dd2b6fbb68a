import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../../src/core/errors.js';
import { MessageGroup } from '../../../src/socketio/engineio-codec.js';
import { decodePacket, encodePacket, parseData } from '../../../src/socketio/packet.js';

// Fixtures from docs/socket.io-protocol/v5-current.md and v4.md in socketio/socket.io.
const bytes = (...values: number[]) => new Uint8Array(values);
const decoded = (text: string, buffers: ArrayBuffer[] = []) => {
  const packet = decodePacket(text);
  return { type: packet.type, nsp: packet.nsp, id: packet.id, attachments: packet.attachments, data: parseData(packet, buffers) };
};

describe('Socket.IO packet encoding', () => {
  it.each([
    ['CONNECT to the main namespace', [0, '/'], '0'],
    ['CONNECT to a custom namespace with a payload', [0, '/admin', { sid: 'oSO0OpakMV_3jnilAAAA' }], '0/admin,{"sid":"oSO0OpakMV_3jnilAAAA"}'],
    ['CONNECT_ERROR', [4, '/', { message: 'Not authorized' }], '4{"message":"Not authorized"}'],
    ['EVENT', [2, '/', ['foo']], '2["foo"]'],
    ['EVENT in a namespace', [2, '/admin', ['bar']], '2/admin,["bar"]'],
    ['EVENT with an ack id', [2, '/', ['foo'], 12], '212["foo"]'],
    ['ACK in a namespace', [3, '/admin', ['bar'], 13], '3/admin,13["bar"]'],
    ['DISCONNECT', [1, '/'], '1'],
    ['DISCONNECT from a namespace', [1, '/admin'], '1/admin,'],
    ['v4 EVENT with an ack id', [2, '/admin', ['project:delete', 123], 456], '2/admin,456["project:delete",123]'],
    ['v4 ACK without arguments', [3, '/admin', [], 456], '3/admin,456[]'],
  ] as const)('encodes %s', (_name, [type, nsp, data, id], expected) => {
    expect(encodePacket(type, nsp, data, id)).toBe(expected);
  });

  it('encodes binary values as placeholders followed by their attachments', () => {
    const buffer = bytes(1, 2, 3, 4);
    const group = encodePacket(2, '/', ['baz', buffer]) as MessageGroup;
    expect(group).toBeInstanceOf(MessageGroup);
    expect(group.messages).toEqual(['51-["baz",{"_placeholder":true,"num":0}]', buffer]);
  });

  it('numbers several attachments in order, nested ones included', () => {
    const [first, second] = [bytes(1, 2), bytes(3, 4).buffer];
    const group = encodePacket(2, '/admin', ['baz', first, { nested: [second] }]) as MessageGroup;
    expect(group.messages).toEqual([
      '52-/admin,["baz",{"_placeholder":true,"num":0},{"nested":[{"_placeholder":true,"num":1}]}]',
      first,
      second,
    ]);
  });

  it('encodes a binary ack as BINARY_ACK', () => {
    const buffer = bytes(1, 2, 3, 4);
    expect((encodePacket(3, '/', ['bar', buffer], 15) as MessageGroup).messages).toEqual(['61-15["bar",{"_placeholder":true,"num":0}]', buffer]);
  });

  it('finds binary values however deep they are nested', () => {
    const buffer = bytes(5);
    let deep: unknown = { buffer };
    for (let level = 0; level < 40; level++) deep = [deep];
    const group = encodePacket(2, '/', ['deep', deep]) as MessageGroup;
    expect(group.messages[0]).toMatch(/^51-\["deep",\[{40}{"buffer":{"_placeholder":true,"num":0}}\]{40}\]$/);
    expect(group.messages[1]).toBe(buffer);
  });

  it('encodes plain data as a string, objects with toJSON and inherited keys as JSON.stringify does', () => {
    const at = new Date(0);
    const withProto = Object.assign(Object.create({ inherited: bytes(1) }) as object, { own: 1 });
    expect(encodePacket(2, '/', ['plain', { at, list: [1, null, 'x'], withProto }], 7)).toBe('27["plain",{"at":"1970-01-01T00:00:00.000Z","list":[1,null,"x"],"withProto":{"own":1}}]');
  });

  it('reports a circular payload as JSON.stringify does', () => {
    const loop: Record<string, unknown> = { name: 'loop' };
    loop.self = loop;
    expect(() => encodePacket(2, '/', ['cycle', loop])).toThrowError(TypeError);
  });

  it('takes Node Buffers and Blobs as binary', () => {
    const blob = new Blob([bytes(9)]);
    const buffer = Buffer.from([7]);
    expect((encodePacket(2, '/', ['b', buffer, blob]) as MessageGroup).messages).toEqual([
      '52-["b",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]',
      buffer,
      blob,
    ]);
  });
});

describe('Socket.IO packet decoding', () => {
  it.each([
    ['CONNECT', '0', { type: 0, nsp: '/', id: undefined, attachments: 0, data: undefined }],
    ['CONNECT answer with sid', '0/admin,{"sid":"oSO0OpakMV_3jnilAAAA"}', { type: 0, nsp: '/admin', data: { sid: 'oSO0OpakMV_3jnilAAAA' } }],
    ['CONNECT_ERROR', '4{"message":"Not authorized"}', { type: 4, nsp: '/', data: { message: 'Not authorized' } }],
    ['v4 ERROR with a string', '4/admin,"Not authorized"', { type: 4, nsp: '/admin', data: 'Not authorized' }],
    ['v4 CONNECT answer without a trailing comma', '0/chat', { type: 0, nsp: '/chat', data: undefined }],
    ['EVENT with an ack id', '212["foo"]', { type: 2, nsp: '/', id: 12, data: ['foo'] }],
    ['ACK in a namespace', '3/admin,13["bar"]', { type: 3, nsp: '/admin', id: 13, data: ['bar'] }],
    ['DISCONNECT from a namespace', '1/admin,', { type: 1, nsp: '/admin', data: undefined }],
  ])('decodes %s', (_name, text, expected) => {
    expect(decoded(text)).toMatchObject(expected);
  });

  it('puts attachments back in place of their placeholders', () => {
    const [first, second] = [bytes(1, 2).buffer, bytes(3, 4).buffer];
    expect(decoded('52-/admin,["baz",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]', [first, second])).toEqual({
      type: 5,
      nsp: '/admin',
      id: undefined,
      attachments: 2,
      data: ['baz', first, second],
    });
    expect(decoded('61-15["bar",{"_placeholder":true,"num":0}]', [first])).toMatchObject({ type: 6, id: 15, attachments: 1, data: ['bar', first] });
  });

  it.each([
    ['an unknown type', '7["x"]'],
    ['an empty frame', ''],
  ])('rejects %s as a bad frame', (_name, text) => {
    expect(() => decodePacket(text)).toThrowError(ProtocolError);
  });

  it('leaves placeholder-like objects alone in a packet without attachments', () => {
    expect(decoded('2["x",{"_placeholder":true,"num":0}]').data).toEqual(['x', { _placeholder: true, num: 0 }]);
  });

  it('rejects a payload that is not JSON as bad-json', () => {
    expect(() => parseData(decodePacket('2["unterminated"'))).toThrowError(expect.objectContaining({ name: 'ProtocolError', code: 'bad-json' }));
  });
});
