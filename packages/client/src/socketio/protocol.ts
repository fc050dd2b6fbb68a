import { ProtocolError } from '../core/errors.js';
import type { Protocol, ProtocolInput } from '../protocols/protocol.js';
import { bad, decodePacket, encodePacket, parseData, type SocketIoPacket } from './packet.js';

// The Socket.IO layer of one namespace, over the Engine.IO transport (engineio-transport.ts), which
// owns the Engine.IO session (handshake, heartbeat, upgrade) and hands this codec its `message`
// packets, plus marked frames: `{event: 'open', data: the handshake JSON, id: revision}` before the
// transport opens, `{event: 'ping'}` for each heartbeat, `{event: 'upgrade'}` (nothing for this
// layer: the Connection reads the transport's carrier). Engine.IO v4 carries Socket.IO v5 (CONNECT
// with `auth`, answered with `{sid, pid}`); v3 carries v4 (the server joins "/" by itself; other
// namespaces take `auth` as their query, "/" only from the Engine.IO handshake's query).

type Data = Record<string, unknown> | undefined;

/** The server refused or ended the namespace: final for every endpoint, no other carrier can change that. */
const refuse = (code: string, message: string): ProtocolInput => ({ type: 'close', code, message, retry: false, final: true });
const none = () => ({});

/** A day, in ms: how far from the client's clock the time in an offset may be. */
const DAY = 864e5;

/**
 * Whether `text`, the last argument of an event, is the offset a recovering server appended: the
 * shapes the adapters write (in-memory: a yeast id, `<time in base 64>[.<n>]`, digits 0-9A-Za-z-_;
 * Redis streams: `<ms>-<n>`; MongoDB: an ObjectId, seconds in its first 8 hex digits) with a time
 * within a day of the client's clock. Volatile events carry none, and their last argument must stay theirs.
 */
export function isOffset(text: string): boolean {
  const [, yeast, millis, seconds] = /^(?:([\w-]{7})(?:\.[\w-]+)?|(\d{13})-\d+|([\da-f]{8})[\da-f]{16})$/.exec(text) ?? [];
  let time = seconds ? parseInt(seconds, 16) * 1000 : +millis!;
  if (yeast) {
    time = 0;
    for (const char of yeast) {
      const code = char.charCodeAt(0);
      time = time * 64 + code - (code > 96 ? 61 : code > 94 ? 32 : code > 64 ? 55 : code > 47 ? 48 : -17);
    }
  }
  return Math.abs(time - Date.now()) < DAY;
}

/**
 * The Socket.IO protocol for namespace `nsp`. `auth` is read once per attempt (the endpoint resolves
 * it before the attempt's codec is created); `authInQuery`: the endpoint put it in the Engine.IO
 * query too (Engine.IO v3, namespace "/"). Only the Engine.IO transport can carry it.
 */
