// Conformance, part 3: WebSocket blocked in the ways proxies block it (refused, hung, accepted then
// killed, accepted then silent). A kind with SSE behind WebSocket ends on SSE and chats both ways; a
// WebSocket-only kind keeps retrying until upgrades work again; an SSE-only kind does not notice.
import { describe, expect } from 'vitest';
import { useHarness, when } from './fixture.js';
import type { Peer, Room } from './kinds.js';
import { KINDS } from './kinds.js';

const bench = useHarness({ heartbeatMs: 300 });

/** Chat works both ways: an ack, a server message, and what the peer says (it hears itself: envelope). */
async function chatsBothWays(room: Room, peer: Peer): Promise<void> {
  await expect(peer.client.emitWithAck('echo', 'up and down')).resolves.toBe('up and down');
  await room.publish('down');
  peer.say('up');
  await expect.poll(() => peer.inbox.slice(-2)).toEqual(['down', 'up']);
}

const upgradeFaults = [
  { mode: 'refuse', reason: 'refused' },
  { mode: 'hang', reason: 'fallback-delay' },
  { mode: 'accept-then-kill', reason: 'network' },
  { mode: 'accept-silent', reason: 'fallback-delay' },
] as const;

describe.each(KINDS)('$name', (kind) => {
  const { caps } = kind;

  describe.each(caps.fallback ? upgradeFaults : [])('block-websocket=$mode', ({ mode, reason }) => {
    when(true, 'ends on SSE, says why in a fallback event, and chats both ways', async () => {
      await bench.control('block-websocket', { mode, afterMs: 200 });
      const room = kind.room(bench);
      const peer = await room.join();
      await expect.poll(() => peer.client.transport, { timeout: 5000 }).toBe('sse');
      expect(peer.client.state).toMatchObject({ status: 'open', transport: 'sse' });
      const fallback = peer.log.of('fallback');
      expect(fallback.at(-1)).toMatchObject({ from: expect.stringMatching(/^websocket /), to: expect.stringMatching(/^sse /), reason });
      expect(peer.log.of('close').every((close) => !close.terminal)).toBe(true);
      await peer.enter();
      await chatsBothWays(room, peer);
    });
  });

  when(caps.fallback, 'returns to WebSocket by a background re-probe once upgrades work again, losing nothing', async () => {
    await bench.control('block-websocket', { mode: 'refuse' });
    const room = kind.room(bench);
    const peer = await room.join({ reprobeAfterMs: 300 });
    expect(peer.client.transport).toBe('sse');
    await room.publish('on sse');
    await bench.control('block-websocket', { mode: 'off' });
    await expect.poll(() => peer.client.transport, { timeout: 5000 }).toBe('websocket');
    expect(peer.log.of('fallback').at(-1)).toMatchObject({ from: expect.stringMatching(/^sse /), to: expect.stringMatching(/^websocket /), reason: 'upgrade' });
    expect(peer.log.of('open').at(-1)).toMatchObject({ transport: 'websocket', resumed: true });
    await room.publish('on websocket');
    await expect.poll(() => peer.inbox).toEqual(['on sse', 'on websocket']);
    await chatsBothWays(room, peer);
  });

  when(caps.websocketOnly, 'keeps retrying while WebSocket upgrades are refused (not terminal) and connects once they work', async () => {
    await bench.control('block-websocket', { mode: 'refuse' });
    const room = kind.room(bench);
    const peer = await room.join({ waitOpen: false });
    await expect.poll(() => peer.log.of('reconnecting').length).toBeGreaterThanOrEqual(3);
    expect(peer.log.of('reconnecting').every((event) => event.reason === 'refused')).toBe(true);
    expect(peer.client.state.status).toBe('reconnecting');
    await bench.control('block-websocket', { mode: 'off' });
    await peer.enter();
    await room.publish('at last');
    await expect.poll(() => peer.inbox).toEqual(['at last']);
  });

  when(!caps.fallback && !caps.websocketOnly, 'is not affected by a WebSocket block', async () => {
    await bench.control('block-websocket', { mode: 'refuse' });
    const room = kind.room(bench);
    const peer = await room.join();
    expect(peer.client.transport).toBe('sse');
    await room.publish('unaffected');
    await expect.poll(() => peer.inbox).toEqual(['unaffected']);
    expect(peer.log.of('close')).toEqual([]);
  });
});
