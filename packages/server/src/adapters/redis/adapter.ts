import type { Adapter, AdapterNode, BroadcastTarget, FrameTail, NewSession, ResumedSession, SessionInfo, SessionLimits } from '../adapter.js';
import { ScriptRunner, type RedisClient } from './client.js';
import { OwnedSessions } from './owned.js';
import { BROADCAST, CHECKPOINT, CLAIM, CREATE, FETCH, GAP, LEASE, MEMBERSHIP, OWNED, PEEK, TAKE } from './scripts.js';
import { checkpointFor, compareIds, parseEntry, step, type Checkpoint, type Entry, type SessionState, type StreamId } from './stream.js';

/** Options of {@link redisAdapter}. */
export interface RedisAdapterOptions {
  /** Prefix of every key, so that several apps (or test runs) can share one Redis. @default 'unisocket:' */
  prefix?: string;
  /**
   * How often a node renews the lease on the keys of its attached sessions (and saves a checkpoint of
   * every session it owns that changed), in ms. A lease lasts the detached TTL plus two renewals and a
   * second (slack for a busy event loop): a node that dies (SIGKILL, a lost machine) leaves its sessions
   * resumable on other nodes for that long, then they expire on their own.
   * @default a third of the detached TTL, at most 15000
   */
  leaseRefreshMs?: number;
  /**
   * About how many entries the cluster stream keeps (`XADD … MAXLEN ~`): one per broadcast, emit, ack,
   * join, leave, new session and resume of the whole cluster. A session taken over by another node is
   * computed again from its last checkpoint (saved by its owner at least every `leaseRefreshMs`), so the
   * stream must reach back that far plus the detached TTL: a resume whose checkpoint is older than the
   * stream's oldest entry is a gap (the client starts a new session and says so), never a silent loss.
   * @default 100000
   */
  streamLength?: number;
}

/** How long a detached session's keys outlive its TTL, so that its live owner removes it (and says `expired`) first. */
const DETACHED_GRACE_MS = 30_000;
/** Sessions per lease or checkpoint script call (bounds how long one call holds Redis). */
const BATCH = 500;
/** Stream entries per read (the node's reader, a resume's computation). */
const READ_COUNT = 1000;
const OPTIONS = ['prefix', 'leaseRefreshMs', 'streamLength'];

const json = (value: unknown): string => (value === undefined ? '' : JSON.stringify(value));
const parse = (text: string | null | undefined): unknown => (text ? JSON.parse(text) : undefined);
const targetArgs = ({ rooms = [], except = [] }: BroadcastTarget): (string | number)[] => [rooms.length, ...rooms, except.length, ...except];
const positiveInteger = (value: unknown): boolean => Number.isInteger(value) && (value as number) >= 1;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

type RawEntry = [StreamId, string[]];

/** The entries of an XREAD reply on one stream: `[[stream, entries]]` (RESP2), or `{ stream: entries }` as node-redis 6 answers. */
function entriesOf(reply: unknown): RawEntry[] {
  if (!reply) return [];
  if (Array.isArray(reply)) return ((reply as [string, RawEntry[]][])[0]?.[1] ?? []);
  if (reply instanceof Map) return ([...(reply as Map<string, RawEntry[]>).values()][0] ?? []);
  return Object.values(reply as Record<string, RawEntry[]>)[0] ?? [];
}

/**
 * The adapter of many nodes: sessions and rooms in one Redis, and one stream (see scripts.ts, stream.ts)
 * that holds every operation deciding what a session is sent, in one order. A broadcast is one stream
 * entry; every node reads the stream and sends the frames of its own sessions, numbered by a rule any
 * node can apply again: a session's `seq` counts the entries that reached it. Its owner saves
 * checkpoints (`seq`, stream position, rooms) now and then, so a node that takes a session over (after
 * its owner died, or a move) computes its frames from the last checkpoint: nothing a client has seen is
 * missing, nothing is sent twice, and a frame no longer computable is an honest gap.
 */
