import type { FrameTail, MaybePromise } from '../adapters/adapter.js';
import type { BroadcastOperator } from '../broadcast.js';
import type { Carrier } from '../carriers/carrier.js';
import type { Engine } from '../engine.js';
import { EventError } from '../errors.js';
import type { AckResult, DefaultEvents, EventArgs, EventHandler, EventNames, EventsMap } from '../events.js';
import { ackTail, byeText, errorText, eventTail, welcomeText } from '../protocol/frames.js';
import type { ClientEventFrame, ClientFrame, ErrorBody } from '../protocol/frames.js';
import { Listeners } from '../util/listeners.js';
import { andThen, attempt, settle } from '../util/maybe.js';
import { addRoom, hasRoom, removeRoom, roomListOf, roomsOf, type RoomList } from './room-list.js';

/** Why a session ended on this node (`disconnect`). */
export type DisconnectReason =
  /** The application called `socket.disconnect()`. */
  | 'server-disconnect'
  /** It stayed without a connection longer than `detachedTtlMs`. */
  | 'expired'
  /** Another node resumed it (the session goes on there). */
  | 'moved'
  /** A resume asked for frames its log no longer holds: the client starts a new session. */
  | 'gap'
  /** The server closed (`close()`). */
  | 'server-closing'
  /** The client said it is done (`bye`). */
  | 'client-closed';

/** Events of `socket.lifecycle`. */
export interface SocketLifecycle {
  /** A connection now carries the session (`resumed`: it continues where an earlier one stopped). */
  attach(event: { transport: 'websocket' | 'sse'; resumed: boolean }): void;
  /** The session lost its connection; it is kept `detachedTtlMs` for a resume. */
  detach(event: { transport: 'websocket' | 'sse' }): void;
  /** The session is over on this node. */
  disconnect(event: { reason: DisconnectReason }): void;
}

/** How long `emitWithAck` waits for the client's answer unless `timeout()` says otherwise, in ms. */
export const DEFAULT_ACK_TIMEOUT_MS = 10_000;

/** Emitting with an ack, with a deadline. */
export interface AckEmitter<Out extends EventsMap> {
  /** Emits `event` asking the client to answer (its listener's return value); rejects with `EventError` `ack-timeout` or `session-ended`. */
  emitWithAck<E extends EventNames<Out>>(event: E, ...args: EventArgs<Out, E>): Promise<AckResult<Out, E>>;
}

/**
 * One session, as the application sees it (`server.on('connection', (socket) => …)`). It outlives its
 * connections: a client that reconnects and resumes gets the same socket back (on this node), with its
 * handlers, rooms and `data`.
 */
export interface Socket<In extends EventsMap = DefaultEvents, Out extends EventsMap = DefaultEvents, Data = Record<string, unknown>> extends AckEmitter<Out> {
  /** The public session id (`welcome.session`): safe to show and log; resuming needs the secret token. */
  readonly id: string;
  /** The application's data: `authenticate`'s answer at first; saved to the adapter after each handler. */
  data: Data;
  /** True when the session was resumed here after living on another node (or before a restart of this one). */
  readonly recovered: boolean;
  /** The carrier of the live connection; undefined while detached. */
  readonly transport: 'websocket' | 'sse' | undefined;
  /** Rooms it is in, in join order. */
  readonly rooms: ReadonlySet<string>;
  /** Attach, detach and disconnect events. */
  readonly lifecycle: { on<E extends keyof SocketLifecycle>(event: E, listener: SocketLifecycle[E]): () => void };
  /**
   * Handles client event `event`; returns the function that removes the handler. The handler's return
   * value (or what its Promise resolves to) is the ack's answer; a thrown `EventError` becomes the ack's
   * `error` (any other error: `internal`). An event without a handler is answered `unknown-event`.
   */
  on<E extends EventNames<In>>(event: E, handler: EventHandler<In, E>): () => void;
  /** Emits an event to this session (sequenced: replayed if the connection breaks before it arrives). */
  emit<E extends EventNames<Out>>(event: E, ...args: EventArgs<Out, E>): void;
  /** `emitWithAck` with a deadline of `ms`. */
  timeout(ms: number): AckEmitter<Out>;
  join(room: string): void;
  leave(room: string): void;
  /** Every other session in `room` (this one left out). */
  to(room: string | readonly string[]): BroadcastOperator<Out>;
  /** Every other session. */
  readonly broadcast: BroadcastOperator<Out>;
  /** Ends the session: its client gets `bye` `session-ended` (`retry: false`) and does not reconnect. */
  disconnect(message?: string): void;
}

