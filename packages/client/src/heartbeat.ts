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
   * a silent link is detected within 5 + 3 = 8 s (target: 10 s).
   * @default 3000
   */
  timeoutMs?: number;
}

export type ResolvedHeartbeat = Required<HeartbeatOptions>;

export interface Heartbeat {
  /** Starts watching: a frame is due every `intervalMs`. */
  start(intervalMs: number): void;
  /** A frame arrived. */
  touch(): void;
  /** Compares the deadline with `clock.now()`; calls `onExpire` once if it has passed. */
  check(): void;
  stop(): void;
}

/**
 * A liveness deadline on wall-clock time: `last frame + interval + timeout`, compared with
 * `clock.now()` whenever the timer fires and whenever `check()` is called (the Connection calls it on
 * visibilitychange/online/pageshow), so a throttled background timer cannot stretch it. Frames only
 * move the deadline; the single timer is re-armed when it fires early.
 */
export function createHeartbeat(clock: Clock, timeoutMs: number, onExpire: () => void): Heartbeat {
  let intervalMs: number | undefined;
  let lastFrameAt = 0;
  let timer: TimerHandle;
  const stop = () => {
    intervalMs = undefined;
    clock.clearTimeout(timer);
  };
  const check = () => {
    if (intervalMs === undefined) return;
    const left = lastFrameAt + intervalMs + timeoutMs - clock.now();
    clock.clearTimeout(timer);
    if (left > 0) {
      timer = clock.setTimeout(check, left);
    } else {
      stop();
      onExpire();
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
    },
    check,
    stop,
  };
}