export class RedisAdapter implements Adapter {
  private readonly prefix: string;
  private readonly bus: string;
  private readonly maxLen: string;
  private readonly scripts: ScriptRunner;
  private node: AdapterNode | undefined;
  private limits: SessionLimits = { replayFrames: 1000, replayBytes: 1 << 20, detachedTtlMs: 120_000 };
  private owned: OwnedSessions | undefined;
  private reader: RedisClient | undefined;
  /** The last stream entry the reader has read. */
  private readFrom: StreamId = '0-0';
  private reading: Promise<void> = Promise.resolve();
  private leaseTimer: NodeJS.Timeout | undefined;
  /** How long the keys of an attached session live without a renewal, in ms. */
  private leaseMs = 0;
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweepAt = Infinity;
  private closed = false;

  /** Throws a TypeError for a client that is not a node-redis client, or a bad option. */
  constructor(
    private readonly client: RedisClient,
    private readonly options: RedisAdapterOptions = {},
  ) {
    const { sendCommand, duplicate } = (client ?? {}) as Partial<RedisClient>;
    if (typeof sendCommand !== 'function' || typeof duplicate !== 'function') {
      throw new TypeError('unisocket redisAdapter(): the first argument must be a node-redis client (createClient() from "redis")');
    }
    if (typeof options !== 'object' || options === null) throw new TypeError('unisocket redisAdapter(): options must be an object');
    for (const key of Object.keys(options)) {
      if (!OPTIONS.includes(key)) throw new TypeError(`unisocket redisAdapter(): unknown option "${key}" (${OPTIONS.join(', ')})`);
    }
    const { prefix = 'unisocket:', leaseRefreshMs, streamLength = 100_000 } = options;
    if (typeof prefix !== 'string' || prefix === '') throw new TypeError(`unisocket redisAdapter(): option prefix must be a non-empty string; got ${JSON.stringify(prefix)}`);
    if (leaseRefreshMs !== undefined && !positiveInteger(leaseRefreshMs)) {
      throw new TypeError(`unisocket redisAdapter(): option leaseRefreshMs must be an integer >= 1; got ${JSON.stringify(leaseRefreshMs)}`);
    }
    if (!positiveInteger(streamLength)) throw new TypeError(`unisocket redisAdapter(): option streamLength must be an integer >= 1; got ${JSON.stringify(streamLength)}`);
    this.prefix = prefix;
    this.bus = `${prefix}bus`;
    this.maxLen = String(streamLength);
    this.scripts = new ScriptRunner(client);
  }

  async init(node: AdapterNode, limits: SessionLimits): Promise<void> {
    if (this.node) throw new Error('this Redis adapter already serves a server: create one adapter per server');
    this.node = node;
    this.limits = limits;
    // A checkpoint every quarter of the replay window: a takeover computes at most that many frames
    // more than it replays (plus what the stream got since the owner's last lease renewal).
    const every = Math.max(1, Math.floor(limits.replayFrames / 4));
    this.owned = new OwnedSessions(node, every, limits.replayFrames, () => setImmediate(() => void this.saveCheckpoints()));
    if (!this.client.isOpen) await this.client.connect();
    const reader = (this.reader = this.client.duplicate());
    reader.on('error', (error) => node.error(new Error(`redis adapter reader: ${error.message}`, { cause: error })));
    await reader.connect();
    await this.scripts.load([CREATE, PEEK, TAKE, GAP, BROADCAST, CLAIM, MEMBERSHIP, OWNED, LEASE, CHECKPOINT, FETCH]);
    // Reading starts after the newest entry: what this node does from now on comes later.
    const [newest] = (await this.client.sendCommand(['XREVRANGE', this.bus, '+', '-', 'COUNT', '1'])) as RawEntry[];
    this.readFrom = newest?.[0] ?? '0-0';
    this.reading = this.read(reader);
    const refreshMs = this.options.leaseRefreshMs ?? Math.min(15_000, Math.max(10, Math.floor(limits.detachedTtlMs / 3)));
    this.leaseMs = limits.detachedTtlMs + 2 * refreshMs + 1000;
    this.leaseTimer = setInterval(() => void this.renewLeases(), refreshMs);
    this.leaseTimer.unref();
  }