interface PendingAck {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

type AnyHandler = (...args: unknown[]) => unknown;

/**
 * What few sessions use, in one object created on first use: lifecycle listeners, acks the server asked
 * the client for, and client events waiting for an async adapter's `claim` (Redis). Four fields of every
 * idle session (32 bytes) become one (8).
 */
interface Occasional {
  listeners?: Listeners<SocketLifecycle>;
  /** Client events waiting for their `claim`; undefined when none waits. */
  queue?: Promise<void>;
  acks?: Map<number, PendingAck>;
  lastAckId: number;
}

/**
 * The server's session object (the application's `Socket`). Idle, it is this object and nothing else:
 * the handler map and the `Occasional` state are created on first use, one room is held by its name.
 */
export class ServerSocket<In extends EventsMap = DefaultEvents, Out extends EventsMap = DefaultEvents, Data = Record<string, unknown>> implements Socket<In, Out, Data> {
  carrier: Carrier | undefined;
  /** Highest client `cid` processed (the adapter decides; this copy feeds `ping` frames). */
  rcid: number;
  ended = false;
  /** Rooms in join order: a RoomList until the application reads `rooms`, then the Set it got (so that it stays live). */
  private roomList: RoomList | Set<string>;
  private handlers: Map<string, AnyHandler> | undefined;
  private occasional: Occasional | undefined;
  /** `data`, created when first read (most idle sessions of an app without `authenticate` never need it). */
  private ownData: Data | undefined;

  constructor(
    private readonly engine: Engine,
    readonly id: string,
    readonly secretHash: string,
    data: unknown,
    readonly recovered: boolean,
    rcid = 0,
    rooms: readonly string[] = [],
  ) {
    this.rcid = rcid;
    this.ownData = data as Data | undefined;
    this.roomList = roomListOf(rooms);
  }

  get data(): Data {
    return (this.ownData ??= {} as Data);
  }

  set data(value: Data) {
    this.ownData = value;
  }

  /** Saves `data` to the adapter (after `connection` and after each handler), for `fetchSessions` on every node. */
  saveData(): void {
    if (this.ownData === undefined || this.ended) return;
    settle(attempt(() => this.engine.adapter.update(this.id, this.ownData)), this.engine.reporter);
  }

  get transport(): 'websocket' | 'sse' | undefined {
    return this.carrier?.kind;
  }

  get rooms(): ReadonlySet<string> {
    if (this.roomList === undefined) return EMPTY;
    if (!(this.roomList instanceof Set)) this.roomList = new Set(roomsOf(this.roomList));
    return this.roomList;
  }

  get lifecycle(): Socket['lifecycle'] {
    return (this.occasionalState().listeners ??= new Listeners((error) => this.engine.report(error)));
  }

  private occasionalState(): Occasional {
    return (this.occasional ??= { listeners: undefined, queue: undefined, acks: undefined, lastAckId: 0 });
  }

  on<E extends EventNames<In>>(event: E, handler: EventHandler<In, E>): () => void {
    if (typeof event !== 'string' || event === '') throw new TypeError('unisocket server: an event name must be a non-empty string');
    if (typeof handler !== 'function') throw new TypeError(`unisocket server: the handler of "${event}" must be a function`);
    const handlers = (this.handlers ??= new Map());
    handlers.set(event, handler as AnyHandler);
    return () => {
      if (handlers.get(event) === handler) handlers.delete(event);
    };
  }

  emit<E extends EventNames<Out>>(event: E, ...args: EventArgs<Out, E>): void {
    this.append(eventTail(checkName(event), args));
  }

  emitWithAck<E extends EventNames<Out>>(event: E, ...args: EventArgs<Out, E>): Promise<AckResult<Out, E>> {
    return this.requestAck(DEFAULT_ACK_TIMEOUT_MS, event, args) as Promise<AckResult<Out, E>>;
  }

  timeout(ms: number): AckEmitter<Out> {
    if (!(ms > 0)) throw new TypeError(`unisocket server: timeout(ms) needs a positive number; got ${ms}`);
    return { emitWithAck: (event, ...args) => this.requestAck(ms, event, args) as never };
  }

