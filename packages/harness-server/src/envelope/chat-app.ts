import { isRecord } from './frames.js';
import type { EnvelopeErrorCode } from './frames.js';
import type { EventOutcome, Session } from './session.js';

/** The body of `POST /rt/push`, validated. */
export interface PushRequest {
  name: string;
  args: unknown[];
  room?: string;
}

/**
 * The harness's small chat application on `/rt` (PROTOCOL.md, "Harness application events"):
 * `echo`, `join`, `chat`, `nick`, `presence`, and pushes from outside.
 */
export class ChatApp {
  /** Members per room, in join order. */
  private readonly rooms = new Map<string, Set<Session>>();

  constructor(
    private readonly sessions: () => Iterable<Session>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Runs one client event; the outcome becomes the `ack` (or an `error` frame when no ack was asked for). */
  handleEvent(session: Session, name: string, args: unknown[]): EventOutcome {
    switch (name) {
      case 'echo':
        return { args };
      case 'join':
        return this.join(session, args);
      case 'chat':
        return this.chat(session, args);
      case 'nick':
        return this.setNick(session, args);
      default:
        return fail('unknown-event', `unknown event "${name.slice(0, 40)}"`);
    }
  }

  /** `POST /rt/push`: emits to every session, or to one room; returns how many sessions got it. */
  push(request: PushRequest): number {
    const targets = request.room === undefined ? [...this.sessions()] : [...(this.rooms.get(request.room) ?? [])];
    for (const target of targets) target.emit(request.name, request.args);
    return targets.length;
  }

  /** The session is gone: it leaves its room, and the room hears `presence` `joined: false`. */
  sessionEnded(session: Session): void {
    this.leave(session);
  }

  private join(session: Session, args: unknown[]): EventOutcome {
    const [room, nick] = args;
    if (typeof room !== 'string' || room === '') return fail('bad-args', 'join needs a room name: join(room, nick?)');
    if (nick !== undefined && (typeof nick !== 'string' || nick === '')) return fail('bad-args', 'join: nick must be a non-empty string');
    if (nick !== undefined) session.nick = nick;
    if (session.room !== room) {
      this.leave(session);
      const members = this.rooms.get(room) ?? new Set<Session>();
      this.rooms.set(room, members);
      members.add(session);
      session.room = room;
      this.broadcast(room, 'presence', { room, nick: session.nick, joined: true, members: this.memberNicks(room) });
    }
    return { args: [{ room, members: this.memberNicks(room) }] };
  }

  private chat(session: Session, args: unknown[]): EventOutcome {
    const [payload] = args;
    if (!isRecord(payload) || typeof payload['text'] !== 'string') return fail('bad-args', 'chat needs { text: string }');
    const room = session.room;
    if (room === undefined) return fail('not-in-room', 'join a room before chatting');
    this.broadcast(room, 'chat', { ...payload, from: session.nick, room, at: this.now() });
    return { args: [{ ok: true }] };
  }

  private setNick(session: Session, args: unknown[]): EventOutcome {
    const [nick] = args;
    if (typeof nick !== 'string' || nick === '') return fail('bad-args', 'nick needs a non-empty string');
    session.nick = nick;
    return { args: [{ nick }] };
  }

  private leave(session: Session): void {
    const room = session.room;
    if (room === undefined) return;
    session.room = undefined;
    const members = this.rooms.get(room);
    members?.delete(session);
    if (!members || members.size === 0) {
      this.rooms.delete(room);
      return;
    }
    this.broadcast(room, 'presence', { room, nick: session.nick, joined: false, members: this.memberNicks(room) });
  }

  private broadcast(room: string, name: string, payload: unknown): void {
    for (const member of this.rooms.get(room) ?? []) member.emit(name, [payload]);
  }

  private memberNicks(room: string): string[] {
    return [...(this.rooms.get(room) ?? [])].map((member) => member.nick);
  }
}

function fail(code: EnvelopeErrorCode, message: string): EventOutcome {
  return { error: { code, message } };
}