  async create(session: NewSession): Promise<void> {
    const { node, owned } = this.bound();
    owned.create(session.id);
    try {
      await this.run(CREATE, [session.id, session.secretHash, node.nodeId, json(session.data), this.leaseMs]);
    } catch (error) {
      owned.disown(session.id);
      throw error;
    }
    owned.attached(session.id);
  }

  /**
   * Computes the session's frames from its newest checkpoint at or before `lastSeq` (read-only), then
   * takes it over: the frames the stream gets meanwhile are applied once the session is installed here.
   */
  async resume(id: string, secretHash: string, lastSeq: number): Promise<ResumedSession | undefined> {
    const { node, owned } = this.bound();
    owned.startResume(id);
    try {
      const stored = await this.run<string | null>(PEEK, [id, secretHash]);
      if (stored === null || stored === undefined) return undefined;
      const checkpoints = JSON.parse(stored || '[]') as Checkpoint[];
      const computed = await this.compute(id, checkpoints, lastSeq);
      if (!computed) {
        // The owner hears of it from the stream; when that is this node, it hears now (read your own writes).
        const owner = await this.run<string>(GAP, [id]);
        if (owner === node.nodeId) owned.disown(id, 'gap');
        return undefined;
      }
      const taken = await this.run<[string, string, string] | null>(TAKE, [id, secretHash, node.nodeId, this.leaseMs]);
      if (!taken) return undefined;
      const [, rcid, data] = taken;
      const { state, replay } = computed;
      owned.install(id, state, checkpoints);
      owned.attached(id);
      return { id, rooms: [...state.rooms], data: parse(data), seq: state.seq, rcid: Number(rcid), replay };
    } finally {
      owned.endResume(id);
    }
  }

  async detach(id: string, data: unknown): Promise<void> {
    const { owned } = this.bound();
    const { detachedTtlMs } = this.limits;
    owned.detach(id, Date.now() + detachedTtlMs);
    this.plan();
    await this.runOwned(id, 'detach', json(data), detachedTtlMs + DETACHED_GRACE_MS);
  }

  async update(id: string, data: unknown): Promise<void> {
    await this.runOwned(id, 'update', json(data));
  }

  async end(id: string): Promise<void> {
    this.bound().owned.disown(id);
    await this.runOwned(id, 'end');
  }

  async append(id: string, frame: FrameTail): Promise<void> {
    this.bound();
    await this.client.sendCommand(['XADD', this.bus, 'MAXLEN', '~', this.maxLen, '*', 'k', 'a', 'a', id, 'b', frame.tail, 'c', String(frame.bytes)]);
  }

  async claim(id: string, cid: number): Promise<boolean> {
    return (await this.run<number>(CLAIM, [id, cid])) === 1;
  }

  async join(id: string, room: string): Promise<void> {
    await this.run(MEMBERSHIP, [id, room, '1']);
  }

  async leave(id: string, room: string): Promise<void> {
    await this.run(MEMBERSHIP, [id, room, '0']);
  }

  broadcast(target: BroadcastTarget, frame: FrameTail): Promise<number> {
    return this.run<number>(BROADCAST, [frame.tail, frame.bytes, ...targetArgs(target)]);
  }

  async fetchSessions(target: BroadcastTarget): Promise<SessionInfo[]> {
    const flat = await this.run<string[]>(FETCH, targetArgs(target));
    const sessions: SessionInfo[] = [];
    for (let i = 0; i < flat.length; i += 3) sessions.push({ id: flat[i]!, rooms: JSON.parse(flat[i + 1]!) as string[], data: parse(flat[i + 2]) });
    return sessions;
  }

  async close(): Promise<void> {
    if (this.closed || !this.node) return;
    clearInterval(this.leaseTimer);
    clearTimeout(this.sweepTimer);
    try {
      // Whoever takes its sessions over computes from where they are now.
      this.owned!.refreshCheckpoints();
      await this.saveCheckpoints();
      // Its sessions stay, detached, for other nodes to resume until they expire.
      await this.lease('detach', this.limits.detachedTtlMs + DETACHED_GRACE_MS);
    } finally {
      this.closed = true;
      this.reader?.destroy();
      await this.reading;
    }
  }

