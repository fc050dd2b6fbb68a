import type { Attempt } from './attempt.js';
import type { TimerHandle } from './clock.js';
import { ProtocolError, RequestError, UnisocketError } from './errors.js';
import type { LifecycleEvents } from './lifecycle.js';
import type { ResolvedOptions } from './options.js';
import { createOutbox, estimateBytes, sizeOf, type OutboxEntry } from './outbox.js';
import type { ProtocolInput, ResumeCursor } from '../protocols/protocol.js';
import type { OutboundFrame } from '../transports/transport.js';

export interface SessionHooks {
  /** Calls the application's listeners of `name`; returns what the first one returned (an ack answer). */
  deliver(name: string, args: readonly unknown[]): unknown;
  report<K extends keyof LifecycleEvents>(type: K, event: LifecycleEvents[K]): void;
  /** An upstream send failed: the entries stay, the transport should be replaced. */
  sendFailed(attempt: Attempt, error: UnisocketError): void;
}

export type ReadyInput = Extract<ProtocolInput, { type: 'ready' }>;

/**
 * What survives reconnects: the resume cursor, the outbox and the pending acks. The Connection
 * attaches the current transport's attempt; messages flow only through that one.
 */
export interface Session {
  /** Where a resumed session continues from (replaced on a new session). */
  cursor: ResumeCursor;
  /**
   * Queues a message and sends it if connected; `volatile`: only if it can go out now, else it is
   * dropped (false). Throws `outbox-full`, or `too-large` when it was to go out now.
   */
  enqueue(name: string, args: readonly unknown[], raw: boolean, volatile?: boolean): boolean;
  /** `emitWithAck`: queues the event and waits for its ack. Throws `outbox-full`. */
  request(name: string, args: readonly unknown[], timeoutMs: number, signal: AbortSignal | undefined): Promise<unknown>;
  /** Makes `attempt` the one messages go through (or none); what was sent but not confirmed goes out again. */
  attach(attempt: Attempt | undefined): void;
  /** A handshake finished. Returns true when a resume was asked for and refused (a gap). */
  ready(input: ReadyInput): boolean;
  /** Handles one input of the attached attempt; returns a `sequence-gap` error when frames were skipped. */
  receive(attempt: Attempt, input: ProtocolInput): ProtocolError | undefined;
  /** Sends what waits, in order. */
  flush(): void;
  /** A terminal close: every pending request is rejected with `error`, the outbox emptied, the session forgotten. */
  terminate(error: RequestError): void;
}

/**
 * An `emitWithAck` request waiting for its answer, kept by its outbox entry (which may have left the
 * outbox, confirmed but not answered yet). It has a deadline on the injected clock and may be aborted.
 */
interface PendingRequest {
  /** When it times out, on the clock (Infinity: never). */
  deadline: number;
  timeoutMs: number;
  /** Rejects with `error`, or resolves with `value`; stops listening to the abort signal. */
  finish(error: Error | undefined, value: unknown): void;
}

