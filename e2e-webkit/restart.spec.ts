import { expectedKind, numbered, uniqueRoom } from '../e2e/fixtures.js';
import { expect, test } from './fixtures.js';

// The harness restarts: every connection closes, nothing listens until the spec releases it (a held
// restart: no timer races the spec), then it listens again on the same port with its sessions in memory. Ann's WebKit page and Ben's Chromium page must reconnect on
// their own, resume their sessions, send what was typed meanwhile, and show every numbered message
// exactly once, in order (e2e/restart.spec.ts, with one page in WebKit).
for (const transport of ['websocket', 'sse'] as const) {
  test(`server restart mid-conversation over ${transport}: the WebKit page reconnects, nothing lost or twice`, async ({ openChat, harness }) => {
    const room = uniqueRoom(`webkit-restart-${transport}`);
    const people = [
      { chat: await openChat({ engine: 'webkit', transport, room, nick: 'ann' }), prefix: 'A' },
      { chat: await openChat({ engine: 'chromium', transport, room, nick: 'ben' }), prefix: 'B' },
    ];
    /** Every page shows everybody's numbered messages 1 to `last`, in order, each once. */
    const everyoneSeesUpTo = async (last: number) => {
      for (const { chat } of people) for (const { prefix } of people) await chat.expectSequence(`${prefix}-`, numbered(prefix, 1, last));
    };
    for (const { chat } of people) {
      await chat.expectOpen(expectedKind[transport]);
      await chat.expectJoined();
    }
    for (const { chat, prefix } of people) await chat.sendAll(numbered(prefix, 1, 3));
    await everyoneSeesUpTo(3);

    const restart = await harness.restart();
    // Typed at once, before the pages may have noticed anything.
    for (const { chat, prefix } of people) await chat.send(`${prefix}-4`);
    // Typed while the server is down: they wait in the outbox, shown as queued.
    for (const { chat, prefix } of people) {
      await chat.expectState('reconnecting');
      await chat.sendAll(numbered(prefix, 5, 6));
      for (const text of numbered(prefix, 5, 6)) expect(await chat.wasQueued(text), `${text} waited in ${chat.nick}'s outbox`).toBe(true);
    }

    await restart.release();
    for (const { chat } of people) await chat.expectOpen(expectedKind[transport], 20_000);
    for (const { chat, prefix } of people) await chat.sendAll(numbered(prefix, 7, 8));
    await everyoneSeesUpTo(8);
    // Every own message came back through the room exactly once.
    for (const { chat } of people) await expect.poll(() => chat.ownStatuses()).toEqual(Array(8).fill('delivered'));
  });
}
