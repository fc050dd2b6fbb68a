import { expect, expectedKind, numbered, openPair, test, transports, uniqueRoom } from './fixtures.js';
import { hasFaultControls } from './servers.js';

/**
 * How long the page may take to notice, whatever the server's heartbeat (socket.io's default is
 * 25 + 20 s): the browser's `offline` makes the link suspect, replaced unless a frame arrives within
 * the page's grace (1 s here); the rest is slack for a busy machine.
 */
const NOTICE_MS = 5000;

// `context.setOffline(true)` cuts the page off the network as a lost Wi-Fi would. In Chromium an open
// WebSocket or SSE stream is not closed by it, it just stops carrying data: the client reacts to the
// `offline` event itself (or a failed POST, over SSE). Messages typed before and after it noticed wait
// in the outbox and go out once the network is back. Raw protocols (gateway, CFML) are left out: with
// no acknowledgements, a message written into the dead socket before it is noticed is lost by design.
for (const transport of transports(['websocket', 'sse', 'socketio'])) {
  test(`messages typed while offline are delivered after coming back, over ${transport}`, async ({ openChat }, testInfo) => {
    if (!hasFaultControls) test.slow();
    const room = uniqueRoom(`offline-${transport}`);
    const [ann, ben] = await openPair(openChat, transport, room);
    await ann.send('A-1');
    await ben.expectSequence('A-', ['A-1']);

    await ann.context.setOffline(true);
    await ann.send('A-2'); // before the page noticed
    await ann.expectState('reconnecting', NOTICE_MS);
    await ann.sendAll(numbered('A', 3, 4)); // after: queued
    for (const text of ['A-3', 'A-4']) await expect(ann.message(text)).toHaveAttribute('data-status', 'queued');
    await expect(ann.page.getByTestId('offline-banner')).toBeVisible();
    await ben.send('B-1'); // Ben is still online: ann gets it after coming back
    await ann.screenshot(testInfo, `offline-${transport}`);
    // Nothing typed offline got through.
    await ben.expectSequence('A-', ['A-1']);

    await ann.context.setOffline(false);
    await ann.expectOpen(expectedKind[transport]);
    await expect(ann.page.getByTestId('offline-banner')).toBeHidden();
    await ben.expectSequence('A-', numbered('A', 1, 4));
    await ann.expectSequence('A-', numbered('A', 1, 4));
    await ann.expectSequence('B-', ['B-1']);
    await expect.poll(() => ann.ownStatuses()).toEqual(Array(4).fill('delivered'));
    await ann.screenshot(testInfo, `offline-${transport}-back`);
  });
}