export function socketIoProtocol(nsp: string, readAuth: () => Data, authInQuery = false): Protocol {
  return {
    name: 'socket.io',
    create({ resume }) {
      const auth = readAuth();
      let v5 = true;
      let heartbeatMs: number | undefined;
      /** The Engine.IO session id: Socket.IO v4 names its sockets after it. */
      let engineId = '';
      /** The namespace socket id, once connected. */
      let id: string | undefined;
      /** The recovery id the server gave (connection state recovery); offsets come with it. */
      let pid: string | undefined;
      /** Events before the CONNECT answer, to handle after it: a recovering server replays what was missed first. */
      const early: (() => ProtocolInput[])[] = [];
      /** A binary packet waiting for its attachments. */
      let pending: SocketIoPacket | undefined;
      let buffers: ArrayBuffer[] = [];

      const handle = (packet: SocketIoPacket, data: unknown): ProtocolInput[] => {
        const { type } = packet;
        const args = Array.isArray(data) ? data : undefined;
        if (packet.nsp != nsp) return [];
        if (type == 0) {
          const answer = data as Data;
          if (v5 && typeof answer?.sid != 'string') return [refuse('connect_error', 'a socket.io 2 server: use eio: 3')];
          id = v5 ? (answer!.sid as string) : nsp == '/' ? engineId : `${nsp}#${engineId}`;
          pid = v5 && typeof answer?.pid == 'string' ? answer.pid : undefined;
          // Without recovery the socket id names the session: a reconnect then never resumes, and reports a gap.
          const ready: ProtocolInput = { type: 'ready', resumed: pid !== undefined && pid == resume?.session, session: pid ?? id, heartbeatMs };
          return [ready, ...early.splice(0).flatMap((replay) => replay())];
        }
        if (type == 1) return [refuse('io server disconnect', `the server disconnected ${nsp}`)];
        if (type == 4) {
          // v4 (socket.io 2) sends the error's `data` when it has one, else its message; v5 `{message, data}`.
          const message = typeof data == 'string' ? data : ((data as Data)?.message ?? JSON.stringify(data));
          return [
            { type: 'error', error: new ProtocolError('server-error', `socket.io: connect_error on ${nsp}: ${message}`, { frame: data }) },
            refuse('connect_error', `${message}`),
          ];
        }
        // EVENT and BINARY_EVENT (2, 5), ACK and BINARY_ACK (3, 6).
        if (type % 3 == 2 && typeof args?.[0] == 'string') {
          if (!id) {
            early.push(() => handle(packet, data));
            return [];
          }
          // With recovery on, the server appends its offset to every event that wants no ack and is not volatile.
          const last = args.at(-1);
          const offset = pid && packet.id === undefined && args.length > 1 && typeof last == 'string' && isOffset(last) ? (args.pop() as string) : undefined;
          return [{ type: 'event', name: args.shift() as string, args, ackId: packet.id, offset }];
        }
        if (type % 3 == 0 && args && packet.id !== undefined) return [{ type: 'ack', cid: packet.id, args }];
        throw bad(`invalid packet of type ${type}`, data);
      };

      const offset = resume?.lastSeq;
      return {
        confirmOn: 'first-frame',
        supportsAcks: true,
        acksOnly: true,
        get id() {
          return id;
        },
        connectParams: none,
        upstreamParams: none,
        onOpen: () =>
          v5
            ? // Recovery needs an offset: without one (no recovery, or nothing received yet) the server starts over anyway.
              [encodePacket(0, nsp, typeof offset == 'string' ? { pid: resume!.session, offset, ...auth } : auth)]
            : nsp == '/'
              ? []
              : [`0${nsp}${auth ? '?' + new URLSearchParams(auth as Record<string, string>) : ''},`],
        // The server then ends the socket with `client namespace disconnect`: no recoverable session is kept.
        onClose: () => (id ? [encodePacket(1, nsp)] : []),
        decode({ data, event, id: revision }) {
          if (event) {
            if (event == 'open') {
              v5 = revision != '3';
              const handshake = JSON.parse(data as string);
              engineId = handshake.sid;
              // pingInterval + pingTimeout; without a pingTimeout the client's default stays.
              heartbeatMs = handshake.pingInterval + handshake.pingTimeout || undefined;
              // "/" on a v3 server is joined by the handshake itself: its auth had to be in that request.
              if (!v5 && nsp == '/' && auth && !authInQuery) return [refuse('connect_error', 'auth of "/" on socket.io 2 needs eio: 3')];
            }
            return event == 'ping' && id ? [{ type: 'ping' }] : [];
          }
          // Everything that can fail below throws a ProtocolError: the codec reports it and goes on.
          try {
            const attachment = typeof data != 'string';
            if (attachment != !!pending) {
              pending = undefined;
              buffers = [];
              throw bad('attachment out of order', data);
            }
            const packet = pending ?? decodePacket(data as string);
            if (attachment) buffers.push(data as ArrayBuffer);
            if (buffers.length < packet.attachments) {
              pending = packet;
              return [];
            }
            pending = undefined;
            return handle(packet, parseData(packet, buffers.splice(0)));
          } catch (error) {
            return [{ type: 'error', error: error as ProtocolError }];
          }
        },
        encodeEvent: (name, args, cid, wantsAck) => encodePacket(2, nsp, [name, ...args], wantsAck ? cid : undefined),
        encodeAckReply: (ackId, args) => encodePacket(3, nsp, args, ackId as number),
        encodeMessage: (data) => encodePacket(2, nsp, ['message', data]),
      };
    },
  };
}