  private bound(): { node: AdapterNode; owned: OwnedSessions } {
    if (!this.node || !this.owned) throw new Error('the Redis adapter is not initialised (init() first)');
    if (this.closed) throw new Error('the Redis adapter is closed');
    return { node: this.node, owned: this.owned };
  }

  private run<T = unknown>(script: string, args: readonly (string | number)[]): Promise<T> {
    return this.scripts.run<T>(script, [this.prefix, this.maxLen, ...args]);
  }

  private runOwned(id: string, mode: 'detach' | 'update' | 'end' | 'expire', data = '', ttlMs = 0): Promise<number> {
    return this.run<number>(OWNED, [id, this.bound().node.nodeId, mode, data, ttlMs]);
  }

  /** Reads the cluster stream until the adapter closes, applying every entry in order. */
  private async read(reader: RedisClient): Promise<void> {
    let failed = false;
    while (!this.closed) {
      let reply: unknown;
      try {
        reply = await reader.sendCommand(['XREAD', 'BLOCK', '0', 'COUNT', String(READ_COUNT), 'STREAMS', this.bus, this.readFrom]);
      } catch (error) {
        if (this.closed) return;
        if (!failed) this.node!.error(new Error('redis adapter: cannot read the cluster stream (retrying)', { cause: error }));
        failed = true;
        await sleep(100);
        continue;
      }
      if (failed) {
        failed = false;
        await this.checkBehind();
      }
      const raw = entriesOf(reply);
      if (!raw.length || this.closed) continue;
      this.readFrom = raw.at(-1)![0];
      const entries: Entry[] = [];
      for (const item of raw) {
        try {
          const entry = parseEntry(item);
          if (entry) entries.push(entry);
        } catch (error) {
          this.node!.error(new Error(`redis adapter: a malformed cluster stream entry ${item[0]} (skipped)`, { cause: error }));
        }
      }
      try {
        this.owned!.apply(entries);
      } catch (error) {
        // The reader must go on: every other session still needs its frames.
        this.node!.error(new Error('redis adapter: applying cluster stream entries failed', { cause: error }));
      }
    }
  }

  /**
   * After the reader was cut off: if the stream was trimmed past what it had read, this node's sessions
   * may have missed frames it can no longer compute here. They are released (their clients resume,
   * which computes them again from their checkpoints, or is an honest gap).
   */
  private async checkBehind(): Promise<void> {
    try {
      const [oldest] = (await this.client.sendCommand(['XRANGE', this.bus, '-', '+', 'COUNT', '1'])) as RawEntry[];
      if (!oldest || this.readFrom === '0-0' || compareIds(oldest[0], this.readFrom) <= 0) return;
      this.node!.error(new Error('redis adapter: the cluster stream was trimmed past what this node had read; its sessions resume from their checkpoints'));
      this.owned!.releaseAll('gap');
    } catch (error) {
      this.node?.error(new Error('redis adapter: cannot check the cluster stream after a reconnect', { cause: error }));
    }
  }

