import type { Clock, TimerHandle } from './clock.js';

export interface HeartbeatOptions {
  /**
   * The server's heartbeat interval when its handshake does not state one (the envelope `welcome`
   * does), in ms. Raw servers have no heartbeat: liveness is not watched for them.
   * @default 20000
   */
  intervalMs?: number;
  /**
   * Grace after a missed heartbeat before the link counts as dead. With the harness's 5 s heartbeat
   * a silent link is detected within 5 + 3 = 8 s (target: 10 s). Also how long a link may stay silent
   * after the browser goes `offline` (raw links included) before it is replaced.
   * @default 3000
   */
  timeoutMs?: number;
}

export type ResolvedHeartbeat = Required<HeartbeatOptions>;

export interface Heartbeat {
  /** Starts watching: a frame is due every `intervalMs`. */
  start(intervalMs: number): void;
  /** A frame arrived: the link is alive (which also clears a suspicion). */
  touch(): void;
  /** The link may be dead (the browser went offline): unless a frame arrives within `timeoutMs`, it expires, heartbeat or not. */
  suspect(): void;
  /** Compares the deadline with `clock.now()`; calls `onExpire` once if it has passed. */
  check(): void;
  stop(): void;
}

/**
 * A liveness deadline on wall-clock time: `last frame + interval + timeout` (or, once suspected,
 * `suspicion + timeout` if sooner), compared with `clock.now()` whenever the timer fires and whenever
 * `check()` is called (the Connection calls it on visibilitychange/online/pageshow), so a throttled
 * background timer cannot stretch it. Frames only move the deadline; the single timer is re-armed
 * when it fires early. `onExpire(suspected)` tells whether the suspicion expired.
 */
export function createHeartbeat(clock: Clock, timeoutMs: number, onExpire: (suspected: boolean) => void): Heartbeat {
  let intervalMs = Infinity;
  let lastFrameAt = 0;
  let suspectedUntil = Infinity;
  let timer: TimerHandle;
  const stop = () => {
    intervalMs = suspectedUntil = Infinity;
    clock.clearTimeout(timer);
  };
  const check = () => {
    const now = clock.now();
    const left = Math.min(lastFrameAt + intervalMs + timeoutMs, suspectedUntil) - now;
    clock.clearTimeout(timer);
    if (left > 0) {
      if (left < Infinity) timer = clock.setTimeout(check, left);
    } else {
      const suspected = suspectedUntil <= now;
      stop();
      onExpire(suspected);
    }
  };
  return {
    start(ms) {
      intervalMs = ms;
      lastFrameAt = clock.now();
      check();
    },
    touch: () => {
      lastFrameAt = clock.now();
      suspectedUntil = Infinity;
    },
    suspect() {
      suspectedUntil = clock.now() + timeoutMs;
      check();
    },
    check,
    stop,
  };
}