export function createSession(options: ResolvedOptions, hooks: SessionHooks): Session {
  const { report, deliver } = hooks;
  const { clock } = options;
  const outbox = createOutbox(options.outbox);
  let reported = '0 0';
  /** Reports the outbox when what waits changed (a message sent at once changes nothing). */
  const changed = () => {
    const { size, bytes } = outbox;
    if (reported != (reported = `${size} ${bytes}`)) report('outbox', { size, bytes });
  };
  const reportError = (error: UnisocketError) => report('error', { error });
  const sendOrReport = (attempt: Attempt, frames: readonly OutboundFrame[]) => attempt.send(frames).catch(reportError);

  const requests = new Map<OutboxEntry, PendingRequest>();
  /** Entries with a pending request, by the cid they went out with in the current session. */
  const byCid = new Map<number, OutboxEntry>();
  // One timer serves every deadline: it is armed for the earliest one and, when it fires, times out
  // what is due and re-arms for the next. A request that settles leaves it armed (it finds nothing
  // due and re-arms), so a round trip costs no timer call; it stops when nothing waits at a terminal close.
  let timer: TimerHandle;
  let timerAt = Infinity;
  const arm = (at: number) => {
    if (at >= timerAt) return;
    clock.clearTimeout(timer);
    timerAt = at;
    timer = clock.setTimeout(expire, at - clock.now());
  };
  const expire = () => {
    const now = clock.now();
    let next = Infinity;
    timerAt = Infinity;
    for (const [entry, { deadline, timeoutMs }] of requests) {
      if (deadline <= now) giveUp(entry, new RequestError('ack-timeout', `no ack for "${entry.name}" within ${timeoutMs} ms`));
      else next = Math.min(next, deadline);
    }
    arm(next);
  };
  /** Finishes the request of `entry`, if it has one, once: rejects with `error`, or resolves with `value`. */
  const settle = (entry: OutboxEntry, error?: Error, value?: unknown) => {
    const request = requests.get(entry);
    if (!request) return;
    requests.delete(entry);
    // Cids are unique in a session and forgotten when it ends: this one can only be the entry's.
    byCid.delete(entry.cid!);
    request.finish(error, value);
  };
  /** A timeout or an abort: the message is dropped too if it has not left yet. */
  const giveUp = (entry: OutboxEntry, error: RequestError) => {
    settle(entry, error);
    if (outbox.cancel(entry)) changed();
  };
  /** The session ended: rejects every request for which `keep` is false (all without `keep`); every cid is forgotten. */
  const endSession = (error: Error, keep?: (entry: OutboxEntry) => boolean) => {
    for (const entry of requests.keys()) if (!keep?.(entry)) settle(entry, error);
    // The kept requests go out again with new cids, and are bound to them then.
    byCid.clear();
    if (!requests.size) {
      clock.clearTimeout(timer);
      timerAt = Infinity;
    }
  };

  let attached: Attempt | undefined;
  /** The attempt with a send in flight: sends are serialised so `cid`s reach the server in order. */
  let busy: Attempt | undefined;
  let nextCid = 1;
  let lastLocalId = 0;

  /** Whether a message would go out at once: connected, nothing in flight on a request carrier, nothing waiting. */
  const sendsNow = () => attached?.codec && !busy && !outbox.size;
  /** Queues a message; the size is estimated only if it has to wait. */
  const queue = (name: string, args: readonly unknown[], wantsAck: boolean, raw: boolean) => {
    const entry: OutboxEntry = { localId: ++lastLocalId, name, args, wantsAck, raw, bytes: sendsNow() ? 0 : estimateBytes(name, args, raw) };
    const dropped = outbox.push(entry);
    if (dropped.length) {
      const error = new RequestError('outbox-full', `the outbox is full: dropped the ${dropped.length} oldest messages`);
      for (const old of dropped) settle(old, error);
      report('error', { error, dropped });
    }
    return entry;
  };

  /** The entry `enqueue` is adding now, and the error it throws when the server would refuse it. */
  let adding: OutboxEntry | undefined;
  let refused: RequestError | undefined;
  /**
   * A message larger than the server announced it takes fails alone, before it leaves (sent, it would
   * make the server close the connection, and again after every reconnect): `emitWithAck` rejects, an
   * `emit` throws when it was about to go out at once, else it is reported as dropped.
   */
  const tooLarge = (entry: OutboxEntry) => {
    outbox.settle([entry]);
    const error = new RequestError('too-large', `"${entry.name}" is larger than the server takes`);
    if (requests.has(entry)) settle(entry, error);
    else if (entry == adding) refused = error;
    else report('error', { error, dropped: [entry] });
  };

  const flush = () => {
    const attempt = attached;
    const codec = attempt?.codec;
    if (!codec || busy) return changed();
    const { supportsAcks, acksOnly } = codec;
    const frames: OutboundFrame[] = [];
    const done: OutboxEntry[] = [];
    for (const entry of outbox.take()) {
      const { name, args, wantsAck, raw } = entry;
      if (wantsAck && !supportsAcks) {
        outbox.settle([entry]);
        settle(entry, new UnisocketError('unsupported', 'this protocol has no acks: use emit()'));
        continue;
      }
      if (supportsAcks) {
        entry.cid ??= nextCid++;
        if (requests.has(entry)) byCid.set(entry.cid, entry);
      }
      const frame = raw && !supportsAcks ? codec.encodeMessage(args[0] as OutboundFrame) : codec.encodeEvent(name, args, entry.cid ?? 0, wantsAck);
      if (!attempt.fits(frame)) {
        tooLarge(entry);
        continue;
      }
      // Its size, should it have to wait again (sent, then the connection lost before the server confirmed it).
      entry.bytes ||= sizeOf(frame);
      frames.push(frame);
      // Without an ack asked from an acks-only server, a message goes at most once: done now, never sent again
      // (not even when this send fails). Without acks (raw), a message is done once the transport took it.
      if (acksOnly && !wantsAck) outbox.settle([entry]);
      if (!supportsAcks) done.push(entry);
    }
    changed();
    if (!frames.length) return;
    // A WebSocket puts frames on the wire in order inside send(): no need to wait for it, so a burst
    // of emits on an open socket never piles up in the outbox. That holds for the carrier in use (an
    // Engine.IO session upgraded in place keeps its sends in order itself). Request-based carriers
    // (SSE POST, polling) are serialised, one batch per request.
    const onSocket = attempt.carrier == 'websocket';
    if (!onSocket) busy = attempt;
    attempt.send(frames.length > 1 && codec.batch && !onSocket ? [codec.batch(frames)] : frames).then(
      () => {
        outbox.settle(done);
        if (!onSocket && busy == attempt) {
          busy = undefined;
          flush();
        }
      },
      (error: UnisocketError) => {
        if (onSocket || busy == attempt) {
          busy = undefined;
          reportError(error);
          hooks.sendFailed(attempt, error);
        }
      },
    );
  };

  const session: Session = {
    cursor: {},
    enqueue(name, args, raw, volatile) {
      if (volatile && !sendsNow()) return false;
      adding = queue(name, args, false, raw);
      flush();
      const error = refused;
      adding = refused = undefined;
      if (error) throw error;
      return true;
    },
    // An aborted signal rejects at once (the message leaves the outbox before it is sent); a protocol
    // without acks rejects with `unsupported` when the message would be sent.
    request(name, args, timeoutMs, signal) {
      const entry = queue(name, args, true, false);
      const answer = new Promise((resolve, reject) => {
        const deadline = clock.now() + timeoutMs;
        const abort = () => giveUp(entry, new RequestError('aborted', `"${name}" was aborted`, { cause: signal?.reason }));
        requests.set(entry, {
          deadline,
          timeoutMs,
          finish(error, value) {
            signal?.removeEventListener('abort', abort);
            if (error) reject(error);
            else resolve(value);
          },
        });
        if (signal?.aborted) return abort();
        signal?.addEventListener('abort', abort);
        arm(deadline);
      });
      flush();
      return answer;
    },
    attach(attempt) {
      attached = attempt;
      busy = undefined;
      outbox.requeue();
      // Connection lost: what was sent but not confirmed waits again, and `outbox` says so (a new
      // attempt sends it at once, and its flush reports).
      if (!attempt) changed();
    },
    ready(input) {
      const asked = session.cursor.session !== undefined;
      if (input.resumed) {
        outbox.confirm(input.confirmedCid);
      } else {
        // A new session: the server knows none of our ids. Unconfirmed messages are numbered again
        // from 1; answers to messages the old session processed can no longer come.
        session.cursor = { lastSeq: 0 };
        nextCid = 1;
        outbox.renumber();
        endSession(new RequestError('closed', 'the session ended before the answer arrived'), outbox.has);
      }
      if (input.session !== undefined) session.cursor.session = input.session;
      return asked && !input.resumed;
    },
    receive(attempt, input) {
      const { cursor } = session;
      const { seq, eventId, offset } = input as { seq?: unknown; eventId?: string; offset?: string };
      if (typeof seq == 'number' && typeof cursor.lastSeq == 'number') {
        if (seq <= cursor.lastSeq) return undefined; // a replayed duplicate
        if (seq > cursor.lastSeq + 1) return new ProtocolError('sequence-gap', `expected seq ${cursor.lastSeq + 1}, got ${seq}`, { frame: input });
        cursor.lastSeq = seq;
      }
      if (eventId !== undefined) cursor.lastEventId = eventId;
      if (offset !== undefined) cursor.lastSeq = offset;
      switch (input.type) {
        case 'event': {
          const result = deliver(input.name, input.args);
          const { ackId } = input;
          if (ackId !== undefined) {
            void Promise.resolve(result).then((value) => {
              const frame = attempt.codec?.encodeAckReply(ackId, value === undefined ? [] : [value]);
              if (frame !== undefined && attached == attempt) sendOrReport(attempt, [frame]);
            });
          }
          break;
        }
        case 'message':
          deliver('message', [input.data]);
          break;
        case 'ack': {
          const { cid, error } = input;
          // The envelope server processes cids in order: an answer to `cid` confirms every cid up to it.
          // An acks-only server (Socket.IO) answers each when its handler is done: that one only.
          if (attempt.codec?.acksOnly) outbox.confirmOne(cid);
          else outbox.confirm(cid);
          const entry = byCid.get(cid);
          if (entry) settle(entry, error && new ProtocolError('server-error', `the server answered ${error.code}: ${error.message}`), input.args[0]);
          break;
        }
        case 'ping':
          outbox.confirm(input.confirmedCid);
          report('heartbeat', { at: clock.now() });
          break;
        case 'reply':
          sendOrReport(attempt, input.frames);
          break;
        case 'error':
          reportError(input.error);
      }
      return undefined;
    },
    flush,
    terminate(error) {
      attached = busy = undefined;
      session.cursor = {};
      endSession(error);
      outbox.clear();
      changed();
    },
  };
  return session;
}
