// The measuring loops that run inside the page (performance.now()), shared by every peer kind.
import { PAYLOAD } from './payload.js';
import type { BenchPage, Peer, PeerFactory, ReceiveResult, Watcher, WatcherFactory } from './types.js';

function peerFactory(peers: Record<string, PeerFactory>, name: string): PeerFactory {
  const factory = peers[name];
  if (!factory) throw new Error(`MISSING: peer "${name}" is not available on the page (${window.bench.loadErrors.join('; ') || 'not registered'})`);
  return factory;
}

/** Runs `body` with fresh peers, opened in order, and always closes those that opened. */
async function withPeers<T>(peers: Record<string, PeerFactory>, names: string[], url: string, body: (opened: Peer[]) => Promise<T>): Promise<T> {
  const opened: Peer[] = [];
  try {
    for (const name of names) opened.push(await peerFactory(peers, name)(url));
    return await body(opened);
  } finally {
    for (const peer of opened) peer.close();
  }
}

/** Runs `body` with a fresh peer and always closes it. */
const withPeer = <T>(peers: Record<string, PeerFactory>, name: string, url: string, body: (peer: Peer) => Promise<T>): Promise<T> =>
  withPeers(peers, [name], url, ([peer]) => body(peer!));

/** The peer indexes of step `step`, in order on even steps and reversed on odd ones, so every side shares every moment of noise. */
const alternating = (step: number, count: number) => Array.from({ length: count }, (_, k) => (step % 2 === 0 ? k : count - 1 - k));

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

const STEP_TIMEOUT_MS = 30_000;

/** One measured round trip: an acked `echo`, or an `echo` emitted without ack and sent back as an event. */
function roundTrip(peer: Peer, mode: 'ack' | 'echo'): () => Promise<unknown> {
  if (mode === 'ack') return () => withTimeout(peer.ask(PAYLOAD), STEP_TIMEOUT_MS, 'ack');
  let arrived: (() => void) | undefined;
  peer.on('echo', () => arrived?.());
  return () => {
    const echoed = new Promise<void>((resolve) => (arrived = resolve));
    peer.fire(PAYLOAD);
    return withTimeout(echoed, STEP_TIMEOUT_MS, 'echo event');
  };
}

export function createBenchPage(): BenchPage {
  const peers: Record<string, PeerFactory> = {};
  const watchers: Record<string, WatcherFactory> = {};
  let receiving: { peer: Peer; done: Promise<ReceiveResult>; count: () => number } | undefined;
  let watching: Record<string, Watcher> = {};

  const page: BenchPage = {
    peers,
    watchers,
    loadErrors: [],

    roundTrips: (mode, names, url, n, warmup) =>
      withPeers(peers, names, url, async (opened) => {
        const ops = opened.map((peer) => roundTrip(peer, mode));
        const samples: number[][] = opened.map(() => []);
        for (let i = 0; i < warmup + n; i++) {
          for (const index of alternating(i, ops.length)) {
            const start = performance.now();
            await ops[index]!();
            if (i >= warmup) samples[index]!.push(performance.now() - start);
          }
        }
        return opened.map((peer, index) => ({ transport: peer.transport, samples: samples[index]! }));
      }),

    blockTimes: (names, url, blocks, perBlock, warmup) =>
      withPeers(peers, names, url, async (opened) => {
        // peer.ask directly, without roundTrip's per-step deadline: its timer would be measured too.
        for (const peer of opened) for (let i = 0; i < warmup; i++) await peer.ask(PAYLOAD);
        const times: number[][] = opened.map(() => []);
        for (let block = 0; block < blocks; block++) {
          for (const index of alternating(block, opened.length)) {
            const peer = opened[index]!;
            const start = performance.now();
            for (let i = 0; i < perBlock; i++) await peer.ask(PAYLOAD);
            times[index]!.push(((performance.now() - start) * 1000) / perBlock);
          }
        }
        return times;
      }),

    clockStep() {
      let step = Infinity;
      for (let i = 0; i < 20; i++) {
        const from = performance.now();
        let next = performance.now();
        while (next === from) next = performance.now();
        step = Math.min(step, next - from);
      }
      return step;
    },

    pipelined: (name, url, n) =>
      withPeer(peers, name, url, async (peer) => {
        for (let i = 0; i < 20; i++) await peer.ask(PAYLOAD);
        const start = performance.now();
        const acks: Promise<unknown>[] = [];
        for (let i = 0; i < n; i++) {
          // Our outbox takes at most 1,000 waiting messages: pause when it is half full.
          const wait = peer.room?.();
          if (wait) await withTimeout(wait, STEP_TIMEOUT_MS, 'outbox room');
          acks.push(peer.ask(PAYLOAD));
        }
        await withTimeout(Promise.all(acks), STEP_TIMEOUT_MS * 2, 'pipelined acks');
        return { transport: peer.transport, ms: performance.now() - start };
      }),

    upstream: (name, url, n) =>
      withPeer(peers, name, url, async (peer) => {
        for (let i = 0; i < 20; i++) await peer.ask(PAYLOAD);
        const start = performance.now();
        for (let i = 0; i < n; i++) {
          const wait = peer.room?.();
          if (wait) await withTimeout(wait, STEP_TIMEOUT_MS, 'outbox room');
          peer.fire(PAYLOAD);
        }
        await withTimeout(peer.ask(PAYLOAD), STEP_TIMEOUT_MS * 2, 'trailing ack');
        return { transport: peer.transport, ms: performance.now() - start };
      }),

    async receiveStart(name, url, room, n) {
      page.receiveClose();
      const peer = await peerFactory(peers, name)(url);
      let count = 0;
      let first = 0;
      let finish: (result: ReceiveResult) => void = () => {};
      const done = new Promise<ReceiveResult>((resolve) => (finish = resolve));
      peer.on('chat', () => {
        const now = performance.now();
        if (count === 0) first = now;
        count++;
        if (count === n) finish({ count, ms: now - first, lastAt: Date.now() });
      });
      await peer.join(room);
      receiving = { peer, done, count: () => count };
      return { transport: peer.transport };
    },

    async receiveDone(timeoutMs, stallMs = timeoutMs) {
      const current = receiving;
      if (!current) throw new Error('receiveDone without receiveStart');
      // A count that stops moving will not finish: say so at once instead of waiting out the timeout.
      let lastCount = -1;
      let watch: ReturnType<typeof setInterval> | undefined;
      const stalled = new Promise<never>((_, reject) => {
        watch = setInterval(() => {
          if (current.count() === lastCount) reject(new Error(`receive: stalled, no event for ${stallMs} ms`));
          lastCount = current.count();
        }, stallMs);
      });
      try {
        return await withTimeout(Promise.race([current.done, stalled]), timeoutMs, 'receive');
      } catch (error) {
        throw new Error(`${(error as Error).message} (received ${current.count()})`, { cause: error });
      } finally {
        clearInterval(watch);
      }
    },

    receiveClose() {
      receiving?.peer.close();
      receiving = undefined;
    },

    watch(kinds, url) {
      page.unwatch();
      for (const kind of kinds) {
        const factory = watchers[kind];
        if (!factory) throw new Error(`MISSING: watcher "${kind}" is not available on the page (${page.loadErrors.join('; ') || 'not registered'})`);
        watching[kind] = factory(url);
      }
    },

    watched: () => Object.fromEntries(Object.entries(watching).map(([kind, watcher]) => [kind, watcher.events])),

    unwatch() {
      for (const watcher of Object.values(watching)) watcher.close();
      watching = {};
    },
  };
  return page;
}
