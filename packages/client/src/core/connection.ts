import { createAttempt, type Attempt, type AttemptHooks } from './attempt.js';
import { backoffDelay } from './backoff.js';
import type { TimerHandle } from './clock.js';
import { connectionFailure, failure, type Failure } from './classify.js';
import { RequestError } from './errors.js';
import { reactToEnvironment } from './environment-policy.js';
import { createFallbackMemory } from './fallback-memory.js';
import { createHeartbeat } from './heartbeat.js';
import type { Dispatcher, FallbackReason, LifecycleEvents } from './lifecycle.js';
import type { ResolvedOptions } from './options.js';
import type { ProtocolInput } from '../protocols/protocol.js';
import { createSession, type ReadyInput, type Session } from './session.js';
import { transition, type ConnectionState, type StateChangeReason } from './state.js';

/** The connection as the Client sees it. */
export interface Connection {
  readonly state: ConnectionState;
  /** The confirmed attempt messages flow through. */
  readonly current: Attempt | undefined;
  readonly session: Session;
  /** From idle or closed: connect; while reconnecting: retry now. */
  connect(): void;
  close(): void;
}

/**
 * The one place of connection policy: which endpoint to try (staggered fallback, remembered winner,
 * flaps, background re-probe), reconnect backoff, liveness, browser lifecycle. Messages live in {@link Session}.
 *
 * A round is one pass over the supported endpoints: it waits out the backoff delay, then
 * starts its first endpoint at once and the next one when the previous fails, or after
 * `fallbackDelayMs` if nothing has confirmed by then while the previous keeps trying. The first
 * attempt to confirm wins and ends the round.
 */
