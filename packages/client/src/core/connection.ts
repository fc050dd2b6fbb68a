import { createAttempt, type Attempt, type AttemptHooks } from './attempt.js';
import type { TimerHandle } from './clock.js';
import { byeFailure, connectionFailure, failure, type Failure } from './classify.js';
import type { AttemptContext } from './endpoint.js';
import { RequestError } from './errors.js';
import { reactToEnvironment } from './environment-policy.js';
import { createFallbackMemory } from './fallback-memory.js';
import { createHeartbeat } from './heartbeat.js';
import type { Dispatcher, FallbackReason, LifecycleEvents } from './lifecycle.js';
import type { ResolvedOptions } from './options.js';
import type { ProtocolInput } from '../protocols/protocol.js';
import { decideRetry, isDenied, offlineProbeDelay, refreshableCredentials, type RetryDecision } from './retry.js';
import { createReprobe } from './reprobe.js';
import { afterLoss, preferredStart, raceOrder } from './route.js';
import { createSession, type ReadyInput, type Session } from './session.js';
import { transition, type ConnectionState, type StateChangeReason } from './state.js';

/** The connection as the Client sees it. */
export interface Connection {
  readonly state: ConnectionState;
  /** The confirmed attempt messages flow through. */
  readonly current: Attempt | undefined;
  readonly session: Session;
  /** From idle or closed: connect; while reconnecting or suspended: retry now. */
  connect(): void;
  close(): void;
}

/**
 * The wiring of the connection policy: timers, attempts, the session and the lifecycle channel. The
 * decisions are pure functions beside it: which endpoint next (`route.ts`: race order, remembered
 * winner, flaps, background re-probe) and when (`retry.ts`: backoff, suspension, offline, credentials
 * refused). Messages live in {@link Session}.
 *
 * A round is one pass over the supported endpoints: it waits out the retry delay, then starts its
 * first endpoint at once and the next one when the previous fails, or after `fallbackDelayMs` if
 * nothing has confirmed by then while the previous keeps trying. The first attempt to confirm wins
 * and ends the round. It also ends when the attempt it started last failed while earlier ones still
 * hang (past the fallback delay): those keep trying into the next rounds, which start the others.
 *
 * (Past 300 lines: rounds, the hand-over to a probe, liveness and the session share the state below;
 * nothing here decides, it only applies what retry.ts and route.ts decided.)
 */
