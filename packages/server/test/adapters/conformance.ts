// The adapter conformance suite: what every adapter (memory, Redis) must do, as src/adapters/adapter.ts
// states it. Run it with a fixture that makes nodes of one fresh cluster per test:
//
//   adapterConformance({ name: 'memory', cluster: async () => { const store = new MemoryStore(); … } });
//
// Every call's result is awaited (adapters may answer synchronously or not); deliveries to a node are
// observed with expect.poll, since a broadcast may reach another node's sessions later.
import { afterEach, describe, expect, it } from 'vitest';
import type { Adapter, AdapterNode, FrameTail, ReleaseReason, SessionLimits } from '../../src/adapters/adapter.js';
import { hashSecret } from '../../src/session/token.js';

/** One fresh, empty cluster: `adapter()` makes the adapter of one more node. */
export interface AdapterCluster {
  adapter(): Adapter;
  /** Frees what the cluster used (after every node closed). */
  teardown(): Promise<void>;
}

export interface AdapterFixture {
  name: string;
  cluster(): Promise<AdapterCluster>;
}

/** A server node as the adapter sees it, recording what the adapter tells it. */
export class RecordingNode implements AdapterNode {
  readonly deliveries: { id: string; seq: number; tail: string }[] = [];
  readonly releases: { id: string; reason: ReleaseReason }[] = [];
  readonly errors: Error[] = [];

  constructor(readonly nodeId: string) {}

  deliver(id: string, seq: number, frame: FrameTail): void {
    this.deliveries.push({ id, seq, tail: frame.tail });
  }

  release(id: string, reason: ReleaseReason): void {
    this.releases.push({ id, reason });
  }

  error(error: Error): void {
    this.errors.push(error);
  }

  /** `[seq, tail]` of every frame delivered to session `id`, in delivery order. */
  of(id: string): [number, string][] {
    return this.deliveries.filter((delivery) => delivery.id === id).map((delivery) => [delivery.seq, delivery.tail]);
  }
}

export const DEFAULT_TEST_LIMITS: SessionLimits = { replayFrames: 100, replayBytes: 1 << 20, detachedTtlMs: 60_000 };

/** A frame whose tail is `,"t":"event","name":"n","args":[<text>]}`. */
export function frame(text: string): FrameTail {
  const tail = `,"t":"event","name":"n","args":[${JSON.stringify(text)}]}`;
  return { tail, bytes: Buffer.byteLength(tail) };
}

const tails = (texts: string[]) => texts.map((text) => frame(text).tail);

