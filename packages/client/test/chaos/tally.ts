/** How a numbered stream arrived: what each protocol promises is checked against these counts. */
export interface Tally {
  /** Messages sent (numbered 1..sent). */
  sent: number;
  /** Sent but never received. */
  lost: number;
  /** Received more than once (every extra copy counts). */
  duplicated: number;
  /** Received after a higher number had already arrived. */
  outOfOrder: number;
}

/**
 * Counts a stream of numbered messages: `sent` were sent (1..sent, or only those in `owed` when some
 * were not owed: sent while the client was closed for good), `received` is what arrived, in order.
 */
export function tally(sent: number, received: readonly number[], owed: (n: number) => boolean = () => true): Tally {
  const seen = new Set<number>();
  let duplicated = 0;
  let outOfOrder = 0;
  let highest = 0;
  for (const n of received) {
    if (seen.has(n)) duplicated++;
    else if (n < highest) outOfOrder++;
    seen.add(n);
    highest = Math.max(highest, n);
  }
  let lost = 0;
  for (let n = 1; n <= sent; n++) if (!seen.has(n) && owed(n)) lost++;
  return { sent, lost, duplicated, outOfOrder };
}

/** Adds tallies (several seeds). */
export const sum = (tallies: readonly Tally[]): Tally =>
  tallies.reduce((total, t) => ({ sent: total.sent + t.sent, lost: total.lost + t.lost, duplicated: total.duplicated + t.duplicated, outOfOrder: total.outOfOrder + t.outOfOrder }), {
    sent: 0,
    lost: 0,
    duplicated: 0,
    outOfOrder: 0,
  });