  join(room: string): void {
    if (typeof room !== 'string' || room === '') throw new TypeError('unisocket server: a room name must be a non-empty string');
    if (this.ended || this.isIn(room)) return;
    if (this.roomList instanceof Set) this.roomList.add(room);
    else this.roomList = addRoom(this.roomList, room);
    settle(attempt(() => this.engine.adapter.join(this.id, room)), this.engine.reporter);
  }

  leave(room: string): void {
    if (this.ended || !this.isIn(room)) return;
    if (this.roomList instanceof Set) this.roomList.delete(room);
    else this.roomList = removeRoom(this.roomList, room);
    settle(attempt(() => this.engine.adapter.leave(this.id, room)), this.engine.reporter);
  }

  private isIn(room: string): boolean {
    return this.roomList instanceof Set ? this.roomList.has(room) : hasRoom(this.roomList, room);
  }

  to(room: string | readonly string[]): BroadcastOperator<Out> {
    return this.engine.operator<Out>().to(room).except(this.id);
  }

  get broadcast(): BroadcastOperator<Out> {
    return this.engine.operator<Out>().except(this.id);
  }

  disconnect(message = 'the server ended the session'): void {
    if (this.ended) return;
    this.carrier?.finish(byeText('session-ended', message, false));
    this.engine.endSession(this, 'server-disconnect');
  }

  // ---- used by the engine and the carriers ----

  /**
   * Makes `carrier` the live downstream: the previous one gets `bye replaced`; then `welcome` and the
   * replay of every frame after `lastSeq`.
   */
  attach(carrier: Carrier, token: string, resumed: boolean, seq: number, lastSeq: number, replay: readonly FrameTail[]): void {
    const previous = this.carrier;
    this.carrier = carrier;
    carrier.session = this;
    carrier.setToken(token);
    if (previous && previous !== carrier) {
      previous.session = undefined;
      previous.finish(byeText('replaced', `the session moved to another ${carrier.kind} connection`, false));
    }
    const welcome = { session: this.id, token, resumed, seq, rcid: this.rcid, hb: this.engine.options.heartbeatMs };
    carrier.writeText(welcomeText(welcome), resumed ? lastSeq : 0);
    for (let i = 0; i < replay.length; i++) carrier.writeFrame(lastSeq + 1 + i, replay[i]!, true);
    this.occasional?.listeners?.emit('attach', { transport: carrier.kind, resumed });
  }

  /** `carrier` closed: the session waits, detached, for a resume. */
  detach(carrier: Carrier): void {
    if (this.carrier !== carrier || this.ended) return;
    this.carrier = undefined;
    settle(attempt(() => this.engine.adapter.detach(this.id, this.ownData)), this.engine.reporter);
    this.occasional?.listeners?.emit('detach', { transport: carrier.kind });
  }

  /** The session ended on this node: pending acks fail, the application hears `disconnect`. */
  markEnded(reason: DisconnectReason): void {
    this.ended = true;
    const carrier = this.carrier;
    this.carrier = undefined;
    if (carrier) carrier.session = undefined;
    const occasional = this.occasional;
    if (!occasional) return;
    const acks = occasional.acks;
    occasional.acks = undefined;
    for (const pending of acks?.values() ?? []) {
      clearTimeout(pending.timer);
      pending.reject(new EventError('session-ended', `the session ended (${reason}) before the client answered`));
    }
    occasional.listeners?.emit('disconnect', { reason });
  }

  /** One valid client frame. Events are claimed in arrival order; their handlers may finish in any order. */
  receive(frame: ClientFrame): void {
    switch (frame.t) {
      case 'hello':
        this.sendError({ code: 'bad-frame', message: 'hello is only valid as the first frame of a WebSocket' });
        return;
      case 'pong':
        return;
      case 'bye':
        // After the events sent before it are claimed (an async adapter may still hold them).
        settle(
          attempt(() =>
            andThen(this.settled(), () => {
              if (this.ended) return;
              this.carrier?.finish(undefined, 1000);
              this.engine.endSession(this, 'client-closed');
            }),
          ),
          this.engine.reporter,
        );
        return;
      case 'ack': {
        const acks = this.occasional?.acks;
        const pending = acks?.get(frame.ack);
        if (!pending) return;
        acks!.delete(frame.ack);
        clearTimeout(pending.timer);
        pending.resolve(frame.args[0]);
        return;
      }
      case 'event':
        this.enqueue(frame);
    }
  }

