import { ProtocolError } from '../errors.js';
import { MessageGroup, type EnginePacket } from '../protocol/engineio.js';
import { createPolling, type EngineIoSession } from './polling.js';
import type { InboundFrame, OutboundFrame, Transport, TransportCloseInfo, TransportKind, TransportOpenContext } from './transport.js';
import { withQuery } from './url.js';
import { createWebSocketTransport } from './websocket.js';

export interface EngineIoSettings {
  /** The revision to ask for; undefined: ask for 4 and take what the polling handshake answers. */
  eio: 3 | 4 | undefined;
  /** The carrier the session starts on. */
  start: 'polling' | 'websocket';
  /** Polling only: probe WebSocket and move the session there when the server offers it. */
  upgrade: boolean;
  credentials: RequestCredentials;
}

type Packet = string | Uint8Array;

/** Where the session's packets go: the polling requests or a WebSocket. */
interface Carrier {
  send(packets: readonly Packet[]): Promise<void>;
  close(): void;
  /** `send` puts the packets on the wire before it returns (a WebSocket): later ones cannot overtake them. */
  readonly immediate?: boolean;
}

const ignore = (): void => undefined;

/** The Engine.IO packets of `frames` (text as `message` packets, groups unpacked); undefined when a Blob must be read first. */
function packetsOf(frames: readonly OutboundFrame[]): Packet[] | undefined {
  const packets: Packet[] = [];
  for (const frame of frames)
    for (const message of frame instanceof MessageGroup ? frame.messages : [frame]) {
      if (typeof message == 'string') packets.push('4' + message);
      else if (ArrayBuffer.isView(message)) packets.push(new Uint8Array(message.buffer, message.byteOffset, message.byteLength));
      else if (message instanceof ArrayBuffer) packets.push(new Uint8Array(message));
      else return undefined;
    }
  return packets;
}

/** `frame` with its Blobs (itself, or attachments of a group) read into ArrayBuffers. */
const read = async (frame: OutboundFrame): Promise<OutboundFrame> =>
  frame instanceof MessageGroup ? new MessageGroup(await Promise.all(frame.messages.map(read))) : frame instanceof Blob ? frame.arrayBuffer() : frame;

/**
 * An Engine.IO client session presented as one {@link Transport}: the handshake, the heartbeat (it
 * answers v4 server pings and sends v3 client pings: wire duties), long-polling or WebSocket, and
 * the polling→WebSocket upgrade (probe `2probe`/`3probe`, pause polling, `5`), all inside. Frames
 * up and down are Engine.IO `message` data; before `onopen` it delivers the handshake as
 * `{event: 'open', data: JSON, id: '3' | '4'}`, every heartbeat as `{event: 'ping'}`, and once the
 * session moved to WebSocket (`carrier`), `{event: 'upgrade'}`. `close()` says goodbye (Engine.IO
 * `close`, after what was sent before it) so the server ends the session at once.
 */
