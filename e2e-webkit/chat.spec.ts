import { expectedKind, numbered, uniqueRoom } from '../e2e/fixtures.js';
import { expect, test } from './fixtures.js';

const PROTOCOL = { auto: 'envelope', sse: 'envelope', socketio: 'socket.io' } as const;

// Ann in WebKit, Ben in Chromium, in one room: each hears the other, in order, over the transports
// whose browser APIs differ most between engines (WebSocket, a fetch stream + POST, Engine.IO polling
// upgraded to WebSocket).
for (const transport of ['auto', 'sse', 'socketio'] as const) {
  test(`two people chat over ${transport}: one page in WebKit, one in Chromium`, async ({ openChat }) => {
    const room = uniqueRoom(`webkit-chat-${transport}`);
    // A busy machine must not let SSE win auto's race (that is the fallback spec's subject): WebSocket gets 5 s.
    const query = { fallbackDelayMs: '5000' };
    const ann = await openChat({ engine: 'webkit', transport, room, nick: 'ann', query });
    const ben = await openChat({ engine: 'chromium', transport, room, nick: 'ben', query });
    // Ann's page really is WebKit (MiniBrowser's "Safari" user agent), not a Chromium in disguise.
    expect(await ann.page.evaluate(() => navigator.userAgent)).toMatch(/AppleWebKit\/605\.1\.15 .*Safari\/605\.1\.15$/);
    for (const page of [ann, ben]) {
      await page.expectOpen(expectedKind[transport]);
      expect(await page.field('protocol')).toBe(PROTOCOL[transport]);
      // Socket.IO starts on long-polling and upgrades that session in place.
      if (transport === 'socketio') await page.expectOpen('websocket');
    }
    if (PROTOCOL[transport] === 'envelope') for (const page of [ann, ben]) for (const nick of ['ann', 'ben']) await page.expectMember(nick);
    else for (const page of [ann, ben]) await page.expectJoined();

    await ann.sendAll(numbered('ann', 1, 3));
    await ben.sendAll(numbered('ben', 1, 3));
    for (const page of [ann, ben]) {
      await page.expectSequence('ann-', numbered('ann', 1, 3));
      await page.expectSequence('ben-', numbered('ben', 1, 3));
    }
    // Each page's own messages came back through the room: delivered.
    for (const page of [ann, ben]) await expect.poll(() => page.ownStatuses()).toEqual(['delivered', 'delivered', 'delivered']);
  });
}
