// Conformance, part 2: outages on every endpoint kind against the real harness: `drop` (every TCP
// connection destroyed), `restart` (the server down for a while, its state kept) and `blackhole` (the
// link goes silent without closing). Small client policies keep each outage under a second or two.
import { describe, expect } from 'vitest';
import { createGate, useHarness, when, type Bench } from './fixture.js';
import type { Kind, Peer, Room } from './kinds.js';
import { KINDS } from './kinds.js';

const HEARTBEAT_MS = 300;
const bench = useHarness({ heartbeatMs: HEARTBEAT_MS });

/** Keeps every carrier of `kind` out (WebSocket upgrades refused, SSE answered 500), then drops every connection. */
async function startOutage(target: Bench, kind: Kind, peers: Peer[]): Promise<void> {
  const marks = peers.map((peer) => peer.log.mark());
  await target.control('block-websocket', { mode: 'refuse' });
  await target.control('sse-status', { status: 500 });
  await target.control('drop');
  await Promise.all(peers.map((peer, i) => expect.poll(() => peer.log.of('close', marks[i]).length).toBeGreaterThan(0)));
  for (const peer of peers) expect(peer.client.state.status, kind.name).toBe('reconnecting');
}

/** Publishes `texts` one after the other; answers how many connections each reached. */
async function publishAll(room: Room, texts: string[]): Promise<number[]> {
  const delivered: number[] = [];
  for (const text of texts) delivered.push(await room.publish(text));
  return delivered;
}

