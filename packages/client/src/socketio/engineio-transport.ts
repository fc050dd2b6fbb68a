import { timerMs } from '../core/clock.js';
import { ConnectionError, ProtocolError, type UnisocketError } from '../core/errors.js';
import { sizeOf } from '../core/outbox.js';
import { decodePayload, encodePayload, MessageGroup, type EnginePacket } from './engineio-codec.js';
import { transportBase, type InboundFrame, type OutboundFrame, type Transport, type TransportCloseInfo, type TransportKind, type TransportOpenContext } from '../transports/transport.js';
import { withQuery } from '../transports/url.js';
import { createWebSocketTransport } from '../transports/websocket.js';

export interface EngineIoSettings {
  /** The revision to ask for; undefined: ask for 4 and take what the polling handshake answers. */
  eio: 3 | 4 | undefined;
  /** The carrier the session starts on. */
  start: 'polling' | 'websocket';
  /** Polling only: probe WebSocket and move the session there when the server offers it. */
  upgrade: boolean;
  credentials: RequestCredentials;
  /** The server's limit when its handshake does not state one (Infinity: unknown). */
  maxPayload: number;
}

type Packet = string | Uint8Array;

const ignore = (): void => undefined;

/** The Engine.IO packets of read messages: text as `message` packets, binary as its bytes. */
const packetsOf = (messages: readonly OutboundFrame[]): Packet[] =>
  messages.map((message) =>
    typeof message == 'string'
      ? '4' + message
      : ArrayBuffer.isView(message)
        ? new Uint8Array(message.buffer, message.byteOffset, message.byteLength)
        : new Uint8Array(message as ArrayBuffer),
  );

/**
 * An Engine.IO client session presented as one {@link Transport}: the handshake, the heartbeat (it
 * answers v4 server pings and sends v3 client pings: wire duties), long-polling or WebSocket, and
 * the polling→WebSocket upgrade (probe `2probe`/`3probe`, pause polling, `5`), all inside. Frames
 * up and down are Engine.IO `message` data; before `onopen` it delivers the handshake as
 * `{event: 'open', data: the handshake's JSON (sid, pingInterval, pingTimeout…), id: '3' | '4'}`,
 * every heartbeat as `{event: 'ping'}`, and once the session moved
 * to WebSocket (`carrier`), `{event: 'upgrade'}`. `close()` says goodbye (Engine.IO
 * `close`, after what was sent before it) so the server ends the session at once.
 */
