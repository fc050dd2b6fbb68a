import { expect, expectedKind, numbered, test, transports, uniqueRoom } from './fixtures.js';

const PROTOCOL = { auto: 'envelope', websocket: 'envelope', sse: 'envelope', socketio: 'socket.io', gateway: 'raw', cfml: 'raw' } as const;
/** A piece of the endpoint each mode uses (the panel shows its label). */
const ENDPOINT = { auto: '/rt', websocket: '/rt', sse: '/rt', socketio: '/socket.io/', gateway: '/gateways/chat', cfml: '/sse/chat-cfml' } as const;

for (const transport of transports(['auto', 'websocket', 'sse', 'socketio', 'gateway', 'cfml'])) {
  test(`two people chat in a room over ${transport}, and the page shows the transport`, async ({ openChat }, testInfo) => {
    const room = transport === 'gateway' ? 'chat' : uniqueRoom(`chat-${transport}`);
    // A busy machine must not let SSE win auto's race (that is the fallback spec's subject): WebSocket gets 5 s.
    const query = { fallbackDelayMs: '5000' };
    const ann = await openChat({ transport, room, nick: 'ann', query });
    const ben = await openChat({ transport, room, nick: 'ben', query });
    for (const page of [ann, ben]) {
      await page.expectOpen(expectedKind[transport]);
      await expect(page.field('protocol')).toHaveText(PROTOCOL[transport]);
      await expect(page.field('endpoint')).toContainText(ENDPOINT[transport]);
      if (transport === 'socketio') {
        // The long-polling session upgrades in place: the panel shows the carrier actually in use.
        await expect(page.field('transport')).toHaveText('websocket');
        await expect.poll(() => page.events('open')).toContainEqual(expect.stringMatching(/same session, now over websocket$/));
      }
    }
    if (PROTOCOL[transport] === 'envelope') {
      // Presence: each page lists both people once both joined.
      for (const page of [ann, ben]) for (const nick of ['ann', 'ben']) await page.expectMember(nick);
    }

    await ann.sendAll(numbered('ann', 1, 3));
    await ben.sendAll(numbered('ben', 1, 3));
    for (const page of [ann, ben]) {
      await page.expectSequence('ann-', numbered('ann', 1, 3));
      await page.expectSequence('ben-', numbered('ben', 1, 3));
    }
    // The other person's messages carry their nick; our own are marked as ours and reach their final state.
    await expect(ben.page.getByTestId('message').filter({ hasText: 'ann-1' }).getByTestId('message-nick')).toHaveText('ann');
    const final = transport === 'gateway' ? 'sent' : 'delivered';
    await expect.poll(() => ann.ownStatuses()).toEqual([final, final, final]);
    await ann.screenshot(testInfo, `chat-${transport}`);
  });
}
