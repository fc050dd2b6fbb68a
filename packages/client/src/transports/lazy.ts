/** Loads a module on demand; see {@link loadOnce}. */
export type Loader<M> = () => M | Promise<M>;

/**
 * `load()` once per page: later calls get the module itself (no extra tick), or share the load under
 * way; a load that failed is tried again by the next call. An endpoint's `load` (connect()'s SSE
 * carrier): the Attempt waits for it like an async value source, and a load that fails ends the
 * attempt as `refused` (DESIGN.md, "What loads up front").
 */
export function loadOnce<M>(load: () => Promise<M>): Loader<M> {
  let loaded: M | undefined;
  let loading: Promise<M> | undefined;
  return () =>
    loaded ??
    (loading ??= load().then(
      (module) => (loaded = module),
      (error: unknown) => {
        loading = undefined;
        throw error;
      },
    ));
}