export function createEngineIoTransport(context: TransportOpenContext, settings: EngineIoSettings): Transport {
  const session: EngineIoSession = { eio: settings.eio };
  let carrier: Carrier | undefined;
  let kind: TransportKind = settings.start;
  let probe: Transport | undefined;
  let pinger: ReturnType<typeof setInterval> | undefined;
  let tail: Promise<unknown> = Promise.resolve();
  /** Steps queued on `tail` and not finished: sends, an upgrade. While there are any, new sends wait behind them. */
  let queued = 0;
  let opened = false;
  let closed = false;

  const deliver = (frame: InboundFrame) => closed || transport.onmessage?.(frame);
  const alien = (text: string) => finish({ reason: 'content-type', message: `not an Engine.IO server: ${text.slice(0, 80)}` });
  const finish = (info: Omit<TransportCloseInfo, 'wasOpen'>) => {
    if (closed) return;
    shut(false);
    transport.onclose?.({ ...info, wasOpen: opened });
  };
  /**
   * Stops everything. With `farewell`, what was sent goes out first, then Engine.IO's `close`, so the
   * server ends the session now rather than at its ping timeout (best effort, a second at most).
   */
  const shut = (farewell: boolean) => {
    if (closed) return;
    closed = true;
    clearInterval(pinger);
    probe?.close();
    const last = carrier;
    if (!farewell || !last) return last?.close();
    const end = () => {
      clearTimeout(timer);
      last.close();
    };
    const timer = setTimeout(end, 1000);
    write(['1']).then(end, end);
  };
  const dequeue = () => void queued--;
  /** Runs `step` after every step queued before it. */
  const enqueue = <T>(step: () => Promise<T>): Promise<T> => {
    queued++;
    const done = tail.then(step);
    tail = done.then(dequeue, dequeue);
    return done;
  };
  /**
   * Sends in order. On a WebSocket with nothing queued the packets go out now, inside this call (the
   * hot path: no Promise hops); otherwise (polling, an upgrade in progress, sends ahead of these, Blobs
   * still to be read) after the queue.
   */
  const write = (packets: Packet[] | (() => Promise<Packet[]>)): Promise<void> => {
    if (!queued && carrier?.immediate && typeof packets != 'function') return carrier.send(packets);
    return enqueue(async () => carrier!.send(typeof packets == 'function' ? await packets() : packets));
  };

  const receive = (packet: EnginePacket) => {
    if (closed) return;
    if (typeof packet != 'string') return deliver({ data: packet });
    const type = packet[0];
    if (!opened) {
      return type == '0' ? handshake(packet.slice(1)) : alien(packet);
    }
    if (type == '4') deliver({ data: packet.slice(1) });
    else if (type == '2' || type == '3') {
      // A v4 server ping (answered at once), or the pong to our v3 ping: the link is alive.
      if (type == '2') write(['3']).catch(ignore);
      deliver({ data: '', event: 'ping' });
    } else if (type == '1') finish({ reason: 'ended', message: 'the server closed the Engine.IO session' });
    else if (type != '6') transport.onerror?.(new ProtocolError('bad-frame', `engine.io: unknown packet ${packet.slice(0, 40)}`, { frame: packet }));
  };

  const handshake = (json: string) => {
    let open: { sid?: unknown; upgrades?: string[]; pingInterval?: number; maxPayload?: number } | undefined;
    try {
      open = JSON.parse(json);
    } catch {
      // reported below
    }
    if (typeof open?.sid != 'string' || !(open.pingInterval! > 0)) return alien(json);
    session.sid = open.sid;
    session.maxPayload = open.maxPayload;
    session.eio ??= 4;
    opened = true;
    deliver({ data: json, event: 'open', id: `${session.eio}` });
    transport.onopen?.();
    if (closed) return;
    if (session.eio == 3) pinger = setInterval(() => write(['2']).catch(ignore), open.pingInterval);
    if (settings.upgrade && open.upgrades?.includes('websocket')) upgrade();
  };

  const webSocket = (): Transport =>
    createWebSocketTransport({
      ...context,
      url: withQuery(context.url, { EIO: `${session.eio ?? 4}`, transport: 'websocket', ...(session.sid && { sid: session.sid }) }),
    });

  /** Makes `socket` the carrier: its messages are the session's, its end is the transport's. */
  const useWebSocket = (socket: Transport): Carrier => {
    // Engine.IO v3 frames binary with the packet type (4, message) as the first byte.
    socket.onmessage = ({ data }) => receive(typeof data != 'string' && session.eio == 3 ? (data as ArrayBuffer).slice(1) : (data as EnginePacket));
    socket.onclose = finish;
    kind = 'websocket';
    return (carrier = {
      immediate: true,
      send: (packets) =>
        socket.send(
          session.eio != 3
            ? packets
            : packets.map((packet) => {
                if (typeof packet == 'string') return packet;
                const framed = new Uint8Array(packet.length + 1);
                framed[0] = 4;
                framed.set(packet, 1);
                return framed;
              }),
        ),
      close: () => socket.close(),
    });
  };

  /** Probes WebSocket beside polling; on `3probe` polling pauses and the session moves over. */
  const upgrade = () => {
    const socket = (probe = webSocket());
    socket.onopen = () => void socket.send(['2probe']).catch(ignore);
    socket.onclose = () => (probe = undefined); // refused or lost: polling goes on
    socket.onmessage = ({ data }) => {
      socket.onmessage = null;
      if (data != '3probe') return socket.close();
      const polling = carrier as Carrier & { pause(): Promise<void> };
      // Sends made meanwhile queue behind this step, so they go out over the WebSocket after `5`.
      enqueue(async () => {
        await polling.pause();
        if (closed) return;
        if (probe != socket) return finish({ reason: 'network', message: 'the WebSocket closed during the upgrade' });
        probe = undefined;
        polling.close();
        await useWebSocket(socket).send(['5']);
        deliver({ data: '', event: 'upgrade' });
      }).catch(ignore); // a failed send closes the socket, and the transport with it
    };
    socket.open();
  };

  const transport: Transport = {
    kind: settings.start,
    get carrier() {
      return kind;
    },
    url: context.url,
    onopen: null,
    onmessage: null,
    onerror: null,
    onclose: null,
    open() {
      if (carrier || closed) return;
      if (settings.start == 'websocket') {
        const socket = webSocket();
        useWebSocket(socket);
        socket.open();
      } else {
        carrier = createPolling(context, session, settings.credentials, {
          packet: receive,
          end: finish,
          error: (error) => transport.onerror?.(error),
        });
      }
    },
    send: (frames) => write(packetsOf(frames) ?? (async () => packetsOf(await Promise.all(frames.map(read)))!)),
    close: () => shut(opened),
  };
  return transport;
}
