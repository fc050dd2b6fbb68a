import type { Adapter, AdapterNode, BroadcastTarget, FrameTail, NewSession, ResumedSession, SessionInfo, SessionLimits } from '../adapter.js';
import { ScriptRunner, type RedisClient } from './client.js';
import { frameOf, OwnedSessions, type Missing } from './owned.js';
import { CLAIM, CREATE, FAN_OUT, FETCH, LEASE, MEMBERSHIP, OWNED, RESUME, SYNC } from './scripts.js';

/** Options of {@link redisAdapter}. */
export interface RedisAdapterOptions {
  /** Prefix of every key and channel, so that several apps (or test runs) can share one Redis. @default 'unisocket:' */
  prefix?: string;
  /**
   * How often a node renews the lease on the keys of its attached sessions, in ms. A lease lasts the
   * detached TTL plus two renewals and a second (slack for a busy event loop): a node that dies (SIGKILL,
   * a lost machine) leaves its sessions resumable on other nodes for that long, then they expire on their own.
   * @default a third of the detached TTL, at most 15000
   */
  leaseRefreshMs?: number;
}

/** How long a detached session's keys outlive its TTL, so that its live owner removes it (and says `expired`) first. */
const DETACHED_GRACE_MS = 30_000;
/** Sessions per lease or sync script call (bounds how long one call holds Redis). */
const BATCH = 500;

const json = (value: unknown): string => (value === undefined ? '' : JSON.stringify(value));
const parse = (text: string | null | undefined): unknown => (text ? JSON.parse(text) : undefined);
const targetArgs = ({ rooms = [], except = [] }: BroadcastTarget): (string | number)[] => [rooms.length, ...rooms, except.length, ...except];

/**
 * The adapter of many nodes: sessions, their replay logs and rooms in one Redis (see scripts.ts for
 * the keys). Every write is one Lua script, so it is atomic and applied in the order this node issued
 * it (one connection, pipelined). A frame is logged for every session it reaches, attached or not,
 * on any node, before it is published to the owner nodes, which send it: nothing a client has seen
 * can be missing from the log, so a session resumes on any node with nothing lost and nothing twice.
 */
