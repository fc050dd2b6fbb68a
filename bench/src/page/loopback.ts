// An in-page Socket.IO server behind a WebSocket-shaped object: what the "client cost" comparison
// runs both Socket.IO clients against, so the time measured is the clients' own work (encode, send,
// decode, match the ack) with no network, no server process and no timer resolution in the way.
// Frames are delivered from a microtask, as a real socket delivers them from a task: both clients
// see the same asynchrony.

/** The URL both loopback peers are given (it never reaches the network). */
export const LOOPBACK_URL = 'http://loopback.invalid';

const OPEN_PACKET = `0${JSON.stringify({ sid: 'loopback', upgrades: [], pingInterval: 25_000, pingTimeout: 20_000, maxPayload: 1_000_000 })}`;
/** An acked event `42<id>[name, ...args]`; the server acks `echo` with its first argument. */
const ACKED_EVENT = /^42(\d+)(\[.*)$/s;

/** The fields of the events it dispatches that the clients read: `data` of a message, the close's code. */
interface LoopbackEvent {
  data?: string;
  code?: number;
  reason?: string;
  wasClean?: boolean;
}
type Listener = (event: LoopbackEvent) => void;

/** Speaks Engine.IO v4 + Socket.IO v5 as the harness does for `echo`: CONNECT, acked `echo`, ping. */
export class LoopbackWebSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  readyState = LoopbackWebSocket.CONNECTING;
  binaryType = 'arraybuffer';
  readonly protocol = '';
  readonly extensions = '';
  readonly bufferedAmount = 0;
  onopen: Listener | null = null;
  onmessage: Listener | null = null;
  onclose: Listener | null = null;
  onerror: Listener | null = null;
  private readonly listeners = new Map<string, Listener[]>();

  constructor(readonly url: string) {
    setTimeout(() => {
      if (this.readyState !== LoopbackWebSocket.CONNECTING) return;
      this.readyState = LoopbackWebSocket.OPEN;
      this.dispatch('open', {});
      this.reply(OPEN_PACKET);
    });
  }

  send(data: unknown): void {
    if (this.readyState !== LoopbackWebSocket.OPEN) throw new Error('loopback: not open');
    const frame = String(data);
    if (frame === '2') return this.reply('3');
    if (frame.startsWith('40')) return this.reply('40{"sid":"loopback-ns"}');
    const acked = ACKED_EVENT.exec(frame);
    if (!acked) return;
    const [name, first] = JSON.parse(acked[2]!) as [string, unknown];
    if (name === 'echo') this.reply(`43${acked[1]}${JSON.stringify([first])}`);
  }

  close(): void {
    if (this.readyState === LoopbackWebSocket.CLOSED) return;
    this.readyState = LoopbackWebSocket.CLOSED;
    queueMicrotask(() => this.dispatch('close', { code: 1000, reason: '', wasClean: true }));
  }

  addEventListener(type: string, listener: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  removeEventListener(type: string, listener: Listener): void {
    this.listeners.set(type, (this.listeners.get(type) ?? []).filter((candidate) => candidate !== listener));
  }

  private reply(data: string): void {
    queueMicrotask(() => {
      if (this.readyState === LoopbackWebSocket.OPEN) this.dispatch('message', { data });
    });
  }

  private dispatch(type: string, event: LoopbackEvent): void {
    (this[`on${type}` as 'onopen'] as Listener | null)?.(event);
    for (const listener of this.listeners.get(type) ?? []) listener(event);
  }
}
