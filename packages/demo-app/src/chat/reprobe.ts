import type { Client, TransportKind } from '@unisocket/client';

/** A better carrier the client probes again in the background while connected on a worse one. */
export interface Reprobe {
  better: TransportKind;
  /** The client's `reprobeAfterMs`. */
  afterMs: number;
}

/** The client's `minStableMs` (its default: the demo does not tune it). */
const MIN_STABLE_MS = 1500;

/**
 * While connected on a worse carrier, the client probes the better one again after `reprobeAfterMs`,
 * twice as long after each probe that failed (up to 32×), and says nothing until one succeeds. So the
 * page shows when the next probe is due, as the client plans it: after "Reset faults" a page that
 * fell back to SSE stays there until then, and now it says why.
 */
export function followReprobe(client: Client, { better, afterMs }: Reprobe, show: (text: string) => void): () => void {
  let delayMs = afterMs;
  let probeAt: number | undefined;
  const render = () => {
    if (client.state.status !== 'open') return show('—');
    if (probeAt === undefined) return show(`none: on ${better}, the best`);
    const left = probeAt - performance.now();
    // Past due and still here: that probe failed; the client waits twice as long for the next one.
    if (left < -2000) {
      delayMs = Math.min(delayMs * 2, afterMs * 32);
      probeAt = performance.now() + delayMs;
    }
    show(left > 0 ? `${better} in ${Math.ceil(left / 1000)} s` : `probing ${better}…`);
  };
  const ticker = setInterval(render, 1000);
  let openedAt = 0;
  const stops = [
    client.lifecycle.on('open', ({ transport }) => {
      openedAt = performance.now();
      probeAt = transport === better ? undefined : openedAt + delayMs;
      if (transport === better) delayMs = afterMs;
      render();
    }),
    // A connection that dies young (the client's `minStableMs`, 1.5 s by default) doubles the wait too.
    client.lifecycle.on('close', ({ terminal }) => {
      if (!terminal && performance.now() - openedAt < MIN_STABLE_MS) delayMs = Math.min(delayMs * 2, afterMs * 32);
    }),
    client.lifecycle.on('state', ({ to }) => {
      if (to.status === 'connecting') delayMs = afterMs;
      render();
    }),
  ];
  render();
  return () => {
    clearInterval(ticker);
    stops.forEach((stop) => stop());
  };
}
