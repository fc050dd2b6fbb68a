/** Something that can hold its writes back and then send them in one go (a socket, an HTTP response). */
export interface Corkable {
  cork(): void;
  uncork(): void;
}

/**
 * Batches the writes of one event-loop turn: the first write to a stream corks it, and one microtask
 * at the end of the turn uncorks every stream corked meanwhile. A broadcast burst then costs one
 * `writev` per connection instead of one per frame (the syscall is most of a broadcast's cost).
 * One set and one microtask for every connection: no timer or closure per connection.
 */
export class Corking {
  private readonly corked = new Set<Corkable>();
  private readonly flush = () => {
    for (const stream of this.corked) stream.uncork();
    this.corked.clear();
  };

  /** Corks `stream` until the end of this turn, unless it already is. */
  hold(stream: Corkable | null | undefined): void {
    if (!stream || this.corked.has(stream)) return;
    if (this.corked.size === 0) queueMicrotask(this.flush);
    stream.cork();
    this.corked.add(stream);
  }
}