export function createConnection(
  options: ResolvedOptions,
  lifecycle: Dispatcher,
  deliver: (name: string, args: readonly unknown[]) => unknown,
): Connection {
  const { clock, backoff, endpoints, heartbeat: heartbeatOptions, fallbackMemory, minStableMs, reprobeAfterMs, environment } = options;
  // Typed as possibly missing so that a remembered label (or none) can be looked up as it is.
  const labels: (string | undefined)[] = endpoints.map((endpoint) => endpoint.label);
  const report = <K extends keyof LifecycleEvents>(type: K, event: LifecycleEvents[K]) => void lifecycle.emit(type, [event]);
  const reportFallback = (from: number, to: number, reason: FallbackReason) => report('fallback', { from: labels[from]!, to: labels[to]!, reason });
  // An upstream refused for its credentials (a POST answered 401/403) is a refusal like the stream's: asked again once, then final.
  const session = createSession(options, { deliver, report, sendFailed: (attempt, error) => attempt.fail(failure('send-failed', error, error.code == 'unauthorized')) });
  // Without liveness (`heartbeat: false`) a suspicion never expires: an infinite grace.
  const heartbeat = createHeartbeat(clock, heartbeatOptions ? heartbeatOptions.timeoutMs : Infinity, (offline) =>
    current?.fail(
      connectionFailure(offline ? 'network' : 'heartbeat-timeout', offline ? 'silent while offline' : 'the server went silent', { url: current.endpoint.label }),
    ),
  );
  const memory = fallbackMemory ? createFallbackMemory(labels.join(' '), fallbackMemory, clock) : undefined;
  const refreshable = refreshableCredentials(options);
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
  /** The attempt the running round started last. */
  let latest: Attempt | undefined;
  /** A round of this outage ended with an attempt still hanging: the next ones start every endpoint at once. */
  let hung = false;
  /** The worst failure of the running round: a terminal one wins over the others. */
  let worst: Failure | undefined;
  /** Failed reconnect rounds since the last stable connection. */
  let failures = 0;
  /** When the first failure of the current outage happened. */
  let failingSince = 0;
  /** Why the last round (or connection) failed: what the credential functions of the next attempts are told. */
  let lastFailure: Failure | undefined;
  /** Credentials were refused since the connection was last stable (the next refusal is final, even after a short-lived open). */
  let denied = false;
  /** The browser says it is offline: no round starts but the safety probe (or `online`). */
  let offline = false;
  /** See route.ts `afterLoss`. */
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
  const preferred = () => preferredStart(labels, memory?.get());

  const launch = (index: number) => {
    const context: AttemptContext = { attempt: failures, reason: lastFailure?.reason, error: lastFailure?.error, unauthorized: !!lastFailure && isDenied(lastFailure) };
    const attempt = createAttempt(index, endpoints[index]!, session.cursor, options, hooks, context);
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
    // An attempt still trying since an earlier round goes on (see `failed`): the round starts the others.
    // (Never all of them: a round ends only once the attempt it started last failed.)
    round = raceOrder(first, supported).filter((index) => ![...live].some((attempt) => attempt.index == index));
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
    if (started < round!.length) timer = clock.setTimeout(() => advance('fallback-delay'), hung ? 0 : options.fallbackDelayMs);
    if (started > 1 && reason) reportFallback(round![started - 2]!, index, reason);
    (latest = launch(index)).open();
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

  const probe = createReprobe(clock, reprobeAfterMs, launch, (attempt) => attempt === current);

  /** The current connection is gone: nothing watches it, messages wait. */
  const drop = () => {
    current = undefined;
    heartbeat.stop();
    probe.cancel();
    session.attach(undefined);
  };

  /** Whether and when to try again after `reason` (retry.ts). */
  const plan = (reason: Failure): RetryDecision =>
    decideRetry(
      { failure: reason, attempt: failures + 1, outageMs: failures ? clock.now() - failingSince : 0, offline, refreshable, deniedBefore: denied },
      backoff,
      options.random,
      options.retryPolicy,
    );
  /** Announces reconnect `attempt` after `delayMs` (state and lifecycle), then starts a round from `from`. */
  const retry = (status: 'reconnecting' | 'suspended', attempt: number, delayMs: number, offline: boolean, from: number) => {
    const { reason, error } = lastFailure!;
    set({ status, attempt, delayMs, reason }, reason);
    report('reconnecting', { attempt, delayMs, reason, error, offline });
    schedule(from, delayMs);
  };
  /** Waits as `decision` says, then starts a round from `from`. */
  const wait = (reason: Failure, decision: Exclude<RetryDecision, { stop: Failure }>, from: number) => {
    if (!failures++) failingSince = clock.now();
    lastFailure = reason;
    if (decision.refresh) denied = true;
    retry(decision.suspended ? 'suspended' : 'reconnecting', failures, decision.delayMs, decision.offline, from);
  };
  /** The browser went offline while a round waits: it now waits for `online`, or the safety probe (the same attempt, later). */
  const waitForOnline = () => {
    if (timer !== undefined && !round && (state.status == 'reconnecting' || state.status == 'suspended')) {
      retry(state.status, state.attempt, offlineProbeDelay(backoff, options.random), true, first);
    }
  };

  /** Applies a handshake: a session the server could not resume is a gap; its heartbeat is watched. */
  const handshake = (ready: ReadyInput) => {
    const { session: previous, lastSeq } = session.cursor;
    if (session.ready(ready)) report('gap', { session: previous, lastSeq });
    // A heartbeat that is not a positive number (a broken server) falls back to the default.
    if (heartbeatOptions) heartbeat.start(ready.heartbeatMs! > 0 ? ready.heartbeatMs! : heartbeatOptions.intervalMs);
  };

  /**
   * The first real frame (or open, for raw servers): this attempt wins, or takes over from a worse one
   * (its probe); then its handshake (if that frame was one) applies, `open` is announced and what waits is sent.
   */
  const confirm = (attempt: Attempt, ready?: ReadyInput) => {
    const previous = current;
    attempt.confirm();
    confirmedAt = clock.now();
    hung = false;
    heartbeat.stop();
    // While connected only the current attempt and its probe are live: this closes the one a probe replaces.
    endRound(attempt);
    if (previous) reportFallback(previous.index, attempt.index, 'upgrade');
    current = attempt;
    memory?.set(attempt.endpoint.label);
    setOpen(attempt);
    probe.plan(attempt, supported);
    if (ready) handshake(ready);
    // A protocol without sessions (raw) cannot resume: after a lost connection messages may be missing,
    // unless an SSE stream resumes from its Last-Event-ID.
    else if (wasOpen && !previous && attempt.codec?.confirmOn == 'open' && !(attempt.endpoint.kind == 'sse' && session.cursor.lastEventId)) {
      report('gap', { session: undefined, lastSeq: undefined });
    }
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
        const closed = byeFailure(input);
        // Refused for every endpoint (a Socket.IO namespace's connect_error): the round ends now, no other
        // endpoint asks again; unless it refused the credentials, which are asked for again first.
        return input.final && !input.denied ? terminate(closed) : attempt.fail(closed);
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
    const loss = afterLoss({ index, upForMs: clock.now() - confirmedAt, failure: reason, earlyLossOn, supported, minStableMs, stableAfterMs: backoff.stableAfterMs });
    // A stable connection starts the count again, and proved its credentials (a refusal after it is a first one).
    if (loss.resetAttempts) {
      failures = 0;
      denied = false;
    }
    const decision = plan(reason);
    if (decision.stop) return terminate(decision.stop);
    report('close', { reason: reason.reason, error: reason.error, terminal: false });
    if (loss.early) probe.backOff();
    earlyLossOn = loss.earlyLossOn;
    const next = loss.startWith;
    if (next !== undefined && next !== index) reportFallback(index, next, reason.reason);
    wait(reason, decision, next ?? preferred());
  };

  const failed = (attempt: Attempt, reason: Failure) => {
    if (!live.delete(attempt)) return;
    // The current attempt failed, or it was handed over and the last hope (its probe) failed.
    if (current && !live.has(current) && (attempt === current || !live.size)) return lost(current.index, reason);
    if (attempt === probe.attempt) {
      if (current) {
        probe.backOff();
        return probe.plan(current, supported);
      }
    } else if (round) {
      // An attempt of the round failed: remember why and move on to the next endpoint at once.
      if (!worst?.terminal) worst = reason;
      if (advance(reason.reason)) return;
    }
    // The round is over once the attempt it started last failed: every attempt failed (a probe that
    // outlived its connection included), or those left have hung past the fallback delay. Those go on;
    // the next round starts the others after the retry delay, as if they had failed. A hang may be the
    // browser's: Firefox holds back a WebSocket to a server that refused it (RFC 6455 section 7.2.3),
    // longer after each failure, up to a minute, and the page sees it connecting. Waiting for it kept
    // a round open that long, with SSE refused at its start: a server back meanwhile went unnoticed.
    if (!current && round && !live.has(latest!)) {
      hung ||= live.size > 0;
      const last = worst ?? reason;
      round = undefined;
      const decision = plan(last);
      if (decision.stop) terminate(decision.stop);
      else wait(last, decision, preferred());
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
      if (state.status == 'reconnecting' || state.status == 'suspended') return hurry();
      if (!set({ status: 'connecting' }, 'connect')) return;
      failures = 0;
      earlyLossOn = -1;
      wasOpen = denied = hung = false;
      lastFailure = undefined;
      probe.reset();
      supported = endpoints.map((endpoint) => endpoint.isSupported(options.platform));
      offline = environment.online?.() === false;
      unsubscribe = reactToEnvironment(environment, clock, options.retryOnVisibleAfterHiddenMs, heartbeat, hurry, (online) => {
        offline = !online;
        if (offline) waitForOnline();
      });
      schedule(preferred(), 0);
    },
    close: () => terminate({ reason: 'user', error: undefined, terminal: true }),
  };
}
