import { ProtocolError } from '../core/errors.js';
import type { Protocol, ProtocolInput } from '../protocols/protocol.js';
import { bad, decodePacket, encodePacket, parseData, type SocketIoPacket } from './packet.js';

// The Socket.IO layer of one namespace, over the Engine.IO transport (transports/engineio-transport.ts),
// which owns the Engine.IO session (handshake, heartbeat, upgrade) and hands this codec its
// `message` packets, plus marked frames: `{event: 'open', data: pingInterval + pingTimeout, id:
// revision}` before the transport opens, `{event: 'ping'}` for each heartbeat, `{event: 'upgrade'}`
// (nothing for this layer: the Connection reads the transport's carrier). Engine.IO v4 carries
// Socket.IO v5 (CONNECT with `auth`, answered with `{sid, pid}`); v3 carries v4 (the server joins
// "/" by itself; other namespaces take `auth` as their query).

type Data = Record<string, unknown> | undefined;

const close = (code: string, message: string): ProtocolInput => ({ type: 'close', code, message, retry: false });
const none = () => ({});

/**
 * The Socket.IO protocol for namespace `nsp`. `auth` is read once per attempt (the endpoint resolves
 * it before the attempt's codec is created). Only the Engine.IO transport can carry it.
 */
export function socketIoProtocol(nsp: string, readAuth: () => Data): Protocol {
  return {
    name: 'socket.io',
    create({ resume }) {
      const auth = readAuth();
      let v5 = true;
      let heartbeatMs: number | undefined;
      /** The recovery id the server gave (connection state recovery); offsets come with it. */
      let pid: string | undefined;
      let connected = false;
      /** Events before the CONNECT answer, to handle after it: a recovering server replays what was missed first. */
      const early: (() => ProtocolInput[])[] = [];
      /** A binary packet waiting for its attachments. */
      let pending: SocketIoPacket | undefined;
      let buffers: ArrayBuffer[] = [];

      const handle = (packet: SocketIoPacket, data: unknown): ProtocolInput[] => {
        const { type, id } = packet;
        const args = Array.isArray(data) ? data : undefined;
        if (packet.nsp != nsp) return [];
        if (type == 0) {
          const answer = data as Data;
          if (v5 && typeof answer?.sid != 'string') return [close('connect_error', 'a socket.io 2 server: use eio: 3')];
          connected = true;
          pid = v5 && typeof answer?.pid == 'string' ? answer.pid : undefined;
          const ready: ProtocolInput = { type: 'ready', resumed: pid !== undefined && pid == resume?.session, session: pid, heartbeatMs };
          return [ready, ...early.splice(0).flatMap((replay) => replay())];
        }
        if (type == 1) return [close('io server disconnect', `the server disconnected ${nsp}`)];
        if (type == 4) {
          const message = `${typeof data == 'string' ? data : (data as Data)?.message}`;
          return [
            { type: 'error', error: new ProtocolError('server-error', `socket.io: connect_error on ${nsp}: ${message}`, { frame: data }) },
            close('connect_error', message),
          ];
        }
        // EVENT and BINARY_EVENT (2, 5), ACK and BINARY_ACK (3, 6).
        if (type % 3 == 2 && typeof args?.[0] == 'string') {
          if (!connected) {
            early.push(() => handle(packet, data));
            return [];
          }
          // With recovery on, the server appends its offset to every event that wants no ack.
          const offset = pid && id === undefined && args.length > 1 && typeof args.at(-1) == 'string' ? (args.pop() as string) : undefined;
          return [{ type: 'event', name: args.shift() as string, args, ackId: id, offset }];
        }
        if (type % 3 == 0 && args && id !== undefined) return [{ type: 'ack', cid: id, args }];
        throw bad(`invalid packet of type ${type}`, data);
      };

      const offset = resume?.lastSeq;
      return {
        confirmOn: 'first-frame',
        supportsAcks: true,
        acksOnly: true,
        connectParams: none,
        upstreamParams: none,
        onOpen: () =>
          v5
            ? [encodePacket(0, nsp, resume?.session ? { pid: resume.session, offset: typeof offset == 'string' ? offset : undefined, ...auth } : auth)]
            : nsp == '/'
              ? []
              : [`0${nsp}${auth ? '?' + new URLSearchParams(auth as Record<string, string>) : ''},`],
        // The server then ends the socket with `client namespace disconnect`: no recoverable session is kept.
        onClose: () => (connected ? [encodePacket(1, nsp)] : []),
        decode({ data, event, id }) {
          if (event) {
            if (event == 'open') {
              v5 = id != '3';
              // The transport's pingInterval + pingTimeout; without it the client's default stays.
              heartbeatMs = +(data as string) || undefined;
            }
            return event == 'ping' && connected ? [{ type: 'ping' }] : [];
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
