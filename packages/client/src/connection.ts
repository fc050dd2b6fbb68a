import { createAttempt, type Attempt, type AttemptHooks } from './attempt.js';
import { backoffDelay } from './backoff.js';
import { failure, type Failure } from './classify.js';
import { createEndpointRace, raceOrder, type EndpointRace } from './endpoint-race.js';
import { ConnectionError, RequestError } from './errors.js';
import { reactToEnvironment } from './environment-policy.js';
import { createFallbackMemory } from './fallback-memory.js';
import { createFlapDetector } from './flap.js';
import { createHeartbeat } from './heartbeat.js';
import type { Dispatcher, LifecycleEvents } from './lifecycle.js';
import type { ResolvedOptions } from './options.js';
import type { ProtocolInput } from './protocol/protocol.js';
import { createReprobe } from './reprobe.js';
import { createRoundTimer } from './round-timer.js';
import { createSession, type ReadyInput, type Session } from './session.js';
import { reasonOf, transition, type ConnectionState, type StateEvent } from './state.js';

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
 */
export function createConnection(
  options: ResolvedOptions,
  lifecycle: Dispatcher,
  deliver: (name: string, args: readonly unknown[]) => unknown,
): Connection {
  const { clock, backoff, endpoints, heartbeat: heartbeatOptions, fallbackMemory, minStableMs } = options;
  const report = <K extends keyof LifecycleEvents>(type: K, event: LifecycleEvents[K]) => void lifecycle.emit(type, [event]);
  const session = createSession(options, { deliver, report, sendFailed: (attempt, error) => attempt.fail(failure('send-failed', error)) });
  // Without liveness (`heartbeat: false`) a suspicion never expires: an infinite grace.
  const heartbeat = createHeartbeat(clock, heartbeatOptions ? heartbeatOptions.timeoutMs : Infinity, (offline) => {
    const reason = offline ? 'network' : 'heartbeat-timeout';
    const message = offline ? 'silent since the browser went offline' : 'the server stopped answering';
    current?.fail(failure(reason, new ConnectionError(reason, message, { url: current.endpoint.label })));
  });
  const memory = fallbackMemory ? createFallbackMemory(endpoints.map((e) => e.label).join(' '), fallbackMemory, clock) : undefined;
  const reprobe = createReprobe(clock, options.reprobeAfterMs, (probed, best) => current === probed && launch(best, true));
  const live = new Set<Attempt>();
  let state: ConnectionState = { status: 'idle' };
  /**
   * The confirmed attempt. Out of `live` once handed over: the server ended it because our re-probe
   * resumed its session; that probe then confirms (and takes over) or fails (and the connection is lost).
   */
  let current: Attempt | undefined;
  /** The current attempt once `open` has been announced for it. */
  let announced: Attempt | undefined;
  let race: EndpointRace | undefined;
  let supported: boolean[] = [];
  /** Failed reconnect rounds since the last stable connection. */
  let failures = 0;
  /** When the first failure of the current outage happened (bounds the backoff window). */
  let failingSince = 0;
  let flapped = createFlapDetector();
  let wasOpen = false;
  let unsubscribe: (() => void) | undefined;

  const set = (event: StateEvent): boolean => {
    const from = state;
    state = transition(from, event);
    if (state.status !== from.status) report('state', { from, to: state, reason: reasonOf(event) });
    return state !== from;
  };

  /** Where a round starts: the remembered winner for this endpoint list, if fresh, else the first. */
  const preferred = () => {
    const label = memory?.get();
    return Math.max(0, endpoints.findIndex((endpoint) => endpoint.label === label));
  };
  const planProbe = () => reprobe.plan(current, supported.indexOf(true));

  const launch = (index: number, probe: boolean) => {
    const attempt = createAttempt(index, endpoints[index]!, probe, session.cursor, options, hooks);
    live.add(attempt);
    attempt.open();
  };

  const rounds = createRoundTimer(clock, backoff.minDelayMs, (first) => {
    const order = raceOrder(first, supported);
    if (!order.length) return terminate(failure('unsupported', new ConnectionError('unsupported', 'no endpoint is supported on this platform'), true));
    race = createEndpointRace(order, clock, options.fallbackDelayMs, (index, from, reason) => {
      if (from !== undefined && reason) report('fallback', { from: endpoints[from]!.label, to: endpoints[index]!.label, reason });
      launch(index, false);
    });
    race.advance();
  });

  const retry = (reason: Failure, from: number) => {
    if (++failures > backoff.maxAttempts) {
      const error = new ConnectionError('max-attempts', `gave up after ${backoff.maxAttempts} reconnect attempts`, { cause: reason.error });
      return terminate(failure('max-attempts', error, true));
    }
    if (failures == 1) failingSince = clock.now();
    const delayMs = backoffDelay(failures - 1, backoff, options.random, reason.retryAfterMs, clock.now() - failingSince);
    set({ type: 'retry', attempt: failures, delayMs, reason: reason.reason });
    report('reconnecting', { attempt: failures, delayMs, reason: reason.reason, error: reason.error });
    rounds.schedule(from, delayMs);
  };

  /** The first real frame (or open, for raw servers): this attempt wins, or takes over from a worse one. */
  const confirm = (attempt: Attempt) => {
    const previous = current;
    attempt.confirm();
    heartbeat.stop();
    if (previous) {
      live.delete(previous);
      previous.close();
      report('fallback', { from: previous.endpoint.label, to: attempt.endpoint.label, reason: 'upgrade' });
    } else {
      race?.stop();
      race = undefined;
      rounds.stop();
      for (const other of live) if (other !== attempt) other.close();
      live.clear();
      live.add(attempt);
    }
    current = attempt;
    memory?.set(attempt.endpoint.label);
    set({ type: 'confirmed', endpoint: attempt.endpoint.label, transport: attempt.carrier });
    planProbe();
  };

  /** Applies a handshake (if any) and, once per attempt, announces `open` and sends what waits. */
  const announce = (attempt: Attempt, ready?: ReadyInput) => {
    if (ready) {
      const { session: previous, lastSeq } = session.cursor;
      if (session.ready(ready)) report('gap', { session: previous, lastSeq });
      if (heartbeatOptions) heartbeat.start(ready.heartbeatMs ?? heartbeatOptions.intervalMs);
    }
    if (announced === attempt) return;
    announced = attempt;
    report('open', { endpoint: attempt.endpoint.label, transport: attempt.carrier, resumed: ready?.resumed ?? false, recovered: wasOpen });
    wasOpen = true;
    session.attach(attempt);
    session.flush();
  };

  const receive = (attempt: Attempt, inputs: ProtocolInput[]) => {
    if (attempt === current) {
      heartbeat.touch();
      // The session moved to another carrier in place (Engine.IO's upgrade to WebSocket): same session, reported as a new `open`.
      const { carrier } = attempt;
      if (state.status === 'open' && state.transport !== carrier) {
        set({ type: 'confirmed', endpoint: attempt.endpoint.label, transport: carrier });
        report('open', { endpoint: attempt.endpoint.label, transport: carrier, resumed: true, recovered: false });
      }
    }
    for (const input of inputs) {
      if (!live.has(attempt)) return;
      if (attempt !== current) {
        // Not up yet: a transport counts as working from its first real frame on.
        if (input.type === 'error') {
          report('error', { error: input.error });
          continue;
        }
        // A refusal (Socket.IO connect_error) ends the attempt without it ever counting as up.
        if (input.type !== 'close') confirm(attempt);
      }
      if (input.type === 'ready') {
        announce(attempt, input);
      } else if (input.type === 'close') {
        // A re-probe resuming our session makes the server end this connection (envelope `bye`
        // `replaced`), often before the probe's welcome arrives: hand over to the probe, no blip.
        if (attempt === current && live.size > 1) {
          live.delete(attempt);
          attempt.close();
          heartbeat.stop();
          return session.attach(undefined);
        }
        const error = new ConnectionError('server-closed', `the server ended the session: ${input.code}: ${input.message}`);
        return attempt.fail(failure('server-closed', error, !input.retry));
      } else {
        announce(attempt);
        const gap = session.receive(attempt, input);
        if (gap) {
          report('error', { error: gap });
          return attempt.fail(failure('sequence-gap', gap));
        }
      }
    }
  };

  /** The confirmed connection ended. */
  const lost = (attempt: Attempt, reason: Failure) => {
    current = announced = undefined;
    heartbeat.stop();
    reprobe.stop();
    session.attach(undefined);
    const upFor = clock.now() - attempt.confirmedAt!;
    // A stream the server ended cleanly (a CFML request timeout) is routine, as for a native EventSource:
    // reconnect from the first attempt, after its `retry:`, no flap. Unless the server ends streams at
    // once and asks for no wait: that would be a reconnect loop, so it counts as a failure.
    const clean = reason.reason === 'ended' && upFor + (reason.retryAfterMs ?? 0) >= minStableMs;
    if (clean || upFor >= backoff.stableAfterMs) failures = 0;
    if (reason.terminal) return terminate(reason);
    report('close', { reason: reason.reason, error: reason.error, terminal: false });
    const early = !clean && upFor < minStableMs;
    if (early) reprobe.backOff();
    const next = flapped(attempt.index, early) ? raceOrder((attempt.index + 1) % endpoints.length, supported)[0] : undefined;
    if (next !== undefined && next !== attempt.index) report('fallback', { from: attempt.endpoint.label, to: endpoints[next]!.label, reason: reason.reason });
    retry(reason, next ?? preferred());
  };

  const failed = (attempt: Attempt, reason: Failure) => {
    if (!live.delete(attempt)) return;
    // The current attempt failed, or it was handed over and the last hope (its probe) failed.
    if (current && !live.has(current) && (attempt === current || !live.size)) return lost(current, reason);
    if (attempt.probe) {
      if (current) {
        reprobe.backOff();
        planProbe();
      }
    } else if (race?.failed(reason)) {
      return;
    }
    const ended = race;
    if (!current && ended && !live.size) {
      race = undefined;
      const worst = ended.failure ?? reason;
      if (worst.terminal) terminate(worst);
      else retry(worst, preferred());
    }
  };

  /** Final: `close()` or a terminal failure. Pending requests are rejected, the outbox emptied. */
  const terminate = (reason: Failure) => {
    if (state.status === 'closed') return;
    // A user's close() is final: the protocol may say goodbye first (Socket.IO DISCONNECT), best effort.
    const bye = reason.reason === 'user' ? current?.codec?.onClose?.() : undefined;
    if (bye?.length) current!.send(bye).catch(() => undefined);
    for (const attempt of live) attempt.close();
    live.clear();
    current = announced = undefined;
    race?.stop();
    race = undefined;
    rounds.stop();
    reprobe.stop();
    heartbeat.stop();
    unsubscribe?.();
    unsubscribe = undefined;
    const message = reason.reason === 'user' ? 'the client was closed' : `the connection closed: ${reason.error?.message ?? reason.reason}`;
    session.terminate(new RequestError('closed', message, { cause: reason.error }));
    set({ type: 'close', reason: reason.reason, error: reason.error });
    report('close', { reason: reason.reason, error: reason.error, terminal: true });
  };

  const hooks: AttemptHooks = {
    opened: (attempt) => {
      if (attempt.codec?.confirmOn !== 'open') return;
      confirm(attempt);
      announce(attempt);
    },
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
      if (state.status === 'reconnecting') return rounds.hurry();
      if (!set({ type: 'connect' })) return;
      failures = 0;
      flapped = createFlapDetector();
      wasOpen = false;
      reprobe.reset();
      supported = endpoints.map((endpoint) => endpoint.isSupported(options.platform));
      unsubscribe = reactToEnvironment(options.environment, clock, options.retryOnVisibleAfterHiddenMs, heartbeat, rounds.hurry);
      rounds.schedule(preferred(), 0);
    },
    close: () => terminate({ reason: 'user', error: undefined, terminal: true }),
  };
}