  /**
   * The state and replay of session `id` computed from its newest checkpoint at or before `lastSeq`:
   * undefined when that cannot be done whole (no such checkpoint, the stream trimmed past it, frames or
   * bytes after `lastSeq` beyond the replay window, a `lastSeq` above the session's `seq`).
   */
  private async compute(id: string, checkpoints: readonly Checkpoint[], lastSeq: number): Promise<{ state: SessionState; replay: FrameTail[] } | undefined> {
    const from = checkpointFor(checkpoints, lastSeq);
    if (!from || lastSeq < 0) return undefined;
    const { replayFrames, replayBytes } = this.limits;
    const node = this.node!.nodeId;
    const state: SessionState = { seq: from[0], pos: from[1], rooms: [...from[2]] };
    const replay: FrameTail[] = [];
    let bytes = 0;
    for (;;) {
      const raw = (await this.client.sendCommand(['XRANGE', this.bus, `(${state.pos}`, '+', 'COUNT', String(READ_COUNT)])) as RawEntry[];
      for (const item of raw) {
        const entry = parseEntry(item);
        const result = entry ? step(state, id, entry, node) : undefined;
        state.pos = item[0];
        if (result === 'ended') return undefined;
        if (typeof result !== 'object' || state.seq <= lastSeq) continue;
        replay.push(result);
        bytes += result.bytes;
        if (replay.length > replayFrames || bytes > replayBytes) return undefined;
      }
      if (raw.length < READ_COUNT) break;
    }
    if (lastSeq > state.seq) return undefined;
    // Trimming takes the oldest entries first: if the checkpoint's entry is still there, so is everything read after it.
    const [oldest] = (await this.client.sendCommand(['XRANGE', this.bus, '-', '+', 'COUNT', '1'])) as RawEntry[];
    if (!oldest || compareIds(oldest[0], from[1]) > 0) return undefined;
    return { state, replay };
  }

  /** Saves the checkpoints that changed, in batches. */
  private async saveCheckpoints(): Promise<void> {
    const dirty = this.owned?.takeDirty() ?? [];
    try {
      for (let at = 0; at < dirty.length; at += BATCH) await this.run(CHECKPOINT, [this.node!.nodeId, ...dirty.slice(at, at + BATCH).flat()]);
    } catch (error) {
      this.node?.error(new Error('redis adapter: cannot save session checkpoints', { cause: error }));
    }
  }

  /** Runs LEASE (`lease`: renew; `detach`: the node closes) over the attached sessions, in batches. */
  private async lease(mode: 'lease' | 'detach', ttlMs: number): Promise<void> {
    const ids = this.owned?.attachedIds() ?? [];
    for (let at = 0; at < ids.length; at += BATCH) await this.run(LEASE, [this.node!.nodeId, ttlMs, mode, ...ids.slice(at, at + BATCH)]);
  }

  private renewLeases(): void {
    if (this.closed) return;
    this.owned?.refreshCheckpoints();
    this.lease('lease', this.leaseMs).catch((error: unknown) => this.node?.error(new Error('redis adapter: cannot renew session leases', { cause: error })));
  }

  /** Arms the one expiry timer for the earliest detached session. */
  private plan(): void {
    const { next } = this.owned!.expired(Date.now());
    if (next >= this.sweepAt || this.closed) return;
    clearTimeout(this.sweepTimer);
    this.sweepAt = next;
    if (next === Infinity) return;
    this.sweepTimer = setTimeout(() => void this.sweep(), Math.max(0, next - Date.now()));
    this.sweepTimer.unref();
  }

  /** Detached sessions whose TTL is over end, unless resumed meanwhile: released `expired`. */
  private async sweep(): Promise<void> {
    this.sweepAt = Infinity;
    const owned = this.owned!;
    const { due } = owned.expired(Date.now());
    await Promise.all(
      due.map(async (id) => {
        try {
          // 1: ended now; -1: gone already (its keys expired); 0: attached again, or owned elsewhere
          // (its `moved` is on the way): no longer waiting to expire here.
          if ((await this.runOwned(id, 'expire')) !== 0) owned.disown(id, 'expired');
          else owned.detach(id, 0);
        } catch (error) {
          this.node?.error(new Error(`redis adapter: cannot expire session ${id}`, { cause: error }));
        }
      }),
    );
    this.plan();
  }
}

/**
 * The adapter of many nodes on one Redis (a standalone server, or a primary with replicas and
 * Sentinel; not Redis Cluster). `client` is a node-redis client (`createClient()` from `redis`);
 * the adapter connects it if needed, duplicates it once for its stream reader, and leaves it open on
 * `close()` (it is yours).
 */
export function redisAdapter(client: RedisClient, options: RedisAdapterOptions = {}): RedisAdapter {
  return new RedisAdapter(client, options);
}
