import { ProtocolError } from '../core/errors.js';
import type { Protocol, ProtocolInput } from './protocol.js';

// The unisocket envelope protocol, version 1 (packages/server/PROTOCOL.md): one JSON object
// per frame, typed by `t`. Written for size: it is in the default bundle.

const number = (value: unknown): number | undefined => (typeof value == 'number' ? value : undefined);
const array = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const stringify = JSON.stringify;

/** A ProtocolError input: a bad frame, or the server's `error` frame. */
function bad(code: 'bad-json' | 'bad-frame' | 'server-error', message: string, frame: unknown): ProtocolInput[] {
  return [{ type: 'error', error: new ProtocolError(code, `envelope: ${message}`, { frame }) }];
}

/**
 * unisocket's own protocol (PROTOCOL.md): named events with JSON arguments, acks both ways, sequence
 * ids with resume, and a server heartbeat, the same over WebSocket and SSE + POST. The transport
 * counts as up on the server's `welcome`.
 */
export const envelope: Protocol = {
  name: 'envelope',
  create({ kind, resume }) {
    const onSocket = kind == 'websocket';
    // The resume token of `welcome` (the cursor's `session`: a secret, never the public session id);
    // until then the one we ask to resume with.
    let token = resume?.session;
    let welcomed = false;
    const resumeSeq = Number(resume?.lastSeq);
    const lastSeq = token != null && resumeSeq >= 0 ? resumeSeq : undefined;
    return {
      confirmOn: 'first-frame',
      supportsAcks: true,
      // `retry: 1000` on /rt is for native EventSources (PROTOCOL.md): it must not slow every reconnect.
      ignoresSseRetry: true,
      connectParams: () => (onSocket ? {} : { v: '1', ...(token != null && { sessionToken: token }), ...(lastSeq != null && { lastSeq: `${lastSeq}` }) }),
      upstreamParams: (): Record<string, string> => (welcomed ? { sessionToken: token! } : {}),
      onOpen: () => (onSocket ? [stringify({ t: 'hello', v: 1, token, lastSeq })] : []),
      // close(): the server ends the session now (leaving its rooms) instead of keeping it for a resume.
      onClose: () => (welcomed ? ['{"t":"bye"}'] : []),
      decode({ data }) {
        let f: Record<string, unknown>;
        try {
          // Binary data parses as "[object ...]": not JSON. `null` becomes {}: a frame without type.
          f = JSON.parse(data as string) ?? {};
        } catch {
          return bad('bad-json', 'frame is not JSON', data);
        }
        switch (f.t) {
          case 'welcome':
            if (typeof f.token != 'string' || typeof f.resumed != 'boolean') break;
            token = f.token;
            welcomed = true;
            return [{ type: 'ready', resumed: f.resumed, session: token, heartbeatMs: number(f.hb), confirmedCid: number(f.rcid) }];
          case 'event':
            if (typeof f.name != 'string') break;
            return [{ type: 'event', name: f.name, args: array(f.args), seq: number(f.seq), ackId: number(f.ack) }];
          case 'ack':
            if (typeof f.cid != 'number') break;
            return [{ type: 'ack', cid: f.cid, args: array(f.args), error: f.error as { code: string; message: string } | undefined, seq: number(f.seq) }];
          case 'ping':
            return [{ type: 'ping', confirmedCid: number(f.rcid) }];
          case 'error':
            return bad('server-error', `server error ${f.code}: ${f.message}`, f);
          case 'bye':
            return [{ type: 'close', code: `${f.code}`, message: `${f.message}`, retry: f.retry !== false }];
        }
        return bad('bad-frame', 'unknown type or missing field', data);
      },
      encodeEvent: (name, args, cid, wantsAck) => stringify({ t: 'event', cid, name, args, ack: wantsAck || undefined }),
      encodeAckReply: (ackId, args) => stringify({ t: 'ack', ack: ackId, args }),
      // The envelope has no untyped messages: this is a `message` event without `cid` (the codec does
      // not own outbox ids). The Connection sends `send(data)` through encodeEvent, as for any acking protocol.
      encodeMessage: (data) => stringify({ t: 'event', name: 'message', args: [data] }),
      // SSE upstream: one POST carries a JSON array of frames (PROTOCOL.md, SSE + POST carrier). Over
      // WebSocket every frame is its own message, so there is no batch there.
      batch: onSocket ? undefined : (frames) => `[${frames.join()}]`,
    };
  },
};

/** The {@link envelope} protocol, as a function for symmetry with `raw()`. */
export const envelopeProtocol = (): Protocol => envelope;
