/**
 * A small listener registry: `on` returns the unsubscribe function; a listener that throws is
 * reported and the others still run. Created lazily by its owners (most sockets have no listeners).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export class Listeners<Events extends { [K in keyof Events]: (...args: any[]) => void }> {
  private readonly map = new Map<keyof Events, Events[keyof Events][]>();

  constructor(private readonly report: (error: unknown) => void) {}

  on<E extends keyof Events>(name: E, listener: Events[E]): () => void {
    const list = this.map.get(name) ?? [];
    this.map.set(name, [...list, listener]);
    return () => {
      const current = this.map.get(name) ?? [];
      this.map.set(name, current.filter((entry) => entry !== listener));
    };
  }

  has(name: keyof Events): boolean {
    return (this.map.get(name)?.length ?? 0) > 0;
  }

  emit<E extends keyof Events>(name: E, ...args: Parameters<Events[E]>): void {
    for (const listener of this.map.get(name) ?? []) {
      try {
        listener(...args);
      } catch (error) {
        this.report(error);
      }
    }
  }
}
