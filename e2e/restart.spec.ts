import { expect, expectedKind, needsFaultControls, numbered, openPair, test, transports, uniqueRoom } from './fixtures.js';

// The harness restarts: every connection closes and nothing listens until the spec releases it (a held
// restart: a timer would race the spec on a busy machine, letting the pages reconnect before anything
// was typed "while down"); then it listens again on the same port with its sessions in memory. The
// pages must reconnect on their own, resume their sessions, send what was typed meanwhile, and show
// every numbered message exactly once, in order. `auto` (`connect()`) may come back over SSE: Firefox
// holds back a WebSocket to a server that refused it (RFC 6455 section 7.2.3), and the client does not
// wait for it; its session resumes on whichever carrier answers first.
for (const transport of transports(['auto', 'websocket', 'sse', 'socketio'])) {
  test(`server restart mid-conversation over ${transport}: reconnects, nothing lost or duplicated`, async ({ openChat, harness }, testInfo) => {
    needsFaultControls();
    const room = uniqueRoom(`restart-${transport}`);
    const [ann, ben] = await openPair(openChat, transport, room);

    await ann.sendAll(numbered('A', 1, 3));
    await ben.sendAll(numbered('B', 1, 3));
    await ann.expectSequence('B-', numbered('B', 1, 3));

    const restart = await harness.restart();
    // Typed at once, before the pages may have noticed anything.
    await ann.send('A-4');
    await ben.send('B-4');
    // Typed while the server is down: they wait in the outbox, shown as queued.
    await ann.expectState('reconnecting');
    await ann.sendAll(numbered('A', 5, 6));
    for (const text of ['A-5', 'A-6']) await expect(ann.message(text)).toHaveAttribute('data-was-queued', 'true');
    await ben.expectState('reconnecting');
    await ben.sendAll(numbered('B', 5, 6));
    await ann.screenshot(testInfo, `restart-${transport}-down`);
    // Still down: nothing typed so far got through.
    for (const text of ['A-5', 'A-6']) await expect(ann.message(text)).toHaveAttribute('data-status', 'queued');

    await restart.release();
    for (const page of [ann, ben]) await page.expectOpen(transport == 'auto' ? /^(websocket|sse)$/ : expectedKind[transport], 15_000);
    await ann.sendAll(numbered('A', 7, 8));
    await ben.sendAll(numbered('B', 7, 8));
    for (const page of [ann, ben]) {
      await page.expectSequence('A-', numbered('A', 1, 8));
      await page.expectSequence('B-', numbered('B', 1, 8));
      // Every own message came back through the room exactly once.
      await expect.poll(() => page.ownStatuses()).toEqual(Array(8).fill('delivered'));
    }
    await ann.screenshot(testInfo, `restart-${transport}-recovered`);
  });
}
