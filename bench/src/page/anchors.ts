// Page script 1: the measuring core plus the libraries we compare against. Loaded before ours.ts.
import ReconnectingWebSocket from 'reconnecting-websocket';
import { io, type Socket } from 'socket.io-client';
import { createBenchPage } from './core.js';
import { LOOPBACK_URL } from './loopback.js';
import { LoopbackTransport } from './loopback-transport.js';
import type { Peer, WatchEvent, Watcher } from './types.js';

const bench = createBenchPage();
window.bench = bench;

const wsUrl = (harnessUrl: string, path: string) => `${harnessUrl.replace(/^http/, 'ws')}${path}`;
const OPEN_TIMEOUT_MS = 15_000;

/** A server frame of the envelope as the bare peers read it. */
interface BareFrame {
  t: string;
  cid?: number;
  name?: string;
  args?: unknown[];
  token?: string;
}

/**
 * The bare peers' envelope reading, the same for both carriers: an ack settles its request, an
 * event reaches its listeners; `welcome` is the caller's.
 */
function dispatchBareFrame(frame: BareFrame, acks: Map<number, (args: unknown) => void>, listeners: Map<string, ((arg: unknown) => void)[]>): void {
  if (frame.t === 'ack' && frame.cid !== undefined) {
    acks.get(frame.cid)?.(frame.args);
    acks.delete(frame.cid);
  } else if (frame.t === 'event' && frame.name) {
    for (const listener of listeners.get(frame.name) ?? []) listener(frame.args?.[0]);
  }
}

/** The floor: a bare browser `WebSocket` speaking the envelope protocol by hand (hello, event, ack). */
bench.peers['bare-ws'] = (harnessUrl) =>
  new Promise<Peer>((resolve, reject) => {
    const socket = new WebSocket(wsUrl(harnessUrl, '/rt'));
    const acks = new Map<number, (args: unknown) => void>();
    const listeners = new Map<string, ((arg: unknown) => void)[]>();
    let cid = 0;
    const timer = setTimeout(() => reject(new Error('bare-ws: no welcome')), OPEN_TIMEOUT_MS);
    const send = (name: string, args: unknown[], ack: boolean) => {
      cid++;
      socket.send(JSON.stringify(ack ? { t: 'event', cid, name, args, ack: true } : { t: 'event', cid, name, args }));
      return cid;
    };
    const ask = (name: string, args: unknown[]) =>
      new Promise<unknown>((done) => {
        acks.set(send(name, args, true), done);
      });
    const peer: Peer = {
      transport: 'websocket',
      ask: (payload) => ask('echo', [payload]),
      fire: (payload) => void send('echo', [payload], false),
      on: (name, listener) => listeners.set(name, [...(listeners.get(name) ?? []), listener]),
      join: async (room) => void (await ask('join', [room])),
      close: () => socket.close(),
    };
    socket.onopen = () => socket.send(JSON.stringify({ t: 'hello', v: 1 }));
    socket.onerror = () => reject(new Error('bare-ws: socket error'));
    socket.onmessage = (message) => {
      const frame = JSON.parse(message.data as string) as BareFrame;
      if (frame.t === 'welcome') {
        clearTimeout(timer);
        resolve(peer);
      } else {
        dispatchBareFrame(frame, acks, listeners);
      }
    };
  });

/** The SSE floor: a native `EventSource` on `GET /rt` plus `fetch` POSTs, the envelope frames by hand. */
bench.peers['bare-sse'] = (harnessUrl) =>
  new Promise<Peer>((resolve, reject) => {
    const source = new EventSource(`${harnessUrl}/rt?v=1`);
    const acks = new Map<number, (args: unknown) => void>();
    const listeners = new Map<string, ((arg: unknown) => void)[]>();
    let session = '';
    let cid = 0;
    const timer = setTimeout(() => reject(new Error('bare-sse: no welcome')), OPEN_TIMEOUT_MS);
    const post = (frame: object) =>
      void fetch(`${harnessUrl}/rt?sessionToken=${encodeURIComponent(session)}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify([frame]) });
    const ask = (name: string, args: unknown[]) =>
      new Promise<unknown>((done) => {
        acks.set(++cid, done);
        post({ t: 'event', cid, name, args, ack: true });
      });
    const peer: Peer = {
      transport: 'sse',
      ask: (payload) => ask('echo', [payload]),
      fire: (payload) => post({ t: 'event', cid: ++cid, name: 'echo', args: [payload] }),
      on: (name, listener) => listeners.set(name, [...(listeners.get(name) ?? []), listener]),
      join: async (room) => void (await ask('join', [room])),
      close: () => source.close(),
    };
    source.onerror = () => {
      if (!session) reject(new Error('bare-sse: stream error'));
    };
    source.onmessage = (message) => {
      const frame = JSON.parse(message.data as string) as BareFrame;
      if (frame.t === 'welcome') {
        session = frame.token ?? '';
        clearTimeout(timer);
        resolve(peer);
      } else {
        dispatchBareFrame(frame, acks, listeners);
      }
    };
  });

function socketIoPeer(socket: Socket): Promise<Peer> {
  return new Promise<Peer>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('socket.io-client: not connected')), OPEN_TIMEOUT_MS);
    socket.once('connect_error', (error) => reject(error));
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve({
        get transport() {
          return socket.io.engine.transport.name;
        },
        ask: (payload) => socket.emitWithAck('echo', payload),
        fire: (payload) => void socket.emit('echo', payload),
        on: (name, listener) => void socket.on(name, listener),
        join: async (room) => void (await socket.emitWithAck('join', room)),
        close: () => socket.close(),
      });
    });
  });
}

/** The official socket.io-client over WebSocket only (what a throughput comparison needs). */
bench.peers['socket.io-client'] = (harnessUrl) => socketIoPeer(io(harnessUrl, { transports: ['websocket'], forceNew: true }));

/** socket.io-client against the in-page loopback server: its own cost per round trip, no network. */
bench.peers['socket.io-client-loopback'] = () => socketIoPeer(io(LOOPBACK_URL, { transports: [LoopbackTransport], forceNew: true }));

function record(events: WatchEvent[], type: WatchEvent['type'], transport?: string) {
  events.push(transport ? { type, at: Date.now(), transport } : { type, at: Date.now() });
}

/** socket.io-client with every default (polling first, then the WebSocket upgrade). */
bench.watchers['socket.io-client'] = (harnessUrl): Watcher => {
  const events: WatchEvent[] = [];
  const socket = io(harnessUrl, { forceNew: true });
  socket.on('connect', () => record(events, 'open', socket.io.engine.transport.name));
  socket.on('disconnect', () => record(events, 'lost'));
  return { events, close: () => socket.close() };
};

/** reconnecting-websocket with every default, on a Lucee-style gateway. */
bench.watchers['reconnecting-websocket'] = (harnessUrl): Watcher => {
  const events: WatchEvent[] = [];
  const socket = new ReconnectingWebSocket(wsUrl(harnessUrl, '/gateways/chat'));
  socket.addEventListener('open', () => record(events, 'open', 'websocket'));
  socket.addEventListener('close', () => record(events, 'lost'));
  return { events, close: () => socket.close() };
};