  /** Sends an `error` frame to the live carrier (not sequenced: a detached session loses it). */
  sendError(error: ErrorBody & { cid?: number }): void {
    this.carrier?.writeText(errorText(error));
  }

  /** Resolves once every client event received so far has been claimed (a POST answers `rcid` after). */
  settled(): MaybePromise<void> {
    return this.occasional?.queue;
  }

  private enqueue(frame: ClientEventFrame): void {
    const queue = this.occasional?.queue;
    if (queue) {
      this.chain(queue.then(() => this.process(frame)));
      return;
    }
    const result = attempt(() => this.process(frame));
    if (result instanceof Promise) this.chain(result);
  }

  private chain(next: Promise<void>): void {
    const guarded = next.catch(this.engine.reporter);
    const occasional = this.occasionalState();
    occasional.queue = guarded;
    void guarded.then(() => {
      if (occasional.queue === guarded) occasional.queue = undefined;
    });
  }

  private process(frame: ClientEventFrame): MaybePromise<void> {
    if (this.ended) return;
    return andThen(this.engine.adapter.claim(this.id, frame.cid), (claimed) => {
      if (!claimed || this.ended) return; // a resend of an event already processed
      if (frame.cid > this.rcid) this.rcid = frame.cid;
      this.run(frame);
    });
  }

  /** Runs the handler; its outcome becomes the ack (or an `error` frame when no ack was asked for). */
  private run(frame: ClientEventFrame): void {
    const handler = this.handlers?.get(frame.name);
    if (!handler) {
      this.answer(frame, { error: { code: 'unknown-event', message: `unknown event "${frame.name.slice(0, 40)}"` } });
      return;
    }
    let result: unknown;
    try {
      result = handler(...frame.args);
    } catch (error) {
      this.answer(frame, this.failure(frame, error));
      return;
    }
    if (result instanceof Promise) {
      this.engine.track(
        result.then(
          (value: unknown) => this.answer(frame, { args: value === undefined ? [] : [value] }),
          (error: unknown) => this.answer(frame, this.failure(frame, error)),
        ),
      );
    } else this.answer(frame, { args: result === undefined ? [] : [result] });
  }

  private failure(frame: ClientEventFrame, error: unknown): { error: ErrorBody } {
    if (error instanceof EventError) return { error: { code: error.code, message: error.message } };
    this.engine.report(new Error(`the handler of "${frame.name}" (session ${this.id}) failed`, { cause: error }));
    return { error: { code: 'internal', message: `the server failed to handle "${frame.name.slice(0, 40)}"` } };
  }

  private answer(frame: ClientEventFrame, outcome: { args: unknown[] } | { error: ErrorBody }): void {
    if (this.ended) return;
    this.saveData();
    if (frame.ack) {
      let tail: FrameTail;
      try {
        tail = ackTail(frame.cid, outcome);
      } catch (error) {
        // The handler answered something JSON cannot carry (a cycle, a BigInt).
        tail = ackTail(frame.cid, this.failure(frame, error));
      }
      this.append(tail);
    } else if ('error' in outcome) this.sendError({ ...outcome.error, cid: frame.cid });
  }

  private append(frame: FrameTail): void {
    if (this.ended) return;
    settle(attempt(() => this.engine.adapter.append(this.id, frame)), this.engine.reporter);
  }

  private requestAck(timeoutMs: number, event: string, args: readonly unknown[]): Promise<unknown> {
    if (this.ended) return Promise.reject(new EventError('session-ended', 'the session has ended'));
    const occasional = this.occasionalState();
    const id = ++occasional.lastAckId;
    const frame = eventTail(checkName(event), args, id);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        occasional.acks?.delete(id);
        reject(new EventError('ack-timeout', `the client did not answer "${event}" within ${timeoutMs} ms`));
      }, timeoutMs);
      timer.unref();
      (occasional.acks ??= new Map()).set(id, { resolve, reject, timer });
      this.append(frame);
    });
  }
}

const EMPTY: ReadonlySet<string> = new Set();

/** A session whatever its event maps (what carriers and the engine hold). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyServerSocket = ServerSocket<any, any, any>;

function checkName(event: unknown): string {
  if (typeof event !== 'string' || event === '') throw new TypeError('unisocket server: an event name must be a non-empty string');
  return event;
}
