import { createAttempt, type Attempt, type AttemptHooks } from './attempt.js';
import { backoffDelay } from './backoff.js';
import { failure, type Failure } from './classify.js';
import type { TimerHandle } from './clock.js';
import { createEndpointRace, raceOrder, type EndpointRace } from './endpoint-race.js';
import { ConnectionError, RequestError } from './errors.js';
import { createFallbackMemory } from './fallback-memory.js';
import { createHeartbeat } from './heartbeat.js';
import type { Dispatcher, LifecycleEvents } from './lifecycle.js';
import type { ResolvedOptions } from './options.js';
import type { ProtocolInput } from './protocol/protocol.js';
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
 * background re-probe), reconnect backoff, liveness, browser lifecycle. Messages live in {@link Session}.
 */
export function createConnection(
  options: ResolvedOptions,
  lifecycle: Dispatcher,
  deliver: (name: string, args: readonly unknown[]) => unknown,
): Connection {
  const { clock, backoff, endpoints, heartbeat: heartbeatOptions, fallbackMemory, reprobeAfterMs } = options;
  const report = <K extends keyof LifecycleEvents>(type: K, event: LifecycleEvents[K]) => void lifecycle.emit(type, [event]);
  const session = createSession(options, { deliver, report, sendFailed: (attempt, error) => attempt.fail(failure('send-failed', error)) });
  const heartbeat = createHeartbeat(clock, heartbeatOptions ? heartbeatOptions.timeoutMs : 0, () =>
    current?.fail(failure('heartbeat-timeout', new ConnectionError('heartbeat-timeout', 'the server stopped answering', { url: current.endpoint.label }))),
  );
  const memory = fallbackMemory ? createFallbackMemory(endpoints.map((e) => e.label).join(' '), fallbackMemory, clock) : undefined;
  const live = new Set<Attempt>();
  let state: ConnectionState = { status: 'idle' };
  let current: Attempt | undefined;
  /** The current attempt once `open` has been announced for it. */
  let announced: Attempt | undefined;
  /** The current attempt, ended by the server because our newer attempt (a re-probe) took its session over. */
  let handedOver: Attempt | undefined;
  let race: EndpointRace | undefined;
  let supported: boolean[] = [];
  /** Failed reconnect rounds since the last stable connection. */
  let failures = 0;
  /** Connections in a row of endpoint `flapIndex` that died within `minStableMs` of confirming. */
  let flaps = 0;
  let flapIndex = -1;
  let retryTimer: TimerHandle | undefined;
  let retryFrom = 0;
  let lastRoundAt = -Infinity;
  let probeTimer: TimerHandle;
  let probeDelay = reprobeAfterMs;
  let hiddenAt: number | undefined;
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

  const launch = (index: number, probe: boolean) => {
    const attempt = createAttempt(index, endpoints[index]!, probe, session.cursor, options, hooks);
    live.add(attempt);
    attempt.open();
  };

  const startRound = (first: number) => {
    retryTimer = undefined;
    lastRoundAt = clock.now();
    const order = raceOrder(first, supported);
    if (!order.length) return terminate(failure('unsupported', new ConnectionError('unsupported', 'no endpoint is supported on this platform'), true));
    race = createEndpointRace(order, clock, options.fallbackDelayMs, (index, from, reason) => {
      if (from !== undefined && reason) report('fallback', { from: endpoints[from]!.label, to: endpoints[index]!.label, reason });
      launch(index, false);
    });
    race.advance();
  };

  const scheduleRound = (from: number, delayMs: number) => {
    retryFrom = from;
    clock.clearTimeout(retryTimer);
    if (delayMs > 0) retryTimer = clock.setTimeout(() => startRound(from), delayMs);
    else startRound(from);
  };

  const retry = (reason: Failure, from: number) => {
    if (++failures > backoff.maxAttempts) {
      const error = new ConnectionError('max-attempts', `gave up after ${backoff.maxAttempts} reconnect attempts`, { cause: reason.error });
      return terminate(failure('max-attempts', error, true));
    }
    const delayMs = backoffDelay(failures - 1, backoff, options.random, reason.retryAfterMs);
    set({ type: 'retry', attempt: failures, delayMs, reason: reason.reason });
    report('reconnecting', { attempt: failures, delayMs, reason: reason.reason, error: reason.error });
    scheduleRound(from, delayMs);
  };

  /** Skips the rest of the backoff wait (online, visible again, `connect()`), keeping the floor since the last round. */
  const retryNow = () => {
    if (retryTimer !== undefined) scheduleRound(retryFrom, lastRoundAt + backoff.minDelayMs - clock.now());
  };

  /** While connected on a worse endpoint, try the best supported one again later. */
  const scheduleProbe = () => {
    const probed = current;
    const best = supported.indexOf(true);
    clock.clearTimeout(probeTimer);
    if (probed && probed.index > best && reprobeAfterMs < Infinity) {
      probeTimer = clock.setTimeout(() => current === probed && launch(best, true), probeDelay);
    }
  };
  const backOffProbe = () => {
    probeDelay = Math.min(probeDelay * 2, reprobeAfterMs * 32);
  };

  /** The first real frame (or open, for raw servers): this attempt wins, or takes over from a worse one. */
  const confirm = (attempt: Attempt) => {
    const previous = current;
    handedOver = undefined;
    attempt.confirm();
    heartbeat.stop();
    if (previous) {
      live.delete(previous);
      previous.close();
      report('fallback', { from: previous.endpoint.label, to: attempt.endpoint.label, reason: 'upgrade' });
    } else {
      race?.stop();
      race = undefined;
      clock.clearTimeout(retryTimer);
      retryTimer = undefined;
      for (const other of live) if (other !== attempt) other.close();
      live.clear();
      live.add(attempt);
    }
    current = attempt;
    memory?.set(attempt.endpoint.label);
    set({ type: 'confirmed', endpoint: attempt.endpoint.label, transport: attempt.endpoint.kind });
    scheduleProbe();
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
    const { label, kind } = attempt.endpoint;
    report('open', { endpoint: label, transport: kind, resumed: ready?.resumed ?? false, recovered: wasOpen });
    wasOpen = true;
    session.attach(attempt);
    session.flush();
  };

  const receive = (attempt: Attempt, inputs: ProtocolInput[]) => {
    if (attempt === current) heartbeat.touch();
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
        // `replaced`), often before the probe's welcome arrives: the probe takes over, no blip.
        if (attempt === current && live.size > 1) return handOver(attempt);
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

  /** Ends the current attempt while a newer one is live: that one confirms (and takes over), or fails (and this counts as lost). */
  const handOver = (attempt: Attempt) => {
    handedOver = attempt;
    live.delete(attempt);
    attempt.close();
    heartbeat.stop();
    session.attach(undefined);
  };

  /** The confirmed connection ended. */
  const lost = (attempt: Attempt, reason: Failure) => {
    current = announced = handedOver = undefined;
    heartbeat.stop();
    clock.clearTimeout(probeTimer);
    session.attach(undefined);
    const upFor = clock.now() - attempt.confirmedAt!;
    if (upFor >= backoff.stableAfterMs) failures = 0;
    if (reason.terminal) return terminate(reason);
    report('close', { reason: reason.reason, error: reason.error, terminal: false });
    // Dying right after confirming, twice in a row, is a flap of that endpoint (a proxy killing upgrades):
    // the next round starts with the next one. Once alone is a glitch (a drop, a restart): it stays.
    const early = upFor < options.minStableMs;
    flaps = early ? (flapIndex === attempt.index ? flaps : 0) + 1 : 0;
    flapIndex = attempt.index;
    if (early) backOffProbe();
    const flapped = flaps >= 2;
    if (flapped) flaps = 0;
    const next = flapped ? raceOrder((attempt.index + 1) % endpoints.length, supported)[0] : undefined;
    if (next !== undefined && next !== attempt.index) report('fallback', { from: attempt.endpoint.label, to: endpoints[next]!.label, reason: reason.reason });
    retry(reason, next ?? preferred());
  };

  const failed = (attempt: Attempt, reason: Failure) => {
    if (!live.delete(attempt)) return;
    if (attempt === current) return lost(attempt, reason);
    if (handedOver && !live.size) return lost(handedOver, reason);
    if (attempt.probe) {
      if (current) {
        backOffProbe();
        scheduleProbe();
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
    for (const attempt of live) attempt.close();
    live.clear();
    current = announced = handedOver = undefined;
    race?.stop();
    race = undefined;
    clock.clearTimeout(retryTimer);
    clock.clearTimeout(probeTimer);
    retryTimer = undefined;
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
      if (state.status === 'reconnecting') return retryNow();
      if (!set({ type: 'connect' })) return;
      failures = flaps = 0;
      wasOpen = false;
      probeDelay = reprobeAfterMs;
      supported = endpoints.map((endpoint) => endpoint.isSupported(options.platform));
      unsubscribe = options.environment.subscribe((event) => {
        const now = clock.now();
        if (event === 'hidden') hiddenAt = now;
        if (event === 'hidden' || event === 'offline') return;
        heartbeat.check();
        if (event !== 'visible' || now - (hiddenAt ?? now) >= options.retryOnVisibleAfterHiddenMs) retryNow();
      });
      startRound(preferred());
    },
    close: () => terminate({ reason: 'user', error: undefined, terminal: true }),
  };
}