export function createEngineIoTransport(context: TransportOpenContext, settings: EngineIoSettings): Transport {
  /** The revision: asked for, or (when undefined) learnt from the first polling answer. */
  let eio = settings.eio;
  let sid: string | undefined;
  /** Largest message (WebSocket) or request body (polling) the server takes, in bytes (Engine.IO v4 handshake). */
  let maxPayload = settings.maxPayload;
  /** Where the session's packets go: the polling requests, or a WebSocket once `kind` says so. */
  let carrier: Pick<Transport, 'send' | 'close'> | undefined;
  let kind: TransportKind = settings.start;
  let probe: Transport | undefined;
  let pinger: ReturnType<typeof setInterval> | undefined;
  let tail: Promise<unknown> = Promise.resolve();
  /** Steps queued on `tail` and not finished: sends, an upgrade. While there are any, new sends wait behind them. */
  let queued = 0;
  let opened = false;
  let closed = false;

  /** The URL of a carrier of this session (`sid` once the handshake named it). */
  const sessionUrl = (query: Record<string, string>) => withQuery(context.url, { EIO: `${eio ?? 4}`, ...query, ...(sid && { sid }) });
  const deliver = (frame: InboundFrame) => closed || transport.onmessage?.(frame);
  const mark = (event: 'ping' | 'upgrade') => deliver({ data: '', event });
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
    if (!farewell) return carrier?.close();
    // Open, so there is a carrier, and it stays the same: the upgrade does not complete once closed.
    const end = () => {
      clearTimeout(timer);
      carrier!.close();
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
  /** Puts `packets` on the carrier; Engine.IO v3 frames binary on a WebSocket with the packet type (4, message) as the first byte. */
  const put = (packets: Packet[]) =>
    carrier!.send(
      eio == 3 && kind == 'websocket'
        ? packets.map((packet) => {
            if (typeof packet == 'string') return packet;
            const framed = new Uint8Array(packet.length + 1);
            framed[0] = 4;
            framed.set(packet, 1);
            return framed;
          })
        : packets,
    );
  /**
   * Sends in order. On a WebSocket with nothing queued the packets go out now, inside this call (the
   * hot path: no Promise hops); otherwise (polling, an upgrade in progress, sends ahead of these)
   * after the queue.
   */
  const write = (packets: Packet[]): Promise<void> => (!queued && carrier && kind == 'websocket' ? put(packets) : enqueue(async () => put(packets)));
  /** Sends an Engine.IO control packet (a ping, a pong) when it can: a failed send ends the carrier, and the transport with it. */
  const signal = (packet: string) => void write([packet]).catch(ignore);

  const receive = (packet: EnginePacket) => {
    if (closed) return;
    if (typeof packet != 'string') return deliver({ data: packet });
    const type = packet[0];
    if (!opened) return type == '0' ? handshake(packet.slice(1)) : alien(packet);
    if (type == '4') deliver({ data: packet.slice(1) });
    else if (type == '2' || type == '3') {
      // A v4 server ping (answered at once), or the pong to our v3 ping: the link is alive.
      if (type == '2') signal('3');
      mark('ping');
    } else if (type == '1') finish({ reason: 'ended', message: 'the server closed the Engine.IO session' });
    else if (type != '6') transport.onerror?.(new ProtocolError('bad-frame', `engine.io: unknown packet type ${type}`, { frame: packet }));
  };

  const handshake = (json: string) => {
    let open: { sid?: unknown; upgrades?: string[]; pingInterval?: number; pingTimeout?: number; maxPayload?: number } | undefined;
    try {
      open = JSON.parse(json);
    } catch {
      // reported below
    }
    if (typeof open?.sid != 'string' || !(open.pingInterval! > 0)) return alien(json);
    sid = open.sid;
    maxPayload = open.maxPayload ?? maxPayload;
    eio ??= 4;
    opened = true;
    deliver({ data: json, event: 'open', id: `${eio}` });
    transport.onopen?.();
    if (closed) return;
    if (eio == 3) pinger = setInterval(signal, timerMs(open.pingInterval!), '2');
    if (settings.upgrade && open.upgrades?.includes('websocket')) upgrade();
  };

  const webSocket = (): Transport =>
    createWebSocketTransport({
      ...context,
      url: sessionUrl({ transport: 'websocket' }),
    });

  /** Makes `socket` the carrier: its messages are the session's, its end is the transport's. */
  const useWebSocket = (socket: Transport) => {
    socket.onmessage = ({ data }) => receive(typeof data != 'string' && eio == 3 ? (data as ArrayBuffer).slice(1) : (data as EnginePacket));
    socket.onclose = finish;
    kind = 'websocket';
    return (carrier = socket);
  };

  /** Probes WebSocket beside polling; on `3probe` polling pauses and the session moves over. */
  const upgrade = () => {
    const socket = (probe = webSocket());
    socket.onopen = () => void socket.send(['2probe']).catch(ignore);
    socket.onclose = () => (probe = undefined); // refused or lost: polling goes on
    socket.onmessage = ({ data }) => {
      socket.onmessage = null;
      if (data != '3probe') return socket.close();
      // Sends made meanwhile queue behind this step, so they go out over the WebSocket after `5`.
      enqueue(async () => {
        // Polling stops once the GET in flight has answered; nothing else is in flight (this step waited for the sends).
        await new Promise<void>((resolve) => (paused = resolve));
        if (closed) return;
        if (probe != socket) return finish({ reason: 'network', message: 'the WebSocket closed during the upgrade' });
        probe = undefined;
        useWebSocket(socket);
        await put(['5']);
        mark('upgrade');
      }).catch(ignore); // a failed send closes the socket, and the transport with it
    };
    socket.open();
  };

  // Long-polling (`b64=1`: v3 servers answer binary as base64 text, as v4 always does): one GET at a
  // time for what comes down, one POST at a time (the queue) for what goes up. Once the session
  // exists a 400 means the server forgot it (restart, ping timeout): a `network` end, retried;
  // before, an HTTP error is the server's answer to the handshake (`http-status`).
  const abort = new AbortController();
  /** Set by the upgrade: polling stops once the GET in flight has answered, and calls it. */
  let paused: (() => void) | undefined;

  const request = async (body?: string): Promise<string> => {
    const response = await (context.platform.fetch ?? fetch)(sessionUrl({ transport: 'polling', b64: '1' }), {
      method: body == null ? 'GET' : 'POST',
      // A text body goes as `text/plain;charset=UTF-8` unless the headers say otherwise (Fetch's rule).
      body,
      headers: context.headers,
      credentials: settings.credentials,
      cache: 'no-store',
      signal: abort.signal,
    });
    if (!response.ok) {
      response.body?.cancel().catch(ignore);
      throw response.status;
    }
    return response.text();
  };
  /** What failed a request: its HTTP status, if it got that far, and a description. */
  const failure = (cause: unknown): [number | undefined, string] => (typeof cause == 'number' ? [cause, `HTTP ${cause}`] : [undefined, `${cause}`]);

  const poll = async () => {
    while (!closed) {
      let body: string;
      try {
        body = await request();
      } catch (cause) {
        if (closed) return;
        const [status, detail] = failure(cause);
        return finish({
          reason: status && !(status == 400 && opened) ? 'http-status' : opened ? 'network' : 'refused',
          status,
          message: `polling failed: ${detail}`,
          error: cause,
        });
      }
      if (closed) return;
      eio ??= /^\d+:/.test(body) ? 3 : 4;
      let packets: EnginePacket[] = [];
      try {
        packets = decodePayload(body, eio == 3);
      } catch (error) {
        transport.onerror?.(error as UnisocketError);
      }
      packets.forEach(receive);
      if (paused) return paused();
    }
  };

  const post = async (packets: Packet[]) => {
    try {
      await request(encodePayload(packets, eio == 3));
    } catch (cause) {
      const [status, detail] = failure(cause);
      throw new ConnectionError(status ? 'send-failed' : 'network', `POST failed: ${detail}`, {
        url: context.url,
        transport: 'polling',
        status,
        cause,
      });
    }
  };

  /** POSTs `packets`, split to stay under `maxPayload` (a batch over it would be refused, again and again). */
  const sendPolling = async (packets: readonly Packet[]) => {
    let chunk: Packet[] = [];
    let bytes = 0;
    for (const packet of packets) {
      // UTF-8 bytes and a separator; base64 and its prefix.
      const size = typeof packet == 'string' ? new Blob([packet]).size + 1 : packet.length * 1.34 + 2;
      if (chunk.length && bytes + size > maxPayload) {
        await post(chunk);
        chunk = [];
        bytes = 0;
      }
      chunk.push(packet);
      bytes += size;
    }
    if (chunk.length) await post(chunk);
  };

  /**
   * Whether one Engine.IO message fits the server's limit on the carrier in use: binary as is, or in
   * base64 over polling; text in UTF-8, counted only when its length × 3 (a bound of that) is too
   * much; 12 bytes for the packet type and the payload framing (a v3 length prefix).
   */
  const fitsOne = (message: OutboundFrame) => {
    const bytes =
      typeof message != 'string' ? sizeOf(message) * (kind == 'websocket' ? 1 : 4 / 3) : message.length * 3 + 12 > maxPayload ? new Blob([message]).size : 0;
    return bytes + 12 <= maxPayload;
  };

  const transport: Transport = {
    ...transportBase(settings.start, context.url),
    get carrier() {
      return kind;
    },
    open() {
      if (carrier || closed) return;
      if (kind == 'websocket') useWebSocket(webSocket()).open();
      else {
        carrier = { send: sendPolling, close: () => abort.abort() };
        void poll();
      }
    },
    send(frames) {
      // A group's messages go one after the other; Blobs are read into bytes first (later sends wait behind them).
      // A loop, not `flatMap`: this runs for every emit, and V8's flatMap costs several times more.
      const messages: OutboundFrame[] = [];
      for (const frame of frames) {
        if (frame instanceof MessageGroup) messages.push(...frame.messages);
        else messages.push(frame);
      }
      return messages.some((message) => message instanceof Blob)
        ? enqueue(async () => put(packetsOf(await Promise.all(messages.map((message) => (message instanceof Blob ? message.arrayBuffer() : message))))))
        : write(packetsOf(messages));
    },
    close: () => shut(opened),
    fits: (frame) => (frame instanceof MessageGroup ? frame.messages.every(fitsOne) : fitsOne(frame)),
  };
  return transport;
}
