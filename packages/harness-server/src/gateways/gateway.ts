import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { RawData, WebSocket } from 'ws';
import type { GatewayEvent, GatewayListener } from './listeners.js';

export type GatewayState = 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';

/** What `GET /gateways/{id}` answers. */
export interface GatewayStatus {
  id: string;
  state: GatewayState;
  connectionCount: number;
  /** Ids of the open connections, oldest first (usable in `connections` of sendGatewayMessage). */
  connections: string[];
}

/** sendGatewayMessage on a gateway that is not running (Lucee's wording). */
export class GatewayNotRunningError extends Error {
  override readonly name = 'GatewayNotRunningError' as const;
  readonly code = 'gateway-not-running' as const;
  constructor(id: string) {
    super(`Gateway [${id}] is not running`);
  }
}

/** A listener threw during sendGatewayMessage; the gateway is now `failed`. */
export class GatewayListenerError extends Error {
  override readonly name = 'GatewayListenerError' as const;
  readonly code = 'listener-failed' as const;
}

/** Response header carrying the connection id on an accepted upgrade (browsers cannot read it; tests can). */
export const CONNECTION_ID_HEADER = 'x-gateway-connection-id';

/** How long a stopped gateway waits for a closing handshake before cutting a connection. */
const STOP_GRACE_MS = 1000;

/**
 * One Lucee-style WebSocket gateway (seed 001): text frames, raw strings, a listener that sees
 * open/close/message and may rewrite or route messages; a client message goes to everyone else.
 */
export class Gateway {
  /** Configured gateways start automatically (Lucee's startup mode "Automatic"). */
  private state: GatewayState = 'running';
  private readonly connections = new Map<string, WebSocket>();
  /** The id of every socket until it closes (also after `stop()` forgot it, while it is closing). */
  private readonly ids = new Map<WebSocket, string>();
  private readonly pendingIds = new WeakMap<IncomingMessage, string>();
  private readonly wss: WebSocketServer;
  private nextConnection = 1;
  // Listeners shared by every socket of the gateway (`ws` calls them with the socket as `this`), so an
  // idle connection holds no closures.
  private readonly onSocketMessage: (this: WebSocket, data: RawData, isBinary: boolean) => void;
  private readonly onSocketClose: (this: WebSocket, code: number) => void;
  private readonly onSocketError: (this: WebSocket, error: Error) => void;