export function createConnection(
  options: ResolvedOptions,
  lifecycle: Dispatcher,
  deliver: (name: string, args: readonly unknown[]) => unknown,
): Connection {
  const { clock, backoff, endpoints, heartbeat: heartbeatOptions, fallbackMemory, minStableMs, reprobeAfterMs } = options;
  // Typed as possibly missing so that a remembered label (or none) can be looked up as it is.
  const labels: (string | undefined)[] = endpoints.map((endpoint) => endpoint.label);
  const report = <K extends keyof LifecycleEvents>(type: K, event: LifecycleEvents[K]) => void lifecycle.emit(type, [event]);
  const reportFallback = (from: number, to: number, reason: FallbackReason) => report('fallback', { from: labels[from]!, to: labels[to]!, reason });
  const session = createSession(options, { deliver, report, sendFailed: (attempt, error) => attempt.fail(failure('send-failed', error)) });
  // Without liveness (`heartbeat: false`) a suspicion never expires: an infinite grace.
  const heartbeat = createHeartbeat(clock, heartbeatOptions ? heartbeatOptions.timeoutMs : Infinity, (offline) =>
    current?.fail(
      connectionFailure(offline ? 'network' : 'heartbeat-timeout', offline ? 'silent while offline' : 'the server went silent', { url: current.endpoint.label }),
    ),
  );
  const memory = fallbackMemory ? createFallbackMemory(labels.join(' '), fallbackMemory, clock) : undefined;
  /** The attempts under way: those of the running round, or the current one and its probe. */
  let live = new Set<Attempt>();
  let state: ConnectionState = { status: 'idle' };
  /**
   * The confirmed attempt. Out of `live` once handed over: the server ended it because our re-probe
   * resumed its session; that probe then confirms (and takes over) or fails (and the connection is lost).
   */
  let current: Attempt | undefined;
  /** When `current` confirmed. */
  let confirmedAt = 0;
  let supported: boolean[] = [];
  /** The waiting round's timer, or the running round's fallback delay. */
  let timer: TimerHandle | undefined;
  /** The endpoint the waiting round starts with. */
  let first = 0;
  /** Never a zero-delay loop: skipping the wait still keeps `minDelayMs` since the last round started. */
  let lastRoundAt = -Infinity;
  /** The endpoints of the running round, in order; undefined between rounds. */
  let round: number[] | undefined;
  /** How many of them were started. */
  let started = 0;
  /** The worst failure of the running round: a terminal one wins over the others. */
  let worst: Failure | undefined;
  /**
   * The background re-probe: while connected on a worse endpoint, the best supported one is tried again
   * after `reprobeAfterMs`, the wait doubling (up to 32×) after each failed probe or flap. A probe that
   * confirms takes the session over. At most one probe is under way.
   */
  let probe: Attempt | undefined;
  let probeTimer: TimerHandle;
  let probeDelayMs = reprobeAfterMs;
  /** Failed reconnect rounds since the last stable connection. */
  let failures = 0;
  /** When the first failure of the current outage happened (bounds the backoff window). */
  let failingSince = 0;
  /**
   * Flap detection: a connection that dies within `minStableMs` of confirming (early) twice in a row on
   * the same endpoint is a flap of that endpoint (a proxy that accepts the upgrade, then kills it), and
   * the next round starts with the next endpoint; once alone is a glitch (a drop, a restart). This is
   * the endpoint of the last early loss not yet counted as a flap (-1: none).
   */
  let earlyLossOn = -1;
  /** An `open` was announced since `connect()`: the next one is a recovery. */
  let wasOpen = false;
  let unsubscribe: (() => void) | undefined;

  const set = (next: Exclude<ConnectionState, { status: 'idle' }>, reason: StateChangeReason): boolean => {
    const from = state;
    state = transition(from, next);
    if (state.status !== from.status) report('state', { from, to: state, reason });
    return state !== from;
  };
  const setOpen = (attempt: Attempt) => set({ status: 'open', endpoint: attempt.endpoint.label, transport: attempt.carrier }, 'confirmed');

  /** The endpoints of a round, in the order to try: `first`, then the others in list order, supported ones only. */
  const raceOrder = (first: number) => [first, ...supported.keys()].filter((index, position) => supported[index] && (position === 0 || index !== first));
  /** Where a round starts: the remembered winner for this endpoint list, if fresh, else the first. */
  const preferred = () => Math.max(0, labels.indexOf(memory?.get()));

  const launch = (index: number) => {
    const attempt = createAttempt(index, endpoints[index]!, session.cursor, options, hooks);
    live.add(attempt);
    return attempt;
  };

  const stopTimer = () => {
    clock.clearTimeout(timer);
    timer = undefined;
  };
  /** Starts a round from `from` after `delayMs` (at once when it is not positive), replacing a waiting one. */
  const schedule = (from: number, delayMs: number) => {
    stopTimer();
    first = from;
    if (delayMs > 0) timer = clock.setTimeout(startRound, delayMs);
    else startRound();
  };
  const startRound = () => {
    timer = undefined;
    lastRoundAt = clock.now();
    round = raceOrder(first);
    started = 0;
    worst = undefined;
    if (!round.length) terminate(connectionFailure('unsupported', 'no endpoint is supported here', {}, true));
    else advance();
  };
  /** Starts the round's next endpoint; false when none is left. */
  const advance = (reason?: FallbackReason): boolean => {
    stopTimer();
    const index = round![started++];
    if (index === undefined) return false;
    if (started < round!.length) timer = clock.setTimeout(() => advance('fallback-delay'), options.fallbackDelayMs);
    if (started > 1 && reason) reportFallback(round![started - 2]!, index, reason);
    launch(index).open();
    return true;
  };
  /** Starts the waiting round now, or as soon as the floor allows; nothing when no round waits. */
  const hurry = () => timer !== undefined && !round && schedule(first, lastRoundAt + backoff.minDelayMs - clock.now());

  /** Ends the round (waiting or running) and closes every attempt but `keep`. */
  const endRound = (keep?: Attempt) => {
    stopTimer();
    round = undefined;
    for (const other of live) if (other !== keep) other.close();
    live = new Set(keep && [keep]);
  };

  /** Plans a probe of the best supported endpoint while on a worse one, replacing any planned one. */
  const planProbe = () => {
    clock.clearTimeout(probeTimer);
    const best = supported.indexOf(true);
    const probed = current;
    if (probed && probed.index > best && reprobeAfterMs < Infinity) {
      probeTimer = clock.setTimeout(() => current === probed && (probe = launch(best)).open(), probeDelayMs);
    }
  };
  /** A probe failed, or the connection flapped: wait twice as long next time. */
  const backOffProbe = () => (probeDelayMs = Math.min(probeDelayMs * 2, reprobeAfterMs * 32));

  /** The current connection is gone: nothing watches it, messages wait. */
  const drop = () => {
    current = undefined;
    heartbeat.stop();
    clock.clearTimeout(probeTimer);
    session.attach(undefined);
  };

  const retry = (reason: Failure, from: number) => {
    if (++failures > backoff.maxAttempts) {
      return terminate(connectionFailure('max-attempts', `gave up after ${backoff.maxAttempts} attempts`, { cause: reason.error }, true));
    }
    if (failures == 1) failingSince = clock.now();
    const delayMs = backoffDelay(failures - 1, backoff, options.random, reason.retryAfterMs, clock.now() - failingSince);
    set({ status: 'reconnecting', attempt: failures, delayMs, reason: reason.reason }, reason.reason);
    report('reconnecting', { attempt: failures, delayMs, reason: reason.reason, error: reason.error });
    schedule(from, delayMs);
  };

  /** Applies a handshake: a session the server could not resume is a gap; its heartbeat is watched. */
  const handshake = (ready: ReadyInput) => {
    const { session: previous, lastSeq } = session.cursor;
    if (session.ready(ready)) report('gap', { session: previous, lastSeq });
    if (heartbeatOptions) heartbeat.start(ready.heartbeatMs ?? heartbeatOptions.intervalMs);
  };

  /**
   * The first real frame (or open, for raw servers): this attempt wins, or takes over from a worse one
   * (its probe); then its handshake (if that frame was one) applies, `open` is announced and what waits is sent.
   */
  const confirm = (attempt: Attempt, ready?: ReadyInput) => {
    const previous = current;
    attempt.confirm();
    confirmedAt = clock.now();
    heartbeat.stop();
    // While connected only the current attempt and its probe are live: this closes the one a probe replaces.
    endRound(attempt);
    if (previous) reportFallback(previous.index, attempt.index, 'upgrade');
    current = attempt;
    memory?.set(attempt.endpoint.label);
    setOpen(attempt);
    planProbe();
    if (ready) handshake(ready);
    report('open', { endpoint: attempt.endpoint.label, transport: attempt.carrier, resumed: ready?.resumed ?? false, recovered: wasOpen });
    wasOpen = true;
    session.attach(attempt);
    session.flush();
  };

  const receive = (attempt: Attempt, inputs: ProtocolInput[]) => {
    if (attempt === current) {
      heartbeat.touch();
      // The session moved to another carrier in place (Engine.IO's upgrade to WebSocket): same session, reported as a new `open`.
      if (state.status === 'open' && state.transport !== attempt.carrier) {
        setOpen(attempt);
        report('open', { endpoint: attempt.endpoint.label, transport: attempt.carrier, resumed: true, recovered: false });
      }
    }
    for (const input of inputs) {
      if (!live.has(attempt)) return;
      if (input.type === 'close') {
        // A re-probe resuming our session makes the server end this connection (envelope `bye`
        // `replaced`), often before the probe's welcome arrives: hand over to the probe, no blip.
        // A refusal (Socket.IO connect_error) ends an attempt without it ever counting as up.
        if (attempt === current && live.size > 1) {
          live.delete(attempt);
          attempt.close();
          heartbeat.stop();
          return session.attach(undefined);
        }
        const closed = connectionFailure('server-closed', `server bye: ${input.code}: ${input.message}`, {}, !input.retry);
        // Refused for every endpoint (a Socket.IO namespace's connect_error): the round ends now, no other endpoint asks again.
        return input.final ? terminate(closed) : attempt.fail(closed);
      }
      if (attempt !== current) {
        // Not up yet: a transport counts as working from its first real frame on.
        if (input.type === 'error') {
          report('error', { error: input.error });
          continue;
        }
        // A bare SSE position says nothing about whether the protocol works.
        if (input.type === 'cursor') continue;
        confirm(attempt, input.type === 'ready' ? input : undefined);
      } else if (input.type === 'ready') {
        handshake(input);
      }
      if (input.type !== 'ready') {
        const gap = session.receive(attempt, input);
        if (gap) {
          report('error', { error: gap });
          return attempt.fail(failure('sequence-gap', gap));
        }
      }
    }
  };

  /** The confirmed connection ended. */
  const lost = (index: number, reason: Failure) => {
    drop();
    const upFor = clock.now() - confirmedAt;
    // A stream the server ended cleanly (a CFML request timeout) is routine, as for a native EventSource:
    // reconnect from the first attempt, after its `retry:`, no flap. Unless the server ends streams at
    // once and asks for no wait: that would be a reconnect loop, so it counts as a failure.
    const clean = reason.reason === 'ended' && upFor + (reason.retryAfterMs ?? 0) >= minStableMs;
    if (clean || upFor >= backoff.stableAfterMs) failures = 0;
    if (reason.terminal) return terminate(reason);
    report('close', { reason: reason.reason, error: reason.error, terminal: false });
    const early = !clean && upFor < minStableMs;
    if (early) backOffProbe();
    const flapped = early && earlyLossOn === index;
    earlyLossOn = early && !flapped ? index : -1;
    const next = flapped ? raceOrder((index + 1) % endpoints.length)[0] : undefined;
    if (next !== undefined && next !== index) reportFallback(index, next, reason.reason);
    retry(reason, next ?? preferred());
  };

  const failed = (attempt: Attempt, reason: Failure) => {
    if (!live.delete(attempt)) return;
    // The current attempt failed, or it was handed over and the last hope (its probe) failed.
    if (current && !live.has(current) && (attempt === current || !live.size)) return lost(current.index, reason);
    if (attempt === probe) {
      if (current) {
        backOffProbe();
        return planProbe();
      }
    } else if (round) {
      // An attempt of the round failed: remember why and move on to the next endpoint at once.
      if (!worst?.terminal) worst = reason;
      if (advance(reason.reason)) return;
    }
    // The round is over: every attempt failed (a probe that outlived its connection included).
    if (!current && round && !live.size) {
      const last = worst ?? reason;
      round = undefined;
      if (last.terminal) terminate(last);
      else retry(last, preferred());
    }
  };

  /** Final: `close()` or a terminal failure. Pending requests are rejected, the outbox emptied. */
  const terminate = (reason: Failure) => {
    if (state.status === 'closed') return;
    const user = reason.reason === 'user';
    // A user's close() is final: the protocol may say goodbye first (Socket.IO DISCONNECT), best effort.
    const bye = user ? current?.codec?.onClose?.() : undefined;
    if (bye?.length) current!.send(bye).catch(() => undefined);
    endRound();
    drop();
    unsubscribe?.();
    session.terminate(new RequestError('closed', user ? 'client closed' : `connection closed: ${reason.error?.message ?? reason.reason}`, { cause: reason.error }));
    set({ status: 'closed', reason: reason.reason, error: reason.error }, reason.reason);
    report('close', { reason: reason.reason, error: reason.error, terminal: true });
  };

  const hooks: AttemptHooks = {
    opened: (attempt) => attempt.codec?.confirmOn === 'open' && confirm(attempt),
    inputs: receive,
    failed,
    error: (error) => report('error', { error }),
  };

  return {
    get state() {
      return state;
    },
    get current() {
      return current;
    },
    session,
    connect() {
      if (state.status === 'reconnecting') return hurry();
      if (!set({ status: 'connecting' }, 'connect')) return;
      failures = 0;
      earlyLossOn = -1;
      wasOpen = false;
      probeDelayMs = reprobeAfterMs;
      supported = endpoints.map((endpoint) => endpoint.isSupported(options.platform));
      unsubscribe = reactToEnvironment(options.environment, clock, options.retryOnVisibleAfterHiddenMs, heartbeat, hurry);
      schedule(preferred(), 0);
    },
    close: () => terminate({ reason: 'user', error: undefined, terminal: true }),
  };
}
