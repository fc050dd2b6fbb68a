import type { Client } from '@unisocket/client';

/** The reconnect attempts of the current outage, for people to read. */
export interface AttemptCounter {
  /** 1 at the first retry after the connection was lost; 0 while connected. */
  readonly attempt: number;
  stop(): void;
}

/**
 * Counts reconnect attempts per outage. The client's own `attempt` counts the failures since the last
 * *stable* connection (it drives the backoff, so a link that drops again within
 * `backoff.stableAfterMs` keeps backing off): after a short reconnection it would start a new outage
 * at "attempt 12". A person expects each outage to start at 1. Create it before the views that read
 * it, so it has counted when their listeners run.
 */
export function countAttempts(client: Client): AttemptCounter {
  let attempt = 0;
  const stops = [
    client.lifecycle.on('reconnecting', () => void attempt++),
    client.lifecycle.on('open', () => void (attempt = 0)),
    client.lifecycle.on('state', ({ to }) => {
      if (to.status !== 'reconnecting') attempt = 0;
    }),
  ];
  return {
    get attempt() {
      return attempt;
    },
    stop: () => stops.forEach((stop) => stop()),
  };
}

/** Failures that are what being offline looks like from a page: nothing answers, or a send fails. */
const OFFLINE_LOOKS_LIKE = new Set(['refused', 'network', 'send-failed', 'heartbeat-timeout', 'connect-timeout', 'timeout']);

/**
 * A failure reason as a person would say it: while the browser says it is offline, a refused
 * connection (what Chromium reports for a WebSocket it could not open) or a failed send is "offline".
 */
export function reasonText(reason: string): string {
  return typeof navigator !== 'undefined' && !navigator.onLine && OFFLINE_LOOKS_LIKE.has(reason) ? 'offline' : reason;
}