  constructor(
    readonly id: string,
    private readonly listener: GatewayListener,
    maxFrameBytes: number,
    private readonly log: (line: string) => void,
  ) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: maxFrameBytes, clientTracking: false });
    this.wss.on('headers', (headers, req) => headers.push(`${CONNECTION_ID_HEADER}: ${this.pendingIds.get(req) ?? ''}`));
    const onMessage = (ws: WebSocket, data: RawData, isBinary: boolean) => this.onClientMessage(ws, data, isBinary);
    const onClose = (ws: WebSocket, code: number) => this.onClose(ws, code);
    const onError = (ws: WebSocket, error: Error) => this.log(`gateway ${this.id}: ${this.ids.get(ws) ?? '?'} error: ${error.message}`);
    this.onSocketMessage = function (data, isBinary) {
      onMessage(this, data, isBinary);
    };
    this.onSocketClose = function (code) {
      onClose(this, code);
    };
    this.onSocketError = function (error) {
      onError(this, error);
    };
  }

  get running(): boolean {
    return this.state === 'running';
  }

  status(): GatewayStatus {
    const connections = [...this.connections.keys()];
    return { id: this.id, state: this.state, connectionCount: connections.length, connections };
  }

  /** Starts a stopped or failed gateway (a failed one first loses its silent connections). */
  start(): void {
    if (this.state === 'running') return;
    if (this.state === 'failed') this.dropAll();
    this.setState('starting');
    this.setState('running');
  }

  /** Stops the gateway; every connection is closed (1001) and upgrades are refused. */
  stop(): void {
    if (this.state === 'stopped') return;
    this.setState('stopping');
    this.dropAll();
    this.setState('stopped');
  }

  restart(): void {
    this.stop();
    this.start();
  }

  /** Takes a WebSocket upgrade; the caller has checked that the gateway is running. */
  accept(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const connectionId = `c${this.nextConnection++}`;
    this.pendingIds.set(req, connectionId);
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onOpen(connectionId, ws));
  }

  /**
   * sendGatewayMessage: runs `onMessage` (no sender) and delivers to every connection, or to
   * `connections` (or whatever the listener chose). Answers how many connections got it.
   */
  send(message: string, connections?: string[]): number {
    if (!this.running) throw new GatewayNotRunningError(this.id);
    const data = this.event(undefined, message);
    if (connections) data.connections = [...connections];
    if (!this.callListener('onMessage', data)) {
      throw new GatewayListenerError(`the listener of gateway [${this.id}] failed; the gateway is now failed`);
    }
    return this.deliver(data, undefined);
  }

  private onOpen(connectionId: string, ws: WebSocket): void {
    this.connections.set(connectionId, ws);
    this.ids.set(ws, connectionId);
    this.log(`gateway ${this.id}: ${connectionId} open (${this.connections.size} connected)`);
    ws.on('error', this.onSocketError);
    ws.on('message', this.onSocketMessage);
    ws.on('close', this.onSocketClose);
    if (this.running) this.callListener('onClientOpen', this.event(connectionId, ''));
  }

  private onClientMessage(ws: WebSocket, raw: RawData, isBinary: boolean): void {
    const connectionId = this.ids.get(ws);
    if (connectionId === undefined) return;
    if (isBinary) {
      this.log(`gateway ${this.id}: ${connectionId} sent a binary frame; closing 1003`);
      ws.close(1003, 'text frames only');
      return;
    }
    // A failed gateway keeps its sockets open but silent, as the Java server does.
    if (!this.running) return;
    const data = this.event(connectionId, rawToString(raw));
    if (this.callListener('onMessage', data)) this.deliver(data, connectionId);
  }

  private onClose(ws: WebSocket, code: number): void {
    const connectionId = this.ids.get(ws);
    this.ids.delete(ws);
    // After stop() the connection is already forgotten and the listener already told.
    if (connectionId === undefined || this.connections.get(connectionId) !== ws) return;
    this.connections.delete(connectionId);
    this.log(`gateway ${this.id}: ${connectionId} closed (${code})`);
    if (this.running) this.callListener('onClientClose', this.event(connectionId, ''));
  }

  private deliver(data: GatewayEvent, senderId: string | undefined): number {
    const targets = data.connections ?? [...this.connections.keys()].filter((id) => id !== senderId);
    let delivered = 0;
    for (const id of new Set(targets)) {
      const ws = this.connections.get(id);
      if (!ws || ws.readyState !== ws.OPEN) continue;
      ws.send(data.message);
      delivered += 1;
    }
    return delivered;
  }

  /** Runs a listener hook; a throw fails the gateway. Answers false when it threw. */
  private callListener(hook: keyof GatewayListener, data: GatewayEvent): boolean {
    try {
      this.listener[hook]?.(data);
      return true;
    } catch (error) {
      this.log(`gateway ${this.id}: listener ${hook} threw (${(error as Error).message}); gateway failed`);
      this.setState('failed');
      return false;
    }
  }

  private event(conn: string | undefined, message: string): GatewayEvent {
    return { conn, message, openConnections: [...this.connections.keys()] };
  }

  private dropAll(): void {
    const closing = [...this.connections];
    this.connections.clear();
    for (const [connectionId, ws] of closing) {
      ws.close(1001, 'gateway stopped');
      setTimeout(() => ws.terminate(), STOP_GRACE_MS).unref();
      if (this.state === 'stopping') this.callListenerQuietly('onClientClose', this.event(connectionId, ''));
    }
  }

  /** onClientClose while stopping: a throw there is logged, the gateway stops anyway. */
  private callListenerQuietly(hook: keyof GatewayListener, data: GatewayEvent): void {
    try {
      this.listener[hook]?.(data);
    } catch (error) {
      this.log(`gateway ${this.id}: listener ${hook} threw while stopping (${(error as Error).message})`);
    }
  }

  private setState(state: GatewayState): void {
    if (this.state === state) return;
    this.state = state;
    this.log(`gateway ${this.id}: ${state}`);
  }

  /** Releases the connections (harness shutdown). */
  close(): void {
    for (const ws of this.connections.values()) ws.terminate();
    this.connections.clear();
    this.ids.clear();
    this.wss.close();
  }
}

function rawToString(raw: RawData): string {
  if (Array.isArray(raw)) return Buffer.concat(raw).toString('utf8');
  return Buffer.from(raw as ArrayBuffer).toString('utf8');
}
