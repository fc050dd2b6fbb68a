// Opens many connections of one kind to the harness from the bench process and keeps them idle,
// counting the broadcast messages (those carrying `token`) that reach them.
import { get, Agent, type ClientRequest } from 'node:http';
import WebSocket from 'ws';

export type ConnectionKind = 'ws-envelope' | 'ws-gateway' | 'socketio-ws' | 'sse-envelope' | 'sse-plain';

export const CONNECTION_KINDS: readonly { kind: ConnectionKind; label: string }[] = [
  { kind: 'ws-envelope', label: 'WebSocket, envelope (`/rt`)' },
  { kind: 'ws-gateway', label: 'WebSocket, raw gateway (`/gateways/chat`)' },
  { kind: 'socketio-ws', label: 'Socket.IO over WebSocket (EIO4)' },
  { kind: 'sse-envelope', label: 'SSE, envelope (`GET /rt`)' },
  { kind: 'sse-plain', label: 'SSE, plain CFML-style (`/sse/bench`)' },
];

export interface IdleConnections {
  readonly count: number;
  /** Broadcast messages received so far, over all connections. */
  delivered(): number;
  /** Connections the server ended after they were established (close code or `ended`, with counts): a shortfall's usual cause. */
  lost(): string;
  /**
   * Connections that have been through a heartbeat round of their server (it pinged, the client
   * answered): the envelope's `ping` (with the WebSocket ping `ws` answers), Engine.IO's `2` (answered
   * `3`). A bare `ws` server never pings, so its connections never count.
   */
  heartbeatRounds(): number;
  /** Drops every connection at once (TCP reset for WebSocket, no goodbye). */
  close(): void;
  /**
   * Leaves as a client that is done leaves: the protocol's goodbye (envelope `bye`, Socket.IO `41`, none
   * for a raw WebSocket), then the WebSocket closing handshake (1000). Resolves once every connection
   * is closed. SSE connections are dropped as by `close()`.
   */
  leave(): Promise<void>;
}

const OPEN_TIMEOUT_MS = 15_000;
const CONCURRENCY = 50;

/** Counts `token` in a stream of chunks, including occurrences split across two chunks. */
export function tokenCounter(token: string): (chunk: string) => number {
  let carry = '';
  return (chunk: string): number => {
    const text = carry + chunk;
    let count = 0;
    for (let at = text.indexOf(token); at >= 0; at = text.indexOf(token, at + token.length)) count++;
    // Too short to hold a whole token, so nothing counted here is counted again.
    carry = text.slice(Math.max(0, text.length - token.length + 1));
    return count;
  };
}

interface Opened {
  close(): void;
  /** Resolves once the connection is closed. */
  leave(): Promise<void>;
  /** Heartbeat rounds seen. */
  readonly heartbeats: number;
}

function openOne(kind: ConnectionKind, harnessUrl: string, agent: Agent, onDelivery: (n: number) => void, onLost: (why: string) => void, token: string, path?: string): Promise<Opened> {
  const wsBase = harnessUrl.replace(/^http/, 'ws');
  /** Closed by the bench, not lost. */
  let closing = false;
  return new Promise<Opened>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${kind}: not established within ${OPEN_TIMEOUT_MS} ms`)), OPEN_TIMEOUT_MS);
    const established = (opened: Opened) => {
      clearTimeout(timer);
      resolve(opened);
    };
    if (kind === 'sse-envelope' || kind === 'sse-plain') {
      const count = tokenCounter(token);
      let request: ClientRequest | undefined = undefined;
      let first = true;
      request = get(`${harnessUrl}${kind === 'sse-envelope' ? '/rt?v=1' : '/sse/bench'}`, { agent, headers: { accept: 'text/event-stream' } }, (res) => {
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          const n = count(chunk);
          if (n) onDelivery(n);
          if (first) {
            first = false;
            const close = () => {
              closing = true;
              request?.destroy();
            };
            established({ close, leave: async () => close(), heartbeats: 0 });
          }
        });
        res.on('error', () => {});
        res.on('close', () => !closing && onLost('sse ended'));
      });
      request.on('error', (error) => reject(error));
      return;
    }
    const socket = new WebSocket(`${wsBase}${path ?? (kind === 'ws-envelope' ? '/rt' : kind === 'ws-gateway' ? '/gateways/chat' : '/socket.io/?EIO=4&transport=websocket')}`);
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    const opened = {
      heartbeats: 0,
      close: () => {
        closing = true;
        socket.terminate();
      },
      leave() {
        closing = true;
        if (socket.readyState === WebSocket.OPEN) {
          if (kind === 'ws-envelope') socket.send('{"t":"bye"}');
          else if (kind === 'socketio-ws') socket.send('41');
          socket.close(1000);
        } else if (socket.readyState !== WebSocket.CLOSED) socket.terminate();
        return closed;
      },
    };
    socket.on('close', (code) => !closing && onLost(`close ${code}`));
    socket.on('error', (error) => reject(error));
    socket.on('open', () => {
      if (kind === 'ws-envelope') socket.send(JSON.stringify({ t: 'hello', v: 1 }));
      if (kind === 'ws-gateway') established(opened);
    });
    socket.on('message', (data) => {
      const text = String(data);
      if (kind === 'socketio-ws') {
        if (text.startsWith('0')) socket.send('40');
        else if (text.startsWith('40')) established(opened);
        else if (text === '2') {
          socket.send('3');
          opened.heartbeats++;
        }
      } else if (kind === 'ws-envelope') {
        established(opened); // `welcome` is always the first frame
        if (text.startsWith('{"t":"ping"')) opened.heartbeats++;
      }
      if (text.includes(token)) onDelivery(1);
    });
  });
}

/**
 * Opens `count` connections of `kind` (at most `concurrency` handshakes at a time, default 50); resolves
 * once all are established. `path` replaces the kind's harness path (another server: `/` for a bare
 * `ws` server spoken to as `ws-gateway`).
 */
export async function openIdleConnections(kind: ConnectionKind, harnessUrl: string, count: number, token: string, path?: string, concurrency = CONCURRENCY): Promise<IdleConnections> {
  const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
  let delivered = 0;
  const lost = new Map<string, number>();
  const onLost = (why: string) => lost.set(why, (lost.get(why) ?? 0) + 1);
  const opened: Opened[] = [];
  const closeAll = () => {
    for (const connection of opened) connection.close();
    agent.destroy();
  };
  const leaveAll = async () => {
    await Promise.all(opened.map((connection) => connection.leave()));
    agent.destroy();
  };
  try {
    for (let start = 0; start < count; start += concurrency) {
      const batch = Array.from({ length: Math.min(concurrency, count - start) }, () => openOne(kind, harnessUrl, agent, (n) => (delivered += n), onLost, token, path));
      const settled = await Promise.allSettled(batch);
      for (const result of settled) if (result.status === 'fulfilled') opened.push(result.value);
      const failure = settled.find((result) => result.status === 'rejected');
      if (failure) throw failure.reason;
    }
  } catch (error) {
    closeAll();
    throw error;
  }
  const describeLost = () => (lost.size ? [...lost].map(([why, n]) => `${n} × ${why}`).join(', ') : 'none');
  return {
    count,
    delivered: () => delivered,
    lost: describeLost,
    heartbeatRounds: () => opened.reduce((sum, connection) => sum + (connection.heartbeats > 0 ? 1 : 0), 0),
    close: closeAll,
    leave: leaveAll,
  };
}
