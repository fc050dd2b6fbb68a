import type { Client } from '@unisocket/client';

/**
 * Measures the round trip every `intervalMs` with an `echo` request while the connection is open and
 * nothing waits in the outbox (a probe must not queue up behind real messages, or be one of them).
 * Only for protocols with acks; raw servers cannot answer. Returns the function that stops it.
 */
export function startRttProbe(client: Client, intervalMs: number, report: (rttMs: number | undefined) => void): () => void {
  let outboxSize = 0;
  let inFlight = false;
  const stopOutbox = client.lifecycle.on('outbox', ({ size }) => {
    outboxSize = size;
  });
  const stopClose = client.lifecycle.on('close', () => report(undefined));
  const probe = () => {
    if (inFlight || outboxSize > 0 || client.state.status !== 'open') return;
    inFlight = true;
    const started = performance.now();
    client
      .timeout(Math.max(intervalMs, 1000))
      .emitWithAck('echo', 'rtt')
      .then(
        () => report(Math.round(performance.now() - started)),
        () => report(undefined),
      )
      .finally(() => {
        inFlight = false;
      });
  };
  const stopOpen = client.lifecycle.on('open', () => setTimeout(probe, 0));
  const timer = setInterval(probe, intervalMs);
  return () => {
    clearInterval(timer);
    stopOutbox();
    stopClose();
    stopOpen();
  };
}
