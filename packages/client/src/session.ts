import type { Attempt } from './attempt.js';
import { ProtocolError, RequestError, UnisocketError } from './errors.js';
import type { LifecycleEvents } from './lifecycle.js';
import type { ResolvedOptions } from './options.js';
import { createOutbox, estimateBytes, sizeOf, type OutboxEntry } from './outbox.js';
import { createPendingAcks } from './pending-acks.js';
import type { ProtocolInput, ResumeCursor } from './protocol/protocol.js';
import type { OutboundFrame } from './transports/transport.js';

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
  /** Queues a message and sends it if connected. Throws `outbox-full`. */
  enqueue(name: string, args: readonly unknown[], raw: boolean): void;
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

export function createSession(options: ResolvedOptions, hooks: SessionHooks): Session {
  const { report } = hooks;
  const outbox = createOutbox(options.outbox);
  let reported = '0 0';
  /** Reports the outbox when what waits changed (a message sent at once changes nothing). */
  const changed = () => {
    const { size, bytes } = outbox;
    if (reported != (reported = `${size} ${bytes}`)) report('outbox', { size, bytes });
  };
  const acks = createPendingAcks(options.clock, (localId) => outbox.cancel(localId) && changed());
  const unsupported = () => new UnisocketError('unsupported', 'this protocol has no acks: use emit()');
  const confirm = (cid: number | undefined) => cid != null && outbox.confirm(cid);
  const sendOrReport = (attempt: Attempt, frames: readonly OutboundFrame[]) =>
    attempt.send(frames).catch((error: UnisocketError) => report('error', { error }));
  let attached: Attempt | undefined;
  /** The attempt with a send in flight: sends are serialised so `cid`s reach the server in order. */
  let busy: Attempt | undefined;
  let nextCid = 1;
  let lastLocalId = 0;

  /** Queues a message and sends what waits; the size is estimated only if it has to wait. */
  const enqueue = (name: string, args: readonly unknown[], wantsAck: boolean, raw: boolean, answer?: (localId: number) => Promise<unknown>) => {
    const localId = ++lastLocalId;
    const now = attached?.codec && !busy && !outbox.size;
    const dropped = outbox.push({ localId, name, args, wantsAck, raw, bytes: now ? 0 : estimateBytes(name, args, raw) });
    if (dropped.length) {
      const error = new RequestError('outbox-full', `the outbox is full: dropped the ${dropped.length} oldest messages`);
      for (const old of dropped) acks.settle(old.localId, error);
      report('error', { error, dropped });
    }
    const answered = answer?.(localId);
    flush();
    return answered;
  };

  const flush = () => {
    const attempt = attached;
    const codec = attempt?.codec;
    const entries = codec && !busy ? outbox.take() : [];
    const frames: OutboundFrame[] = [];
    const sent: OutboxEntry[] = [];
    for (const entry of entries) {
      if (entry.wantsAck && !codec!.supportsAcks) {
        outbox.settle([entry]);
        acks.settle(entry.localId, unsupported());
        continue;
      }
      if (codec!.supportsAcks) acks.bind(entry.localId, (entry.cid ??= nextCid++));
      const frame = entry.raw && !codec!.supportsAcks ? codec!.encodeMessage(entry.args[0] as OutboundFrame) : codec!.encodeEvent(entry.name, entry.args, entry.cid ?? 0, entry.wantsAck);
      // Its size, should it have to wait again (sent, then the connection lost before the server confirmed it).
      entry.bytes ||= sizeOf(frame);
      frames.push(frame);
      sent.push(entry);
    }
    changed();
    if (!frames.length) return;
    // A WebSocket puts frames on the wire in order inside send(): no need to wait for it, so a burst
    // of emits on an open socket never piles up in the outbox. That holds for the carrier in use (an
    // Engine.IO session upgraded in place keeps its sends in order itself). Request-based carriers
    // (SSE POST, polling) are serialised, one batch per request.
    const onSocket = attempt!.carrier == 'websocket';
    if (!onSocket) busy = attempt;
    // Without acks (raw), or without an ack asked from an acks-only server, a message is done once the transport took it.
    const done = codec!.supportsAcks ? (codec!.acksOnly ? sent.filter((entry) => !entry.wantsAck) : []) : sent;
    attempt!.send(frames.length > 1 && codec!.batch && !onSocket ? [codec!.batch(frames)] : frames).then(
      () => {
        outbox.settle(done);
        if (onSocket || busy != attempt) return;
        busy = undefined;
        flush();
      },
      (error: UnisocketError) => {
        if (!onSocket && busy != attempt) return;
        busy = undefined;
        report('error', { error });
        hooks.sendFailed(attempt!, error);
      },
    );
  };

  const session: Session = {
    cursor: {},
    enqueue(name, args, raw) {
      enqueue(name, args, false, raw);
    },
    // An aborted signal rejects at once (the message leaves the outbox before it is sent); a protocol
    // without acks rejects with `unsupported` when the message would be sent.
    request: (name, args, timeoutMs, signal) => enqueue(name, args, true, false, (localId) => acks.add(localId, timeoutMs, signal, name))!,
    attach(attempt) {
      attached = attempt;
      busy = undefined;
      outbox.requeue();
    },
    ready(input) {
      const asked = session.cursor.session !== undefined;
      if (input.resumed) {
        confirm(input.confirmedCid);
      } else {
        // A new session: the server knows none of our ids. Unconfirmed messages are numbered again
        // from 1; answers to messages the old session processed can no longer come.
        session.cursor = { lastSeq: 0 };
        nextCid = 1;
        outbox.renumber();
        acks.rejectWhere(new RequestError('closed', 'the session ended before the answer arrived'), outbox.has);
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
          const result = hooks.deliver(input.name, input.args);
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
          hooks.deliver('message', [input.data]);
          break;
        case 'ack':
          // The server processes cids in order: an answer to `cid` confirms every cid up to it.
          confirm(input.cid);
          acks.answer(input.cid, input.args, input.error);
          break;
        case 'ping':
          confirm(input.confirmedCid);
          report('heartbeat', { at: options.clock.now() });
          break;
        case 'reply':
          sendOrReport(attempt, input.frames);
          break;
        case 'error':
          report('error', { error: input.error });
      }
      return undefined;
    },
    flush,
    terminate(error) {
      session.attach(undefined);
      session.cursor = {};
      acks.rejectWhere(error);
      outbox.clear();
      changed();
    },
  };
  return session;
}
