import { ProtocolError } from '../core/errors.js';
import type { OutboundFrame } from '../transports/transport.js';
import { MessageGroup } from './engineio-codec.js';

// Socket.IO packets, protocol v4 and v5 alike (docs/socket.io-protocol in socketio/socket.io):
//   <type>[<attachments>-][<namespace>,][<ack id>][<JSON payload>]
// types: 0 CONNECT, 1 DISCONNECT, 2 EVENT, 3 ACK, 4 CONNECT_ERROR (v4: ERROR), 5 BINARY_EVENT,
// 6 BINARY_ACK. Binary values are replaced by `{"_placeholder":true,"num":i}` and sent as the i-th
// attachment, each its own Engine.IO message. Hand-written: socket.io-parser brings an emitter and
// `debug` along for what fits in these lines.

/** A decoded packet; `json` is the payload text, parsed by {@link parseData} once the attachments arrived. */
export interface SocketIoPacket {
  type: number;
  nsp: string;
  id: number | undefined;
  /** Binary attachments that follow (BINARY_EVENT, BINARY_ACK). */
  attachments: number;
  json: string;
}

const PACKET = /^([0-6])(?:(\d+)-)?(?:(\/[^,]*),?)?(\d*)([^]*)$/;

/** A `bad-frame` error about `frame`. */
export const bad = (message: string, frame: unknown): ProtocolError => new ProtocolError('bad-frame', `socket.io: ${message}`, { frame });

/** Parses a packet's header; throws a `ProtocolError` (`bad-frame`) when `text` is not a packet. */
export function decodePacket(text: string): SocketIoPacket {
  const match = PACKET.exec(text);
  if (!match) throw bad('not a packet', text);
  const [, type, attachments, nsp = '/', id, json = ''] = match;
  return { type: +type!, nsp, id: id ? +id : undefined, attachments: +(attachments ?? 0), json };
}

/** Parses a packet's payload, putting `buffers` back in place of their placeholders. Throws `bad-json`. */
export function parseData(packet: SocketIoPacket, buffers: readonly ArrayBuffer[] = []): unknown {
  try {
    // A reviver costs a call per value: only packets with attachments need one.
    return packet.json ? JSON.parse(packet.json, buffers.length ? (_key, value) => (value?._placeholder === true ? buffers[value.num] : value) : undefined) : undefined;
  } catch (cause) {
    throw new ProtocolError('bad-json', 'socket.io: payload is not JSON', { frame: packet.json, cause });
  }
}

const isBinary = (value: unknown): value is ArrayBuffer | ArrayBufferView | Blob =>
  value instanceof ArrayBuffer || ArrayBuffer.isView(value) || (typeof Blob == 'function' && value instanceof Blob);

/**
 * Whether `value` may hold binary data: one pass over arrays and objects only (primitives cost a
 * `typeof`). Deeper than 32 levels it answers yes and leaves it to the exact path (which also reports
 * a cycle as `JSON.stringify` does, where this walk would overflow the stack).
 */
function mayHoldBinary(value: unknown, depth = 0): boolean {
  if (typeof value != 'object' || !value) return false;
  if (depth > 32 || isBinary(value)) return true;
  // A loop, not `Object.values(...).some(...)`: this runs for every emit, and arrays need no copy.
  for (const item of Array.isArray(value) ? value : Object.values(value)) if (mayHoldBinary(item, depth + 1)) return true;
  return false;
}

/**
 * Encodes a packet: a string, or with binary values in `data` a {@link MessageGroup} of the packet
 * (as BINARY_EVENT / BINARY_ACK) and its attachments.
 */
export function encodePacket(type: number, nsp: string, data?: unknown, id?: number): OutboundFrame {
  const buffers: OutboundFrame[] = [];
  const json =
    data === undefined
      ? ''
      : JSON.stringify(
          data,
          mayHoldBinary(data)
            ? function (this: Record<string, unknown>, key, value) {
                // The holder's own value: a Node Buffer has already become {type, data} through toJSON.
                const raw = this[key];
                return isBinary(raw) ? { _placeholder: true, num: buffers.push(raw) - 1 } : value;
              }
            : undefined,
        );
  const count = buffers.length;
  const text = `${count ? `${type + 3}${count}-` : type}${nsp == '/' ? '' : nsp + ','}${id ?? ''}${json}`;
  return count ? new MessageGroup([text, ...buffers]) : text;
}
