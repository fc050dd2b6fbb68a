// Conformance, part 1: messaging on every endpoint kind against the real harness. The harness ends
// plain SSE streams every second (as a CFML request timeout does, only faster), so the plain SSE kind
// runs every behaviour here across stream ends and Last-Event-ID replays.
import { describe, expect } from 'vitest';
import { countingPlatform, createGate, pace, useHarness, when } from './fixture.js';
import { KINDS } from './kinds.js';

const bench = useHarness({ sseMaxAgeSeconds: 1 });

/** Text that breaks naive framing: unicode, quotes, form and URL characters, markup, a line break. */
const TRICKY = 'naïve "quoted" & a=b+c %41 <b>日本</b> \\ back\nsecond line';

describe.each(KINDS)('$name', (kind) => {
  const { caps } = kind;

  when(true, 'connects and receives what the server publishes', async () => {
    const room = kind.room(bench);
    const peer = await room.join();
    expect(peer.client.transport).toBe(kind.carrier);
    expect(peer.log.of('open')[0]).toMatchObject({ transport: kind.carrier, recovered: false });
    await room.publish('hello');
    await expect.poll(() => peer.inbox).toEqual(['hello']);
  });

  when(caps.acks, 'resolves emitWithAck with the server ack', async () => {
    const peer = await kind.room(bench).join();
    await expect(peer.client.emitWithAck('echo', { n: 1, text: TRICKY }, 'second')).resolves.toEqual({ n: 1, text: TRICKY });
  });

  when(!caps.acks, 'rejects emitWithAck as unsupported (the protocol has no acks) and stays open', async () => {
    const peer = await kind.room(bench).join();
    await expect(peer.client.emitWithAck('echo', 1)).rejects.toMatchObject({ name: 'UnisocketError', code: 'unsupported' });
    expect(peer.log.of('close')).toEqual([]);
  });

  when(true, `delivers what a peer says to the others${caps.hearsSelf ? ' and to itself' : ', not to itself'}; a server message reaches all`, async () => {
    const room = kind.room(bench);
    const a = await room.join();
    const b = await room.join();
    a.say('from a');
    await expect.poll(() => b.inbox).toEqual(['from a']);
    // By now the server has relayed "from a"; a server message sent next reaches `a` after it would have.
    const delivered = await room.publish('to all');
    if (!caps.streamEnds) expect(delivered).toBe(2); // a plain SSE stream may be between two requests
    await expect.poll(() => b.inbox).toEqual(['from a', 'to all']);
    await expect.poll(() => a.inbox).toEqual(caps.hearsSelf ? ['from a', 'to all'] : ['to all']);
  });

  when(true, 'passes text through untouched (unicode, quotes, form characters, line breaks)', async () => {
    const room = kind.room(bench);
    const a = await room.join();
    const b = await room.join();
    a.say(TRICKY);
    await expect.poll(() => b.inbox).toEqual([TRICKY]);
    await room.publish(TRICKY);
    await expect.poll(() => b.inbox).toEqual([TRICKY, TRICKY]);
  });

  when(true, 'delivers events with custom names to their listeners', async () => {
    const room = kind.room(bench);
    const peer = await room.join();
    const alerts: string[] = [];
    peer.client.on('alert', (text: string) => alerts.push(text));
    await room.publish('ring', 'alert');
    await room.publish('plain');
    await expect.poll(() => peer.inbox).toEqual(['plain']);
    expect(alerts).toEqual(['ring']);
  });

  when(
    caps.streamEnds,
    'keeps delivering without loss or duplicates while the server ends the stream every second (Last-Event-ID)',
    async () => {
      const room = kind.room(bench);
      const peer = await room.join();
      const sent: string[] = [];
      // Publish and say across at least two stream ends (three opens), some of it while the client is away.
      for (let i = 0; i < 10 || peer.log.of('open').length < 3; i++) {
        sent.push(`server ${i}`, `client ${i}`);
        await room.publish(`server ${i}`);
        peer.say(`client ${i}`);
        await pace(50);
      }
      // Each producer's messages arrive once and in its order (the two producers interleave freely).
      const from = (producer: string) => (texts: string[]) => texts.filter((text) => text.startsWith(producer));
      await expect.poll(() => peer.inbox.length, { timeout: 5000 }).toBeGreaterThanOrEqual(sent.length);
      for (const producer of ['server', 'client']) expect(from(producer)(peer.inbox)).toEqual(from(producer)(sent));
      expect(peer.inbox).toHaveLength(sent.length);
      expect(peer.log.of('open').slice(1).every((open) => open.recovered)).toBe(true);
      expect(peer.log.of('close').every((close) => !close.terminal)).toBe(true);
      // An ended stream is routine, as for a native EventSource: each reconnect is a first attempt,
      // after the server's `retry:` (1 s), however many streams ended before.
      const reconnects = peer.log.of('reconnecting');
      expect(reconnects.length).toBeGreaterThanOrEqual(2);
      expect(reconnects.map(({ attempt, delayMs }) => [attempt, delayMs])).toEqual(reconnects.map(() => [1, 1000]));
    },
    20_000,
  );

  when(caps.streamEnds, 'misses nothing published while it reconnects after a stream that ended before any message', async () => {
    const room = kind.room(bench);
    const gate = createGate();
    const peer = await room.join({ hold: gate.wait });
    // The next attempt waits at the gate: the message is published while the client is away, always.
    gate.close();
    await expect.poll(() => peer.log.of('close').map((close) => close.reason)).toEqual(['ended']);
    expect(peer.inbox).toEqual([]);
    await room.publish('while away');
    gate.open();
    await expect.poll(() => peer.inbox).toEqual(['while away']);
  });

  when(!!kind.partner, 'lets two clients chat in a room, one over WebSocket and one over SSE', async () => {
    const room = kind.room(bench);
    const a = await room.join();
    const presence: { nick: string; joined: boolean }[] = [];
    a.client.on('presence', (event: { nick: string; joined: boolean }) => presence.push(event));
    const b = await kind.partner!().room(bench, room.name).join();
    expect([a.client.transport, b.client.transport].sort()).toEqual(['sse', 'websocket']);
    a.say('hi from a');
    await expect.poll(() => b.inbox).toEqual(['hi from a']);
    b.say('hi from b');
    await expect.poll(() => a.inbox).toEqual(['hi from a', 'hi from b']);
    await expect.poll(() => b.inbox).toEqual(['hi from a', 'hi from b']);
    const c = await kind.partner!().room(bench, room.name).join();
    await expect.poll(() => presence).toEqual([
      expect.objectContaining({ nick: b.nick, joined: true }),
      expect.objectContaining({ nick: c.nick, joined: true, members: [a.nick, b.nick, c.nick] }),
    ]);
  });

  when(caps.acks, 'reports frames the server rejects as ProtocolErrors and stays open', async () => {
    const peer = await kind.room(bench).join();
    peer.client.emit('no-such-event', 1);
    peer.client.emit('chat', 'not an object');
    await expect.poll(() => peer.log.of('error').map(({ error }) => [error.name, error.code])).toEqual([
      ['ProtocolError', 'server-error'],
      ['ProtocolError', 'server-error'],
    ]);
    expect(peer.log.of('error').map(({ error }) => error.message).join()).toMatch(/unknown-event.*bad-args/);
    await expect(peer.client.emitWithAck('no-such-event')).rejects.toMatchObject({ name: 'ProtocolError', code: 'server-error' });
    expect(peer.client.state.status).toBe('open');
    expect(peer.log.of('close')).toEqual([]);
    await expect(peer.client.emitWithAck('echo', 'still here')).resolves.toBe('still here');
  });

  when(!caps.acks, 'passes text that looks like a malformed frame through as a plain message and stays open', async () => {
    const room = kind.room(bench);
    const peer = await room.join();
    const texts = ['{"event": 5}', 'not json {', '{"event":"x","args":5}', 'null', '{"t":"welcome"}'];
    for (const text of texts) await room.publish(text);
    await expect.poll(() => peer.inbox).toEqual(texts);
    expect(peer.log.of('error')).toEqual([]);
    expect(peer.log.of('close').every((close) => !close.terminal)).toBe(true);
  });

  when(caps.acks, 'rejects pending acks with closed on close()', async () => {
    const peer = await kind.room(bench).join();
    const answer = peer.client.emitWithAck('echo', 'never');
    peer.client.close();
    await expect(answer).rejects.toMatchObject({ name: 'RequestError', code: 'closed' });
  });

  when(true, 'stays closed after close() through faults that make others reconnect; connect() reopens', async () => {
    const room = kind.room(bench);
    const counter = countingPlatform();
    const peer = await room.join({ platform: counter.platform });
    const witness = await room.join();
    peer.client.close();
    expect(peer.client.state).toMatchObject({ status: 'closed', reason: 'user' });
    expect(peer.log.of('close').at(-1)).toMatchObject({ reason: 'user', terminal: true });
    expect(() => peer.client.emit('chat', { text: 'late' })).toThrow(expect.objectContaining({ code: 'closed' }));
    const opened = counter.opened;
    const since = peer.log.mark();
    const witnessSince = witness.log.mark();
    await bench.control('drop');
    // The witness has the same policy: once it is back, a live client would have been back too.
    await expect.poll(() => witness.log.of('open', witnessSince).length, { timeout: 5000 }).toBeGreaterThan(0);
    await witness.enter();
    await room.publish('while closed');
    await expect.poll(() => witness.inbox).toContain('while closed');
    expect(counter.opened).toBe(opened);
    expect(peer.log.events.slice(since)).toEqual([]);
    expect(peer.inbox).not.toContain('while closed');

    peer.client.connect();
    await peer.enter();
    expect(peer.log.of('open', since)[0]).toMatchObject({ recovered: false });
    await room.publish('after connect');
    await expect.poll(() => peer.inbox).toContain('after connect');
  });
});
