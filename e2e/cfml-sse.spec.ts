import { expect, numbered, test, transports, uniqueRoom, type ChatPage } from './fixtures.js';
import { harnessUrl } from './servers.js';

/** Waits until the page's SSE response has ended (and been replaced) `count` times in all. */
async function streamEnds(page: ChatPage, count: number): Promise<void> {
  await expect.poll(async () => (await page.events('close')).filter((text) => text === 'ended').length, { timeout: 10_000 }).toBeGreaterThanOrEqual(count);
}

// A CFML event-stream page: `GET /sse/{channel}` with custom event names (`event: cfmlMessage`), a
// response that ends after a few seconds (the harness runs with --sse-max-age 3, as a CFML request
// timeout), `retry:`, ids, and `POST` (form `message=`) to send. The page must reconnect after every
// end with Last-Event-ID and miss nothing that was posted in between.
for (const transport of transports(['cfml'])) {
  test('CFML-style SSE (custom event names, stream ending every few seconds) keeps delivering', async ({ openChat, request }, testInfo) => {
    const room = uniqueRoom('cfml');
    const ann = await openChat({ transport, room, nick: 'ann' });
    const ben = await openChat({ transport, room, nick: 'ben' });
    for (const page of [ann, ben]) {
      await page.expectOpen('sse');
      await expect(page.field('protocol')).toHaveText('raw');
    }

    // Two rounds of messages, each followed by the end of ann's stream (ben's ends about as often).
    for (const round of [1, 2]) {
      await ann.send(`A-${round}`);
      await ben.send(`B-${round}`);
      await ann.expectSequence('B-', numbered('B', 1, round));
      await streamEnds(ann, round);
    }
    // Ann's stream just ended and she waits out `retry:` (1 s) before the next request: a message posted
    // now by another CFML page (plain text, no nick) reaches her through Last-Event-ID replay.
    const response = await request.post(`${harnessUrl()}/sse/${room}`, { form: { message: 'posted by send.cfm' } });
    expect(response.ok()).toBe(true);

    for (const page of [ann, ben]) {
      await page.expectSequence('A-', numbered('A', 1, 2));
      await page.expectSequence('B-', numbered('B', 1, 2));
      await page.expectSequence('posted by', ['posted by send.cfm']);
    }
    // The senders got their own messages back from the stream: delivered, and shown once.
    await expect.poll(() => ann.ownStatuses()).toEqual(Array(2).fill('delivered'));
    // An ended stream is routine, as for a native EventSource: every reconnect is a first attempt after
    // the server's `retry:` (1 s), however many streams ended before, never a growing backoff.
    const reconnects = await ann.events('reconnecting');
    expect(reconnects.length).toBeGreaterThanOrEqual(2);
    expect(reconnects.filter((text) => text !== 'attempt 1 in 1000 ms (ended)')).toEqual([]);
    await ann.screenshot(testInfo, 'cfml-sse');
  });
}

// The gap before the first message: a page whose stream ends before any message reached it has no
// `Last-Event-ID` of its own to reconnect with, so whatever is posted while it waits out `retry:` would
// be lost unless the stream said where it started (the harness begins every stream with an `id:`-only
// event, which the client keeps as its resume cursor, as a native EventSource does).
for (const transport of transports(['cfml'])) {
  test('CFML-style SSE: a message posted while a page reconnects, before any message reached it, is not lost', async ({ openChat, request }) => {
    const room = uniqueRoom('cfml-gap');
    const ben = await openChat({ transport, room, nick: 'ben' });
    await ben.expectOpen('sse');
    // Ben's next stream request is held in the browser until the message is posted: no timer decides
    // whether the post lands in the gap.
    let letThrough!: () => void;
    const posted = new Promise<void>((resolve) => (letThrough = resolve));
    await ben.page.route(
      (url) => url.pathname === `/sse/${room}`,
      async (route) => {
        if (route.request().method() === 'GET') await posted;
        await route.continue();
      },
    );
    await streamEnds(ben, 1);
    expect(await ben.textsStartingWith('posted')).toEqual([]);
    const response = await request.post(`${harnessUrl()}/sse/${room}`, { form: { message: 'posted in the gap' } });
    expect(response.ok()).toBe(true);
    letThrough();
    await ben.expectSequence('posted', ['posted in the gap']);
    await ben.expectOpen('sse');
  });
}
