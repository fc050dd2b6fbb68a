import { randomBytes } from 'node:crypto';
import type { ByeFrame } from './frames.js';
import { Session } from './session.js';
import type { SessionLimits } from './session.js';

/** What a `hello` or an SSE `GET` asks for. */
export interface OpenRequest {
  session?: string | undefined;
  lastSeq?: number | undefined;
}

export interface OpenResult {
  session: Session;
  resumed: boolean;
  /** The cursor to replay from: the requested `lastSeq` when resumed, else 0. */
  lastSeq: number;
}

/**
 * Every live session of the `/rt` server, by id, and their heartbeat: one ticker pings every attached
 * session each `heartbeatMs`, instead of a timer per session (a session attached between two ticks gets
 * its first `ping` sooner than `heartbeatMs` after `welcome`; no gap is ever longer).
 */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  private guestCount = 0;
  private readonly heartbeat: NodeJS.Timeout | undefined;
  /** `onExpire` of every session: one function, not a closure per session. */
  private readonly expire = (session: Session) => this.end(session);

  constructor(
    private readonly limits: SessionLimits,
    /** Called after a session is gone (expired, or abandoned by a failed resume), so the app can clean up. */
    private readonly onSessionEnd: (session: Session) => void,
  ) {
    if (limits.heartbeatMs > 0) {
      this.heartbeat = setInterval(() => {
        for (const session of this.sessions.values()) session.ping();
      }, limits.heartbeatMs);
      this.heartbeat.unref();
    }
  }

  get(id: string): Session | undefined {
    return this.sessions.get(id);
  }

  all(): IterableIterator<Session> {
    return this.sessions.values();
  }

  /**
   * Resumes the requested session when the replay window still reaches `lastSeq` (missing: 0), else
   * starts a new one. A known session that can no longer be resumed is ended: its client starts over.
   */
  open(request: OpenRequest): OpenResult {
    const lastSeq = request.lastSeq ?? 0;
    const known = request.session === undefined ? undefined : this.sessions.get(request.session);
    if (known?.canResumeFrom(lastSeq)) return { session: known, resumed: true, lastSeq };
    if (known) this.end(known);
    const session = new Session(newSessionId(), `guest-${++this.guestCount}`, this.limits, this.expire);
    this.sessions.set(session.id, session);
    return { session, resumed: false, lastSeq: 0 };
  }

  /** Ends every session and stops the heartbeat (harness shutdown). */
  close(bye: ByeFrame): void {
    clearInterval(this.heartbeat);
    for (const session of this.sessions.values()) session.dispose(bye);
    this.sessions.clear();
  }

  private end(session: Session): void {
    if (this.sessions.get(session.id) !== session) return;
    this.sessions.delete(session.id);
    session.dispose({ t: 'bye', code: 'session-ended', message: 'the session was ended by the server', retry: true });
    this.onSessionEnd(session);
  }
}

function newSessionId(): string {
  return randomBytes(12).toString('base64url');
}
