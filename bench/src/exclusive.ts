// One-at-a-time sections for benchmarks that overlap their idle waits: work that uses the CPU (or
// is timed) runs inside `exclusive`, in the order it was asked for, never two sections at once.

/** Runs `work` once every section asked for earlier has finished; a failed section does not block the next. */
export type Exclusive = <T>(work: () => Promise<T>) => Promise<T>;

export function createExclusive(): Exclusive {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>): Promise<T> => {
    const run = tail.then(() => work());
    tail = run.catch(() => undefined);
    return run;
  };
}