describe.each(KINDS)('$name', (kind) => {
  const { caps } = kind;

  when(true, 'reconnects on its own after a drop, on the same carrier', async () => {
    const room = kind.room(bench);
    const peer = await room.join();
    const since = peer.log.mark();
    await bench.control('drop');
    await expect.poll(() => peer.log.of('open', since).length, { timeout: 5000 }).toBe(1);
    expect(peer.log.of('close', since)).toEqual([expect.objectContaining({ terminal: false })]);
    expect(peer.log.of('open', since)[0]).toMatchObject({ recovered: true, resumed: caps.resumesSession, transport: kind.carrier });
    expect(peer.client.transport).toBe(kind.carrier);
    await room.publish('after the drop');
    await expect.poll(() => peer.inbox).toEqual(['after the drop']);
  });

  when(caps.replays, 'delivers what the server sent during the outage once and in order after coming back', async () => {
    const room = kind.room(bench);
    const peer = await room.join();
    await room.publish('before');
    await expect.poll(() => peer.inbox).toEqual(['before']);
    await startOutage(bench, kind, [peer]);
    await publishAll(room, ['during 1', 'during 2', 'during 3']);
    await bench.control('reset');
    await expect.poll(() => peer.inbox, { timeout: 5000 }).toEqual(['before', 'during 1', 'during 2', 'during 3']);
    expect(peer.log.of('open').at(-1)).toMatchObject({ recovered: true, resumed: caps.resumesSession });
    expect(peer.log.of('gap')).toEqual([]);
    await room.publish('after');
    await expect.poll(() => peer.inbox).toEqual(['before', 'during 1', 'during 2', 'during 3', 'after']);
  });

  when(!caps.replays, 'loses what the server sent during the outage (no replay) and receives again after', async () => {
    const room = kind.room(bench);
    const peer = await room.join();
    await startOutage(bench, kind, [peer]);
    expect(await publishAll(room, ['during 1', 'during 2'])).toEqual([0, 0]);
    await bench.control('reset');
    await peer.enter();
    await expect.poll(() => room.publish('after')).toBe(1);
    await expect.poll(() => peer.inbox).toEqual(['after']);
  });

  when(true, 'keeps what the app sends while disconnected in the outbox and sends it in order after reconnecting', async () => {
    const room = kind.room(bench);
    const gate = createGate();
    // A gateway does not echo to the sender: another peer listens, and the sender's reconnect waits for it.
    const listener = caps.hearsSelf ? undefined : await room.join();
    const sender = await room.join(caps.hearsSelf ? {} : { hold: gate.wait });
    const hearer = listener ?? sender;
    await startOutage(bench, kind, listener ? [listener, sender] : [sender]);
    gate.close();
    const outbox = sender.log.mark();
    for (const text of ['queued 1', 'queued 2', 'queued 3']) sender.say(text);
    expect(sender.log.of('outbox', outbox).at(-1)).toMatchObject({ size: 3 });
    await bench.control('reset');
    if (listener) {
      await listener.enter();
      gate.open();
    }
    await expect.poll(() => hearer.inbox, { timeout: 5000 }).toEqual(['queued 1', 'queued 2', 'queued 3']);
    await expect.poll(() => sender.log.of('outbox').at(-1)).toMatchObject({ size: 0 });
  });

  when(caps.acks, 'resolves an emitWithAck that was pending when the connection dropped', async () => {
    const peer = await kind.room(bench).join();
    // The blackhole swallows the request (or its answer), so it is surely pending when the drop comes.
    await bench.control('blackhole');
    const answer = peer.client.emitWithAck('echo', 'survives');
    let settled = false;
    void answer.then(() => (settled = true));
    await bench.healthy(); // a round trip to the harness: the echo had time to be answered, had it gone through
    expect(settled).toBe(false);
    await bench.control('drop');
    await expect(answer).resolves.toBe('survives');
  });

  when(true, 'reconnects after a server restart, resumes, and sends what was queued while the server was down', async () => {
    const room = kind.room(bench);
    const peer = await room.join();
    await room.publish('before restart');
    await expect.poll(() => peer.inbox).toEqual(['before restart']);
    const since = peer.log.mark();
    const restart = await bench.restart();
    await expect.poll(() => peer.log.of('close', since).length).toBeGreaterThan(0);
    const pending = caps.acks ? peer.client.emitWithAck('echo', 'across the restart') : undefined;
    if (caps.hearsSelf) peer.say('while down');
    expect(peer.client.state.status).not.toBe('open');
    await restart.release();
    // Back within a few backoff rounds of the server coming back (generous bound: no timing assertion).
    await expect.poll(() => peer.log.of('open', since).length, { timeout: 5000 }).toBeGreaterThan(0);
    expect(peer.log.of('open', since)[0]).toMatchObject({ recovered: true, resumed: caps.resumesSession });
    expect(peer.log.of('close', since).every((close) => !close.terminal)).toBe(true);
    if (pending) await expect(pending).resolves.toBe('across the restart');
    await peer.enter();
    await room.publish('after restart');
    const expected = ['before restart', ...(caps.hearsSelf ? ['while down'] : []), 'after restart'];
    await expect.poll(() => peer.inbox, { timeout: 5000 }).toEqual(expected);
  });

  when(caps.heartbeat, 'detects a silent link (blackhole) by the heartbeat, replaces it and loses nothing', async () => {
    const room = kind.room(bench);
    const peer = await room.join();
    const since = peer.log.mark();
    await bench.control('blackhole');
    await room.publish('into the silence');
    // Detected after a missed ping plus the 700 ms grace; a generous bound, not a timing assertion.
    await expect.poll(() => peer.log.of('close', since), { timeout: 8 * (HEARTBEAT_MS + 700) }).toEqual([
      expect.objectContaining({ reason: 'heartbeat-timeout', terminal: false }),
    ]);
    expect(peer.log.of('close', since)[0]!.error).toMatchObject({ name: 'ConnectionError', code: 'heartbeat-timeout' });
    await expect.poll(() => peer.log.of('open', since).length, { timeout: 5000 }).toBe(1);
    expect(peer.log.of('open', since)[0]).toMatchObject({ recovered: true, resumed: true });
    await expect.poll(() => peer.inbox).toEqual(['into the silence']);
    await expect(peer.client.emitWithAck('echo', 'alive again')).resolves.toBe('alive again');
  });
});
