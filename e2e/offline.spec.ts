import { expect, expectedKind, loseNetwork, numbered, openPair, regainNetwork, test, transports, uniqueRoom } from './fixtures.js';
import { hasFaultControls } from './servers.js';

/**
 * How long the page may take to notice, whatever the server's heartbeat (socket.io's default is
 * 25 + 20 s): the browser's `offline` makes the link suspect, replaced unless a frame arrives within
 * the page's grace (1 s here); the rest is slack for a busy machine.
 */
const NOTICE_MS = 5000;

// A lost network (`loseNetwork` in fixtures.ts: the browser offline, its open connections silent; how
// Chromium and Firefox differ there is said there). The client reacts to the `offline` event itself (or
// a failed POST, over SSE). Messages typed before and after it noticed wait in the outbox and go out
// once the network is back. Raw protocols (gateway, CFML) are left out: with no acknowledgements, a
// message written into the dead socket before it is noticed is lost by design.
for (const transport of transports(['websocket', 'sse', 'socketio'])) {
  test(`messages typed while offline are delivered after coming back, over ${transport}`, async ({ openChat, harness }, testInfo) => {
    if (!hasFaultControls) test.slow();
    const room = uniqueRoom(`offline-${transport}`);
    const [ann, ben] = await openPair(openChat, transport, room);
    await ann.send('A-1');
    await ben.expectSequence('A-', ['A-1']);

    await loseNetwork(ann, harness);
    await ann.send('A-2'); // before the page noticed
    await ann.expectState('reconnecting', NOTICE_MS);
    await ann.sendAll(numbered('A', 3, 4)); // after: queued
    for (const text of ['A-3', 'A-4']) await expect(ann.message(text)).toHaveAttribute('data-status', 'queued');
    await expect(ann.page.getByTestId('offline-banner')).toBeVisible();
    await ben.send('B-1'); // Ben is still online: ann gets it after coming back
    await ann.screenshot(testInfo, `offline-${transport}`);
    // Nothing typed offline got through.
    await ben.expectSequence('A-', ['A-1']);

    await regainNetwork(ann, harness);
    await ann.expectOpen(expectedKind[transport]);
    await expect(ann.page.getByTestId('offline-banner')).toBeHidden();
    await ben.expectSequence('A-', numbered('A', 1, 4));
    await ann.expectSequence('A-', numbered('A', 1, 4));
    await ann.expectSequence('B-', ['B-1']);
    await expect.poll(() => ann.ownStatuses()).toEqual(Array(4).fill('delivered'));
    await ann.screenshot(testInfo, `offline-${transport}-back`);
  });
}