export class RedisAdapter implements Adapter {
  private readonly prefix: string;
  private readonly scripts: ScriptRunner;
  private node: AdapterNode | undefined;
  private limits: SessionLimits = { replayFrames: 1000, replayBytes: 1 << 20, detachedTtlMs: 120_000 };
  private owned: OwnedSessions | undefined;
  private subscriber: RedisClient | undefined;
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
    const { sendCommand, duplicate, subscribe } = (client ?? {}) as Partial<RedisClient>;
    if (typeof sendCommand !== 'function' || typeof duplicate !== 'function' || typeof subscribe !== 'function') {
      throw new TypeError('unisocket redisAdapter(): the first argument must be a node-redis client (createClient() from "redis")');
    }
    if (typeof options !== 'object' || options === null) throw new TypeError('unisocket redisAdapter(): options must be an object');
    for (const key of Object.keys(options)) {
      if (key !== 'prefix' && key !== 'leaseRefreshMs') throw new TypeError(`unisocket redisAdapter(): unknown option "${key}" (prefix, leaseRefreshMs)`);
    }
    const { prefix = 'unisocket:', leaseRefreshMs } = options;
    if (typeof prefix !== 'string' || prefix === '') throw new TypeError(`unisocket redisAdapter(): option prefix must be a non-empty string; got ${JSON.stringify(prefix)}`);
    if (leaseRefreshMs !== undefined && (!Number.isInteger(leaseRefreshMs) || leaseRefreshMs < 1)) {
      throw new TypeError(`unisocket redisAdapter(): option leaseRefreshMs must be an integer >= 1; got ${JSON.stringify(leaseRefreshMs)}`);
    }
    this.prefix = prefix;
    this.scripts = new ScriptRunner(client);
  }

  async init(node: AdapterNode, limits: SessionLimits): Promise<void> {
    if (this.node) throw new Error('this Redis adapter already serves a server: create one adapter per server');
    this.node = node;
    this.limits = limits;
    const owned = (this.owned = new OwnedSessions(node, (id, from) => this.fetchMissing(id, from)));
    if (!this.client.isOpen) await this.client.connect();
    const subscriber = (this.subscriber = this.client.duplicate());
    subscriber.on('error', (error) => node.error(new Error(`redis adapter subscriber: ${error.message}`, { cause: error })));
    await subscriber.connect();
    await subscriber.subscribe(`${this.prefix}n:${node.nodeId}`, (message) => this.onMessage(owned, message));
    // After a reconnect, deliveries published meanwhile are lost: look for them in the logs, now and
    // once more when the subscription is surely renewed.
    subscriber.on('ready', () => {
      void this.resync();
      setTimeout(() => void this.resync(), 1000).unref();
    });
    await this.scripts.load([CREATE, RESUME, FAN_OUT, CLAIM, MEMBERSHIP, OWNED, LEASE, FETCH, SYNC]);
    const refreshMs = this.options.leaseRefreshMs ?? Math.min(15_000, Math.max(10, Math.floor(limits.detachedTtlMs / 3)));
    this.leaseMs = limits.detachedTtlMs + 2 * refreshMs + 1000;
    this.leaseTimer = setInterval(() => void this.renewLeases(), refreshMs);
    this.leaseTimer.unref();
  }

  async create(session: NewSession): Promise<void> {
    const { node, owned } = this.bound();
    await this.run(CREATE, [session.id, session.secretHash, node.nodeId, json(session.data), this.leaseMs]);
    owned.own(session.id, 0);
  }

  async resume(id: string, secretHash: string, lastSeq: number): Promise<ResumedSession | undefined> {
    const { node, owned } = this.bound();
    const { replayFrames, replayBytes } = this.limits;
    const answer = await this.run<string[] | null>(RESUME, [id, secretHash, lastSeq, node.nodeId, replayFrames, replayBytes, this.leaseMs]);
    if (!answer) return undefined;
    if (answer[0] === 'gap') {
      // The owner hears of it on its channel; when that is this node, it hears now (read your own writes).
      if (answer[1] === node.nodeId) owned.disown(id, 'gap');
      return undefined;
    }
    const [seq, rcid, rooms, data, ...tails] = answer as [string, string, string, string, ...string[]];
    owned.own(id, Number(seq));
    return { id, rooms: JSON.parse(rooms) as string[], data: parse(data), seq: Number(seq), rcid: Number(rcid), replay: tails.map(frameOf) };
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
    await this.fanOut(frame, ['one', id]);
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
    return this.fanOut(frame, ['rooms', ...targetArgs(target)]);
  }

  async fetchSessions(target: BroadcastTarget): Promise<SessionInfo[]> {
    const flat = await this.run<string[]>(FETCH, targetArgs(target));
    const sessions: SessionInfo[] = [];
    for (let i = 0; i < flat.length; i += 3) sessions.push({ id: flat[i]!, rooms: JSON.parse(flat[i + 1]!) as string[], data: parse(flat[i + 2]) });
    return sessions;
  }

  async close(): Promise<void> {
    if (this.closed || !this.node) return;
    this.closed = true;
    clearInterval(this.leaseTimer);
    clearTimeout(this.sweepTimer);
    // Its sessions stay, detached, for other nodes to resume until they expire.
    try {
      await this.lease('detach', this.limits.detachedTtlMs + DETACHED_GRACE_MS);
    } finally {
      await this.subscriber?.close().catch(() => undefined);
    }
  }

  private bound(): { node: AdapterNode; owned: OwnedSessions } {
    if (!this.node || !this.owned) throw new Error('the Redis adapter is not initialised (init() first)');
    if (this.closed) throw new Error('the Redis adapter is closed');
    return { node: this.node, owned: this.owned };
  }

  private run<T = unknown>(script: string, args: readonly (string | number)[]): Promise<T> {
    return this.scripts.run<T>(script, [this.prefix, ...args]);
  }

  private runOwned(id: string, mode: 'detach' | 'update' | 'end' | 'expire', data = '', ttlMs = 0): Promise<number> {
    return this.run<number>(OWNED, [id, this.bound().node.nodeId, mode, data, ttlMs]);
  }

  private fanOut(frame: FrameTail, target: (string | number)[]): Promise<number> {
    const { replayFrames, replayBytes } = this.limits;
    // Trimming is paid once per eighth of the window (scripts.ts, FAN_OUT).
    const slackFrames = Math.max(16, replayFrames >> 3);
    const slackBytes = Math.max(1 << 16, replayBytes >> 3);
    return this.run<number>(FAN_OUT, [frame.tail, frame.bytes, replayFrames, replayBytes, slackFrames, slackBytes, ...target]);
  }

  /** A message on this node's channel: `d` deliveries, `r` a release (see scripts.ts). */
  private onMessage(owned: OwnedSessions, message: string): void {
    if (this.closed) return;
    try {
      if (message[0] === 'd') {
        const end = message.indexOf('\n');
        const list = JSON.parse(message.slice(1, end)) as (string | number)[];
        const frame: FrameTail = { tail: message.slice(end + 1), bytes: list[0] as number };
        for (let i = 1; i < list.length; i += 2) owned.receive(list[i] as string, list[i + 1] as number, frame);
      } else if (message[0] === 'r') {
        const [id, reason] = JSON.parse(message.slice(1)) as [string, 'moved' | 'gap'];
        owned.disown(id, reason);
      }
    } catch (error) {
      this.node?.error(new Error('redis adapter: a malformed message on the node channel', { cause: error }));
    }
  }

  /** The frames of session `id` from `from` on, and who owns it now. */
  private async fetchMissing(id: string, from: number): Promise<Missing> {
    const [item] = await this.run<string[][]>(SYNC, [this.bound().node.nodeId, id, from]);
    const [, owner, first, ...tails] = item!;
    return { owner: owner!, first: Number(first), tails };
  }

  /** After the subscriber reconnected: what every owned session missed, from its log. */
  private async resync(): Promise<void> {
    const owned = this.owned;
    if (!owned || this.closed) return;
    try {
      const cursors = owned.cursors();
      for (let at = 0; at < cursors.length; at += BATCH) {
        const items = await this.run<string[][]>(SYNC, [this.node!.nodeId, ...cursors.slice(at, at + BATCH).flat()]);
        for (const [id, owner, first, ...tails] of items) owned.filled(id!, undefined, { owner: owner!, first: Number(first), tails });
      }
    } catch (error) {
      this.node?.error(new Error('redis adapter: cannot look for deliveries lost while reconnecting', { cause: error }));
    }
  }

  /** Runs LEASE (`lease`: renew; `detach`: the node closes) over the attached sessions, in batches. */
  private async lease(mode: 'lease' | 'detach', ttlMs: number): Promise<void> {
    const ids = this.owned?.attached() ?? [];
    for (let at = 0; at < ids.length; at += BATCH) await this.run(LEASE, [this.node!.nodeId, ttlMs, mode, ...ids.slice(at, at + BATCH)]);
  }

  private renewLeases(): void {
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
 * the adapter connects it if needed, duplicates it once for its subscriber, and leaves it open on
 * `close()` (it is yours).
 */
export function redisAdapter(client: RedisClient, options: RedisAdapterOptions = {}): RedisAdapter {
  return new RedisAdapter(client, options);
}
