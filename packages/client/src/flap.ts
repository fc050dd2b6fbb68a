/**
 * Flap detection. A connection that dies within `minStableMs` of confirming (`early`) twice in a row
 * on the same endpoint is a flap of that endpoint (a proxy that accepts the upgrade, then kills it):
 * the next round should start with the next endpoint. Once alone is a glitch (a drop, a restart).
 * Returns the function to call with every lost connection; it answers true when its endpoint flapped.
 */
export function createFlapDetector(): (index: number, early: boolean) => boolean {
  let flaps = 0;
  let last = -1;
  return (index, early) => {
    flaps = early ? (last === index ? flaps : 0) + 1 : 0;
    last = index;
    if (flaps < 2) return false;
    flaps = 0;
    return true;
  };
}
