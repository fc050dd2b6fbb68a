// The contract between the bench process and the page it drives in Chromium (window.bench).
// Two page scripts fill it: anchors.ts (the core, bare WebSocket, socket.io-client,
// reconnecting-websocket) and ours.ts (@unisocket/client), loaded separately so a client that does
// not build leaves the anchors measurable.

/** One connection under test, already open. */
export interface Peer {
  /** The transport actually in use (`websocket`, `sse`, `polling`…). */
  readonly transport: string;
  /** Sends `echo` asking for an ack; resolves with the ack. */
  ask(payload: unknown): Promise<unknown>;
  /** Sends `echo` without an ack. */
  fire(payload: unknown): void;
  /** Flow control for `fire`: a Promise while the outbox is too full to take more, else undefined. */
  room?(): Promise<void> | undefined;
  /** Listens to a server event (its first argument). */
  on(name: string, listener: (arg: unknown) => void): void;
  /** Joins a chat room of the harness (acked). */
  join(room: string): Promise<void>;
  close(): void;
}

/** Creates a peer on the harness at `harnessUrl` (`http://127.0.0.1:PORT`); resolves once it is open. */
export type PeerFactory = (harnessUrl: string) => Promise<Peer>;

/** A connection with library defaults, recording when it is open and when it noticed a loss. */
export interface Watcher {
  readonly events: WatchEvent[];
  close(): void;
}

export interface WatchEvent {
  /** `trace`: one step of a traced watcher (an attempt started or ended, a retry planned, a fallback), told by `note`. */
  type: 'open' | 'lost' | 'trace';
  /** `Date.now()`: comparable with the bench process's clock. */
  at: number;
  transport?: string;
  /** `open` of our client: the endpoint it opened on, and whether its session was resumed there. */
  endpoint?: string;
  resumed?: boolean;
  note?: string;
}

export type WatcherFactory = (harnessUrl: string) => Watcher;

/** One connect under a WebSocket fault: how long until open, and until an acked event came back. */
export interface FallbackTrial {
  openMs: number;
  workingMs: number;
  transport: string;
}

export interface RttResult {
  transport: string;
  samples: number[];
}

export interface TimedResult {
  transport: string;
  ms: number;
}

export interface ReceiveResult {
  count: number;
  /** From the first to the last received event (performance.now()). */
  ms: number;
  /** `Date.now()` at the last event: comparable with the sender's clock in the bench process. */
  lastAt: number;
}

export interface BenchPage {
  readonly peers: Record<string, PeerFactory>;
  readonly watchers: Record<string, WatcherFactory>;
  fallbackTrial?: (harnessUrl: string, timeoutMs: number) => Promise<FallbackTrial>;
  /** Errors of page scripts that failed to initialise. */
  readonly loadErrors: string[];

  /**
   * `n` sequential round trips per peer after `warmup` unmeasured ones, the peers interleaved: an
   * acked `echo` (`ack`), or an `echo` emitted without ack that the server sends back (`echo`,
   * Socket.IO's emit-echo). One result per peer, in order.
   */
  roundTrips(mode: 'ack' | 'echo', peers: string[], harnessUrl: string, n: number, warmup: number): Promise<RttResult[]>;
  /**
   * Blocks of `perBlock` sequential acked `echo`s per peer after `warmup` unmeasured ones, the peers
   * interleaved block by block: µs per round trip of every block, one list per peer, in order. A block
   * is timed as a whole, so a round trip far shorter than the clock's step is still resolved.
   */
  blockTimes(peers: string[], harnessUrl: string, blocks: number, perBlock: number, warmup: number): Promise<number[][]>;
  /** The smallest step `performance.now()` advances by on this page, in ms. */
  clockStep(): number;
  /** `n` acked events sent at once; time until the last ack. */
  pipelined(peer: string, harnessUrl: string, n: number): Promise<TimedResult>;
  /** `n` events without acks, then one with: time until that ack (everything was processed in order). */
  upstream(peer: string, harnessUrl: string, n: number): Promise<TimedResult>;
  /** Opens `peer`, joins `room`, and counts `chat` events until `n` arrived. */
  receiveStart(peer: string, harnessUrl: string, room: string, n: number): Promise<{ transport: string }>;
  /** Waits for the `n` events `receiveStart` asked for; rejects after `timeoutMs`, or once none has come for `stallMs`. */
  receiveDone(timeoutMs: number, stallMs?: number): Promise<ReceiveResult>;
  /** Closes the receiving peer. */
  receiveClose(): void;
  /** Starts one watcher of each kind. */
  watch(kinds: string[], harnessUrl: string): void;
  /** The events recorded so far, per kind. */
  watched(): Record<string, WatchEvent[]>;
  unwatch(): void;
}

declare global {
  interface Window {
    bench: BenchPage;
  }
}
