import { ProtocolError } from '../errors.js';
import type { Protocol, ProtocolCodec, ProtocolInput, ResumeCursor } from './protocol.js';
import { decodePacket, encodePacket, parseData, type SocketIoPacket } from './socketio-packet.js';

// The Socket.IO layer of one namespace, over the Engine.IO transport (transports/engineio-transport.ts),
// which owns the Engine.IO session (handshake, heartbeat, upgrade) and hands this codec its
// `message` packets, plus marked frames: `{event: 'open', data: handshake JSON, id: revision}`
// before the transport opens, `{event: 'ping'}` for each heartbeat, `{event: 'upgrade'}` (nothing
// for this layer: the Connection reads the transport's carrier). Engine.IO v4 carries
// Socket.IO v5 (CONNECT with `auth`, answered with `{sid, pid}`); v3 carries v4 (the server joins
// "/" by itself; other namespaces take `auth` as their query).

type Data = Record<string, unknown> | undefined;

const close = (code: string, message: string): ProtocolInput => ({ type: 'close', code, message, retry: false });
const bad = (message: string, frame: unknown) => new ProtocolError('bad-frame', `socket.io: ${message}`, { frame });
const none = () => ({});

function createSocketIoCodec(nsp: string, auth: Data, resume: ResumeCursor | undefined): ProtocolCodec {
  let v5 = true;
  let heartbeatMs: number | undefined;
  /** The recovery id the server gave (connection state recovery); offsets come with it. */
  let pid: string | undefined;
  let connected = false;
  /** Events before the CONNECT answer: a recovering server replays what was missed first. */
  const early: [SocketIoPacket, unknown][] = [];
  /** A binary packet waiting for its attachments. */
  let pending: SocketIoPacket | undefined;
  let buffers: ArrayBuffer[] = [];

  const handle = (packet: SocketIoPacket, data: unknown): ProtocolInput[] => {
    const { type, id } = packet;
    const args = Array.isArray(data) ? data : undefined;
    const object = data as Data;
    if (packet.nsp != nsp) return [];
    if (type == 0) {
      if (v5 && typeof object?.sid != 'string') return [close('connect_error', 'a socket.io 2 server: use eio: 3')];
      connected = true;
      pid = v5 && typeof object?.pid == 'string' ? object.pid : undefined;
      const ready: ProtocolInput = { type: 'ready', resumed: pid !== undefined && pid == resume?.session, session: pid, heartbeatMs };
      return [ready, ...early.splice(0).flatMap(([packet, data]) => handle(packet, data))];
    }
    if (type == 1) return [close('io server disconnect', `the server disconnected ${nsp}`)];
    if (type == 4) {
      const message = `${typeof data == 'string' ? data : object?.message}`;
      return [
        { type: 'error', error: new ProtocolError('server-error', `socket.io: connect_error on ${nsp}: ${message}`, { frame: data }) },
        close('connect_error', message),
      ];
    }
    if ((type == 2 || type == 5) && typeof args?.[0] == 'string') {
      if (!connected) {
        early.push([packet, data]);
        return [];
      }
      // With recovery on, the server appends its offset to every event that wants no ack.
      const offset = pid && id === undefined && args.length > 1 && typeof args.at(-1) == 'string' ? (args.pop() as string) : undefined;
      return [{ type: 'event', name: args.shift() as string, args, ackId: id, offset }];
    }
    if ((type == 3 || type == 6) && args && id !== undefined) return [{ type: 'ack', cid: id, args }];
    throw bad(`invalid packet of type ${type}`, data);
  };

  const decode = ({ data, event, id }: Parameters<ProtocolCodec['decode']>[0]): ProtocolInput[] => {
    if (event == 'open') {
      const handshake = JSON.parse(data as string) as Record<string, number>;
      v5 = id != '3';
      // Engine.IO's own liveness rule; a handshake without it leaves the client's default.
      heartbeatMs = handshake.pingInterval! + handshake.pingTimeout! || undefined;
      return [];
    }
    if (event == 'ping') return connected ? [{ type: 'ping' }] : [];
    if (event) return [];
    if (typeof data != 'string') {
      if (!pending) throw bad('attachment out of order', data);
      buffers.push(data as ArrayBuffer);
      const packet = pending;
      if (buffers.length < packet.attachments) return [];
      pending = undefined;
      return handle(packet, parseData(packet, buffers.splice(0)));
    }
    const packet = decodePacket(data);
    if (pending) {
      pending = undefined;
      buffers = [];
      throw bad('attachment out of order', data);
    }
    if (packet.attachments) {
      pending = packet;
      return [];
    }
    return handle(packet, parseData(packet));
  };

  const event = (args: readonly unknown[], id?: number) => encodePacket(2, nsp, args, id);
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
    decode(frame) {
      try {
        return decode(frame);
      } catch (error) {
        return [{ type: 'error', error: error instanceof ProtocolError ? error : bad(`${error}`, frame.data) }];
      }
    },
    encodeEvent: (name, args, cid, wantsAck) => event([name, ...args], wantsAck ? cid : undefined),
    encodeAckReply: (ackId, args) => encodePacket(3, nsp, args, ackId as number),
    encodeMessage: (data) => event(['message', data]),
  };
}

/**
 * The Socket.IO protocol for namespace `nsp`. `auth` is read once per attempt (the endpoint resolves
 * it before the attempt's codec is created). Only the Engine.IO transport can carry it.
 */
export function socketIoProtocol(nsp: string, auth: () => Data): Protocol {
  return { name: 'socket.io', create: ({ resume }) => createSocketIoCodec(nsp, auth(), resume) };
}