export function adapterConformance(fixture: AdapterFixture): void {
  describe(`adapter conformance: ${fixture.name}`, () => {
    let cluster: AdapterCluster | undefined;
    const open: Adapter[] = [];
    let counter = 0;

    afterEach(async () => {
      for (const adapter of open.splice(0)) await adapter.close();
      await cluster?.teardown();
      cluster = undefined;
    });

    /** A node of this test's cluster, initialised with `limits`. */
    async function node(limits: Partial<SessionLimits> = {}): Promise<{ adapter: Adapter; node: RecordingNode }> {
      cluster ??= await fixture.cluster();
      const adapter = cluster.adapter();
      const recorder = new RecordingNode(`node-${++counter}`);
      await adapter.init(recorder, { ...DEFAULT_TEST_LIMITS, ...limits });
      open.push(adapter);
      return { adapter, node: recorder };
    }

    /** Creates a session; its secret is `secret-<id>`. */
    async function session(adapter: Adapter, id: string, data: unknown = { name: id }): Promise<string> {
      await adapter.create({ id, secretHash: hashSecret(`secret-${id}`), data });
      return id;
    }

    const resume = (adapter: Adapter, id: string, lastSeq: number, secret = `secret-${id}`) => adapter.resume(id, hashSecret(secret), lastSeq);

    describe('sequencing', () => {
      it('numbers the frames of a session 1, 2, 3 and delivers each once stored, in order', async () => {
        const { adapter, node: n } = await node();
        await session(adapter, 'a');
        await session(adapter, 'b');
        for (const text of ['one', 'two', 'three']) await adapter.append('a', frame(text));
        await adapter.append('b', frame('other'));
        await expect.poll(() => n.of('a').length).toBe(3);
        expect(n.of('a')).toEqual([
          [1, frame('one').tail],
          [2, frame('two').tail],
          [3, frame('three').tail],
        ]);
        await expect.poll(() => n.of('b')).toEqual([[1, frame('other').tail]]);
      });

      it('keeps the order of operations issued without waiting: an append, then a broadcast reaching the session', async () => {
        const { adapter, node: n } = await node();
        await session(adapter, 'a');
        await adapter.join('a', 'r');
        const pending = [adapter.append('a', frame('direct')), adapter.broadcast({ rooms: ['r'] }, frame('room')), adapter.append('a', frame('after'))];
        await Promise.all(pending);
        await expect.poll(() => n.of('a').length).toBe(3);
        expect(n.of('a')).toEqual([
          [1, frame('direct').tail],
          [2, frame('room').tail],
          [3, frame('after').tail],
        ]);
      });

      it('claims each client cid once, in increasing order', async () => {
        const { adapter } = await node();
        await session(adapter, 'a');
        expect(await adapter.claim('a', 1)).toBe(true);
        expect(await adapter.claim('a', 1)).toBe(false);
        expect(await adapter.claim('a', 3)).toBe(true);
        expect(await adapter.claim('a', 2)).toBe(false);
        expect(await adapter.claim('a', 4)).toBe(true);
        expect(await resume(adapter, 'a', 0)).toMatchObject({ rcid: 4 });
      });
    });

    describe('resume', () => {
      it('answers seq, rcid, rooms, data and every frame after lastSeq', async () => {
        const { adapter } = await node();
        await session(adapter, 'a', { nick: 'ann' });
        await adapter.join('a', 'lobby');
        await adapter.join('a', 'news');
        await adapter.claim('a', 2);
        for (const text of ['1', '2', '3', '4']) await adapter.append('a', frame(text));
        await adapter.detach('a', { nick: 'ann', seen: true });
        const resumed = await resume(adapter, 'a', 2);
        expect(resumed).toMatchObject({ id: 'a', seq: 4, rcid: 2, rooms: ['lobby', 'news'], data: { nick: 'ann', seen: true } });
        expect(resumed!.replay.map((f) => f.tail)).toEqual(tails(['3', '4']));
        expect((await resume(adapter, 'a', 4))!.replay).toEqual([]);
        expect((await resume(adapter, 'a', 0))!.replay.map((f) => f.tail)).toEqual(tails(['1', '2', '3', '4']));
      });

      it('never resumes with a wrong secret or an unknown id, and leaves the session alone', async () => {
        const { adapter, node: n } = await node();
        await session(adapter, 'a');
        await adapter.append('a', frame('x'));
        expect(await resume(adapter, 'a', 0, 'guess')).toBeUndefined();
        expect(await resume(adapter, 'nobody', 0)).toBeUndefined();
        expect(n.releases).toEqual([]);
        expect(await resume(adapter, 'a', 1)).toMatchObject({ seq: 1 });
      });

      it('ends a session asked for a lastSeq above its seq: release gap, then unknown', async () => {
        const { adapter, node: n } = await node();
        await session(adapter, 'a');
        await adapter.join('a', 'r');
        await adapter.append('a', frame('x'));
        expect(await resume(adapter, 'a', 5)).toBeUndefined();
        expect(n.releases).toEqual([{ id: 'a', reason: 'gap' }]);
        expect(await resume(adapter, 'a', 1)).toBeUndefined();
        expect(await adapter.fetchSessions({ rooms: ['r'] })).toEqual([]);
      });

      it('bounds the replay window by frames: a lastSeq before the window is a gap', async () => {
        const { adapter, node: n } = await node({ replayFrames: 3 });
        await session(adapter, 'a');
        for (const text of ['1', '2', '3', '4', '5']) await adapter.append('a', frame(text));
        expect((await resume(adapter, 'a', 2))!.replay.map((f) => f.tail)).toEqual(tails(['3', '4', '5']));
        expect(await resume(adapter, 'a', 1)).toBeUndefined();
        expect(n.releases).toEqual([{ id: 'a', reason: 'gap' }]);
      });

      it('bounds the replay window by bytes', async () => {
        const bytes = frame('xxxxxxxxxx').bytes;
        const { adapter } = await node({ replayBytes: bytes * 2 + 1 });
        await session(adapter, 'a');
        for (const text of ['aaaaaaaaaa', 'bbbbbbbbbb', 'cccccccccc']) await adapter.append('a', frame(text));
        expect((await resume(adapter, 'a', 1))!.replay.map((f) => f.tail)).toEqual(tails(['bbbbbbbbbb', 'cccccccccc']));
        expect(await resume(adapter, 'a', 0)).toBeUndefined();
      });
    });

    describe('rooms and broadcasts', () => {
      it('reaches the members of a room once each, attached or detached, and answers how many', async () => {
        const { adapter, node: n } = await node();
        for (const id of ['a', 'b', 'c']) await session(adapter, id);
        await adapter.join('a', 'r');
        await adapter.join('b', 'r');
        await adapter.join('b', 's');
        await adapter.detach('b', {});
        expect(await adapter.broadcast({ rooms: ['r'] }, frame('to r'))).toBe(2);
        expect(await adapter.broadcast({ rooms: ['r', 's'] }, frame('to r and s'))).toBe(2);
        await expect.poll(() => n.of('b').length).toBe(2);
        expect(n.of('a')).toEqual([
          [1, frame('to r').tail],
          [2, frame('to r and s').tail],
        ]);
        expect(n.of('c')).toEqual([]);
        expect((await resume(adapter, 'b', 0))!.replay.map((f) => f.tail)).toEqual(tails(['to r', 'to r and s']));
      });

      it('reaches every session without rooms, leaves out `except` rooms and session ids', async () => {
        const { adapter, node: n } = await node();
        for (const id of ['a', 'b', 'c', 'd']) await session(adapter, id);
        await adapter.join('a', 'quiet');
        expect(await adapter.broadcast({}, frame('all'))).toBe(4);
        expect(await adapter.broadcast({ except: ['quiet', 'b'] }, frame('some'))).toBe(2);
        expect(await adapter.broadcast({ rooms: ['c'] }, frame('only c'))).toBe(1);
        await expect.poll(() => n.deliveries.length).toBe(7);
        expect(n.of('a').map(([, tail]) => tail)).toEqual(tails(['all']));
        expect(n.of('b').map(([, tail]) => tail)).toEqual(tails(['all']));
        expect(n.of('c').map(([, tail]) => tail)).toEqual(tails(['all', 'some', 'only c']));
        expect(n.of('d').map(([, tail]) => tail)).toEqual(tails(['all', 'some']));
      });

      it('lists a room in join order with each session rooms and last saved data; leave and end take sessions out', async () => {
        const { adapter } = await node();
        for (const id of ['c', 'a', 'b']) await session(adapter, id, { nick: id });
        await adapter.join('c', 'r');
        await adapter.join('a', 'r');
        await adapter.join('b', 'r');
        await adapter.join('b', 'r'); // twice: still once, keeps its place
        await adapter.join('a', 'other');
        await adapter.update('a', { nick: 'ann' });
        expect(await adapter.fetchSessions({ rooms: ['r'] })).toEqual([
          { id: 'c', rooms: ['r'], data: { nick: 'c' } },
          { id: 'a', rooms: ['r', 'other'], data: { nick: 'ann' } },
          { id: 'b', rooms: ['r'], data: { nick: 'b' } },
        ]);
        await adapter.leave('c', 'r');
        await adapter.end('b');
        expect((await adapter.fetchSessions({ rooms: ['r'] })).map((s) => s.id)).toEqual(['a']);
        expect((await adapter.fetchSessions({})).map((s) => s.id).sort()).toEqual(['a', 'c']);
        expect(await adapter.fetchSessions({ rooms: ['r'], except: ['other'] })).toEqual([]);
        expect(await resume(adapter, 'b', 0)).toBeUndefined();
      });
    });

    describe('detached sessions', () => {
      it('expire after the TTL: released, gone from rooms, no longer resumable; attached ones stay', async () => {
        const { adapter, node: n } = await node({ detachedTtlMs: 150 });
        await session(adapter, 'gone');
        await session(adapter, 'stays');
        await adapter.join('gone', 'r');
        await adapter.join('stays', 'r');
        await adapter.detach('gone', {});
        await expect.poll(() => n.releases, { timeout: 5000 }).toEqual([{ id: 'gone', reason: 'expired' }]);
        expect(await resume(adapter, 'gone', 0)).toBeUndefined();
        expect((await adapter.fetchSessions({ rooms: ['r'] })).map((s) => s.id)).toEqual(['stays']);
      });

      it('do not expire once resumed, and detach again with a fresh TTL', async () => {
        const { adapter, node: n } = await node({ detachedTtlMs: 200 });
        await session(adapter, 'a');
        await adapter.detach('a', {});
        expect(await resume(adapter, 'a', 0)).toBeDefined();
        await session(adapter, 'probe');
        await adapter.detach('probe', {});
        // Once the probe (detached later) expired, `a`'s first TTL is long over.
        await expect.poll(() => n.releases, { timeout: 5000 }).toEqual([{ id: 'probe', reason: 'expired' }]);
        expect(await resume(adapter, 'a', 0)).toBeDefined();
      });
    });

    describe('several nodes', () => {
      it('fans a broadcast out to the sessions of every node', async () => {
        const one = await node();
        const two = await node();
        await session(one.adapter, 'a');
        await session(two.adapter, 'b');
        await one.adapter.join('a', 'r');
        await two.adapter.join('b', 'r');
        expect(await two.adapter.broadcast({ rooms: ['r'] }, frame('hi'))).toBe(2);
        await expect.poll(() => one.node.of('a')).toEqual([[1, frame('hi').tail]]);
        await expect.poll(() => two.node.of('b')).toEqual([[1, frame('hi').tail]]);
        expect((await one.adapter.fetchSessions({ rooms: ['r'] })).map((s) => s.id)).toEqual(['a', 'b']);
        await two.adapter.append('a', frame('direct'));
        await expect.poll(() => one.node.of('a').length).toBe(2);
        expect(two.node.of('a')).toEqual([]);
      });

      it('moves a session to the node that resumes it: the old owner is released, the new one delivers', async () => {
        const one = await node();
        const two = await node();
        await session(one.adapter, 'a', { nick: 'ann' });
        await one.adapter.join('a', 'r');
        await one.adapter.claim('a', 3);
        await one.adapter.append('a', frame('before'));
        const resumed = await resume(two.adapter, 'a', 0);
        expect(resumed).toMatchObject({ seq: 1, rcid: 3, rooms: ['r'], data: { nick: 'ann' } });
        await expect.poll(() => one.node.releases).toEqual([{ id: 'a', reason: 'moved' }]);
        expect(await two.adapter.claim('a', 3)).toBe(false);
        await one.adapter.broadcast({ rooms: ['r'] }, frame('after'));
        await expect.poll(() => two.node.of('a')).toEqual([[2, frame('after').tail]]);
        expect(one.node.of('a')).toEqual([[1, frame('before').tail]]);
      });

      it('keeps the sessions of a closed node for another node to resume', async () => {
        const one = await node();
        const two = await node();
        await session(one.adapter, 'a');
        await one.adapter.append('a', frame('x'));
        await one.adapter.close();
        open.splice(open.indexOf(one.adapter), 1);
        expect(await resume(two.adapter, 'a', 0)).toMatchObject({ seq: 1, replay: [frame('x')] });
      });
    });
  });
}
