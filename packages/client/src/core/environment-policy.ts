import type { Clock } from './clock.js';
import type { Environment } from './environment.js';
import type { Heartbeat } from './heartbeat.js';

/**
 * What the browser's lifecycle signals mean to a connection; returns the function that stops listening.
 * - `offline`: in Chromium it closes no open WebSocket or SSE stream, so a dead link would wait for
 *   the heartbeat (45 s with socket.io's defaults): the link is suspect instead, and must show a frame
 *   within `heartbeat.timeoutMs` (a live one goes on, a dead one is replaced). `setOnline(false)`: no
 *   retry starts until `online` (but a safety probe).
 * - `online`, `pageshow` (back/forward cache): the liveness deadline is checked, the backoff wait skipped (`hurry`).
 * - `visible`: the deadline is checked; the wait is skipped after `hiddenLongMs` hidden.
 */
export function reactToEnvironment(
  environment: Environment,
  clock: Clock,
  hiddenLongMs: number,
  liveness: Pick<Heartbeat, 'suspect' | 'check'>,
  hurry: () => void,
  setOnline: (online: boolean) => void,
): () => void {
  let hiddenAt: number | undefined;
  return environment.subscribe((event) => {
    const now = clock.now();
    if (event === 'online') setOnline(true);
    if (event === 'hidden') hiddenAt = now;
    else if (event === 'offline') {
      setOnline(false);
      liveness.suspect();
    } else {
      liveness.check();
      if (event !== 'visible' || now - (hiddenAt ?? now) >= hiddenLongMs) hurry();
    }
  });
}
