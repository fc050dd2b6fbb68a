import { ProtocolError } from '../core/errors.js';
import type { OutboundFrame } from '../transports/transport.js';

// Engine.IO payload framing for HTTP long-polling (docs/engine.io-protocol in socketio/socket.io):
// v4 joins packets with a record separator and sends binary as `b<base64>`; v3 prefixes every packet
// with its length in UTF-16 units (`6:4hello`) and sends binary as `b4<base64>` (we ask v3 servers for
// base64 with `b64=1`, so their binary payload format never reaches us). Hand-written: engine.io-parser
// dropped v3 framing, and these few lines cost less than its v4 half.

/** An inbound Engine.IO packet: text is `<type><data>`; binary is the data of a `message` packet. */
export type EnginePacket = string | ArrayBuffer;

/**
 * Engine.IO messages that must travel together, in order: a Socket.IO packet and its binary
 * attachments. A codec encodes one application message as one `OutboundFrame`; the Engine.IO
 * transport unpacks this one into its messages.
 */
export class MessageGroup extends Uint8Array {
  // `declare`: assigned in the constructor, so no field initialiser is emitted.
  declare readonly messages: OutboundFrame[];
  constructor(messages: OutboundFrame[]) {
    super(0);
    this.messages = messages;
  }
}

/** Base64 of `bytes` (chunked: spreading a large array into one call overflows the stack). */
export function toBase64(bytes: Uint8Array): string {
  let text = '';
  for (let at = 0; at < bytes.length; at += 0x8000) text += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
  return btoa(text);
}

/** The bytes of base64 `text`; throws on invalid input. */
export const fromBase64 = (text: string): ArrayBuffer => Uint8Array.from(atob(text), (char) => char.charCodeAt(0)).buffer;

/** Splits a polling response body into packets. Throws a `ProtocolError` (`bad-frame`) for a malformed body. */
export function decodePayload(body: string, v3: boolean): EnginePacket[] {
  try {
    let packets = body.split('\x1e');
    if (v3) {
      packets = [];
      for (let at = 0, colon = 0, length = 0; at < body.length; at = colon + 1 + length) {
        colon = body.indexOf(':', at);
        length = +body.slice(at, colon);
        if (colon < 0 || !(length > 0) || colon + 1 + length > body.length) throw `bad length at ${at}`;
        packets.push(body.slice(colon + 1, colon + 1 + length));
      }
    }
    return packets.map((packet) => (packet[0] == 'b' ? fromBase64(packet.slice(v3 ? 2 : 1)) : packet));
  } catch (cause) {
    throw new ProtocolError('bad-frame', `engine.io: malformed payload (${cause})`, { frame: body, cause });
  }
}

/** Joins text packets (`<type><data>`) and binary `message` data into one polling request body. */
export const encodePayload = (packets: readonly (string | Uint8Array)[], v3: boolean): string =>
  packets
    .map((packet) => {
      const text = typeof packet == 'string' ? packet : (v3 ? 'b4' : 'b') + toBase64(packet);
      return v3 ? text.length + ':' + text : text;
    })
    .join(v3 ? '' : '\x1e');
