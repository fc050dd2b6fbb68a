import type { BroadcastTarget, SessionInfo } from './adapters/adapter.js';
import type { Engine } from './engine.js';
import type { DefaultEvents, EventArgs, EventNames, EventsMap } from './events.js';
import { eventTail } from './protocol/frames.js';

/**
 * A set of sessions to emit to: `server.to(room)`, `.except(room)`, chained. Immutable: every call
 * answers a new operator. A session id counts as a room of that one session.
 */
export class BroadcastOperator<Out extends EventsMap = DefaultEvents, Data = unknown> {
  constructor(
    private readonly engine: Engine,
    private readonly target: BroadcastTarget = {},
  ) {}

  /** Also the sessions in `room` (or rooms). */
  to(room: string | readonly string[]): BroadcastOperator<Out, Data> {
    return new BroadcastOperator(this.engine, { ...this.target, rooms: [...(this.target.rooms ?? []), ...names(room)] });
  }

  /** Alias of `to`. */
  in(room: string | readonly string[]): BroadcastOperator<Out, Data> {
    return this.to(room);
  }

  /** Leaves out the sessions in `room` (or rooms, or session ids). */
  except(room: string | readonly string[]): BroadcastOperator<Out, Data> {
    return new BroadcastOperator(this.engine, { ...this.target, except: [...(this.target.except ?? []), ...names(room)] });
  }

  /**
   * Emits to every session reached, on every node, attached or detached (a detached one gets it on
   * resume). Serialized once. Resolves to the number of sessions reached; a failure of the adapter
   * rejects (and goes to the server's `error` listeners, so an ignored Promise is safe).
   */
  emit<E extends EventNames<Out>>(event: E, ...args: EventArgs<Out, E>): Promise<number> {
    if (typeof event !== 'string' || event === '') throw new TypeError('unisocket server: an event name must be a non-empty string');
    return this.engine.broadcast(this.target, eventTail(event, args));
  }

  /** The sessions reached (`{ id, rooms, data }`), on every node; in one room, in join order. */
  async fetchSessions(): Promise<SessionInfo[]> {
    return this.engine.adapter.fetchSessions(this.target);
  }
}

function names(room: string | readonly string[]): string[] {
  const list = typeof room === 'string' ? [room] : [...room];
  for (const name of list) if (typeof name !== 'string' || name === '') throw new TypeError('unisocket server: a room name must be a non-empty string');
  return list;
}
