import type { Carrier } from './carrier.js';
import { PROTOCOL_VERSION } from './frames.js';
import type { ByeFrame, EnvelopeErrorCode, ErrorFrame, SequencedFrame, ServerAckFrame } from './frames.js';

/** Limits of every session; the module fills them from the harness options. */
export interface SessionLimits {
  /** Sequenced frames kept for replay. Default 1,000 (PROTOCOL.md). */
  replayWindow: number;
  /** How long a detached session is kept, in ms. Default 120,000. */
  detachedTtlMs: number;
  /** Interval of `ping` frames while attached, in ms. */
  heartbeatMs: number;
}

/** The outcome of a client event, as the application reports it. */
export type EventOutcome = { args: unknown[] } | { error: { code: EnvelopeErrorCode; message: string } };

/**
 * One envelope session: its sequence counter, replay window, processed-cid cursor, and the carrier it
 * is attached to (at most one). Frames emitted while detached are only logged, and replayed on resume.
 */
export class Session {
  /** Last sequence id assigned. */
  seq = 0;
  /** Highest client `cid` processed. */
  rcid = 0;
  nick: string;
  room: string | undefined;
  private readonly log: SequencedFrame[] = [];
  private carrier: Carrier | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private expiry: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(
    readonly id: string,
    nick: string,
    private readonly limits: SessionLimits,
    /** Called once when the detached session outlives `detachedTtlMs`. */
    private readonly onExpire: (session: Session) => void,
  ) {
    this.nick = nick;
    this.startExpiry();
  }

  get attached(): boolean {
    return this.carrier !== undefined;
  }

  get carrierKind(): Carrier['kind'] | undefined {
    return this.carrier?.kind;
  }

  /** Whether every frame after `lastSeq` is still in the replay window. */
  canResumeFrom(lastSeq: number): boolean {
    return lastSeq <= this.seq && lastSeq >= this.seq - this.log.length;
  }

  /**
   * Makes `carrier` the live downstream: ends the previous one (`bye` `replaced`), sends `welcome`,
   * replays every logged frame after `lastSeq`, then starts the heartbeat.
   */
  attach(carrier: Carrier, resumed: boolean, lastSeq: number): void {
    const previous = this.carrier;
    this.stopTimers();
    this.carrier = carrier;
    previous?.end({ t: 'bye', code: 'replaced', message: `session moved to another ${carrier.kind} connection`, retry: false });
    const cursor = resumed ? lastSeq : 0;
    carrier.send(
      { t: 'welcome', v: PROTOCOL_VERSION, session: this.id, resumed, seq: this.seq, rcid: this.rcid, hb: this.limits.heartbeatMs },
      this.eventId(cursor),
    );
    for (const frame of this.log) {
      if (frame.seq > cursor) carrier.send(frame, this.eventId(frame.seq));
    }
    if (this.limits.heartbeatMs > 0) {
      this.heartbeat = setInterval(() => this.carrier?.send({ t: 'ping', rcid: this.rcid }), this.limits.heartbeatMs);
      this.heartbeat.unref();
    }
  }

  /** Called when `carrier` closed; does nothing if the session has moved on to another carrier. */
  detach(carrier: Carrier): void {
    if (this.carrier !== carrier || this.disposed) return;
    this.carrier = undefined;
    this.stopTimers();
    this.startExpiry();
  }

  /** Emits a sequenced application event (logged; sent if attached). */
  emit(name: string, args: unknown[]): void {
    this.sequence({ t: 'event', seq: 0, name, args });
  }

  /** Sends the sequenced answer to the client event `cid`. */
  ack(cid: number, outcome: EventOutcome): void {
    const frame: ServerAckFrame = { t: 'ack', seq: 0, cid };
    if ('error' in outcome) frame.error = outcome.error;
    else frame.args = outcome.args;
    this.sequence(frame);
  }

  /** Sends an `error` frame to the live carrier; it is not sequenced, so a detached session loses it. */
  sendError(frame: ErrorFrame): void {
    this.carrier?.send(frame);
  }

  /** Ends the session for good: stops its timers and ends its carrier (with `bye` when given). */
  dispose(bye?: ByeFrame): void {
    if (this.disposed) return;
    this.disposed = true;
    this.stopTimers();
    const carrier = this.carrier;
    this.carrier = undefined;
    carrier?.end(bye);
  }

  private sequence(frame: SequencedFrame): void {
    if (this.disposed) return;
    this.seq += 1;
    frame.seq = this.seq;
    this.log.push(frame);
    if (this.log.length > this.limits.replayWindow) this.log.shift();
    this.carrier?.send(frame, this.eventId(frame.seq));
  }

  private eventId(seq: number): string {
    return `${this.id}:${seq}`;
  }

  private startExpiry(): void {
    this.expiry = setTimeout(() => {
      this.expiry = undefined;
      if (!this.disposed) this.onExpire(this);
    }, this.limits.detachedTtlMs);
    this.expiry.unref();
  }

  private stopTimers(): void {
    clearInterval(this.heartbeat);
    clearTimeout(this.expiry);
    this.heartbeat = undefined;
    this.expiry = undefined;
  }
}
