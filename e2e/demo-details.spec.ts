import { expect, loseNetwork, needsFaultControls, regainNetwork, test, uniqueRoom, type ChatPage, type OpenChatOptions } from './fixtures.js';

// The demo page as a person meets it: each rough edge once found in a browser, checked in one,
// with a screenshot where it is about what the page looks like.

test('Socket.IO: the header and the panel name the same carrier after the upgrade to WebSocket', async ({ openChat }, testInfo) => {
  const ann = await openChat({ transport: 'socketio', room: uniqueRoom('upgrade'), nick: 'ann' });
  // The polling session upgrades in place: no state change, only a lifecycle `open` with the new carrier.
  await expect(ann.field('transport')).toHaveText('websocket');
  await expect(ann.page.getByTestId('status-pill')).toHaveText('Connected · websocket');
  await ann.screenshot(testInfo, 'socketio-upgraded');
});

test('each outage counts its attempts from 1, one log line per retry, and offline reads "offline"', async ({ openChat, harness }, testInfo) => {
  needsFaultControls();
  // A long fallback delay: while the harness is down both carriers are refused at once anyway.
  const ann = await openChat({ transport: 'auto', room: uniqueRoom('attempts'), nick: 'ann', query: { fallbackDelayMs: '3000' } });
  await ann.expectOpen('websocket');
  // Two outages less than `backoff.stableAfterMs` (5 s) apart: the client's own count goes on (its
  // backoff does), the page's starts again at 1.
  for (const outage of [1, 2]) {
    await harness.control('restart', { downMs: '1500' });
    await expect.poll(async () => (await ann.events('reconnecting')).length, { message: `outage ${outage} retries` }).toBeGreaterThanOrEqual(outage * 2);
    await ann.expectOpen();
    // Newest first: the last retry of this outage is attempt 2 or later, its first one attempt 1.
    const retries = await ann.events('reconnecting');
    const lost = (await ann.events('close')).length;
    expect(lost).toBe(outage);
    expect(retries.at(-1)).toMatch(/^attempt 1 in \d+ ms \(network\)$/);
    expect(retries.filter((line) => line.startsWith('attempt 1 ')), 'each outage starts at attempt 1').toHaveLength(outage);
  }
  // While reconnecting, the endpoints a failed round tried are on its retry line, not a fallback line
  // each between two retries (a fallback line stays for a decision: a flap, or a round that got
  // through on a later endpoint).
  expect(await ann.events('reconnecting')).toContainEqual(expect.stringMatching(/\(websocket refused, sse refused\)$/));
  const kinds = await ann.page.locator('[data-testid=event]').evaluateAll((items) => items.map((item) => (item as HTMLElement).dataset.kind));
  expect(kinds.filter((kind, index) => kind === 'fallback' && kinds[index - 1] === 'reconnecting' && kinds[index + 1] === 'reconnecting')).toEqual([]);

  const before = (await ann.events('reconnecting')).length;
  await loseNetwork(ann, harness);
  await expect(ann.page.getByTestId('status-pill')).toHaveText(/^Reconnecting · attempt \d+$/);
  await expect.poll(async () => (await ann.events('reconnecting')).length - before).toBeGreaterThanOrEqual(1);
  // Newest first: the lines of this outage (however many retries the client makes while offline).
  const offline = (await ann.events('reconnecting')).slice(0, -before);
  expect(offline.filter((line) => line.includes('refused') || !line.includes('offline'))).toEqual([]);
  await ann.screenshot(testInfo, 'event-log-offline');
  await regainNetwork(ann, harness);
  await ann.expectOpen();
});

test('at 360 px the reconnecting pill stays inside the screen', async ({ openChat, harness }, testInfo) => {
  needsFaultControls();
  // Retries 100 ms apart at most, against a server that answers every SSE request 500: the attempt
  // count soon has two digits, the longest text the pill has in practice. SSE, not WebSocket: Firefox
  // holds back WebSocket reconnections after failures (RFC 6455 section 7.2.3, longer after each), so
  // refused WebSocket attempts would take it minutes to count that far.
  const ann = await openChat({ transport: 'sse', room: uniqueRoom('narrow'), nick: 'a-rather-long-nick', viewport: { width: 360, height: 740 }, query: { maxDelayMs: '100' } });
  await ann.expectOpen('sse');
  await harness.control('sse-status', { status: '500' });
  await harness.control('drop');
  await expect(ann.page.getByTestId('status-pill')).toHaveText(/^Reconnecting · attempt \d\d+$/, { timeout: 20_000 });
  const box = await ann.page.getByTestId('status-pill').boundingBox();
  expect(box!.x + box!.width).toBeLessThanOrEqual(360);
  expect(await ann.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await ann.screenshot(testInfo, 'pill-360px-reconnecting');
});

/** Ann on SSE, joined, then offline: `text`, typed at once, is queued. */
async function typedOfflineOverSse(openChat: (options: OpenChatOptions) => Promise<ChatPage>, room: string, text: string): Promise<ChatPage> {
  const ann = await openChat({ transport: 'sse', room: uniqueRoom(room), nick: 'ann' });
  await ann.expectOpen('sse');
  await ann.expectJoined();
  await ann.context.setOffline(true);
  // Still `open` for a moment (Chromium keeps a stream open when it goes offline): the POST fails,
  // the message waits in the outbox again, and the message says so.
  await ann.send(text);
  await expect(ann.message(text)).toHaveAttribute('data-status', 'queued');
  return ann;
}

test('over SSE a message typed offline shows as queued at once, and the outbox counts it', async ({ openChat }) => {
  const ann = await typedOfflineOverSse(openChat, 'sse-queued', 'typed offline');
  await expect(ann.field('outbox')).toHaveText(/^1 waiting \(\d+ B\)$/);
  await ann.context.setOffline(false);
  await expect(ann.message('typed offline').getByTestId('message-status')).toHaveText('delivered ✓✓ · waited offline');
  await expect(ann.field('outbox')).toHaveText('0');
});

test('closed for good: the composer is off, and a message that never went out says only "not sent"', async ({ openChat, harness }, testInfo) => {
  needsFaultControls();
  const ann = await typedOfflineOverSse(openChat, 'closed', 'waits, then the server says stop');
  // SSE 204: the server says "stop", a terminal close.
  await harness.control('sse-status', { status: '204' });
  await ann.context.setOffline(false);
  await ann.expectState('closed');
  await expect(ann.message('waits, then the server says stop').getByTestId('message-status')).toHaveText('not sent ⚠');
  await expect(ann.page.getByTestId('composer-input')).toBeDisabled();
  await expect(ann.page.getByTestId('composer-send')).toBeDisabled();
  await expect(ann.page.getByTestId('offline-banner')).toContainText('Disconnected for good (no-content)');
  await expect(ann.page.getByTestId('notice').filter({ hasText: 'call connect() first' })).toHaveCount(0);
  await ann.screenshot(testInfo, 'closed-composer-off');

  await harness.control('reset');
  await ann.page.getByTestId('reconnect').click();
  await ann.expectOpen('sse');
  await expect(ann.page.getByTestId('composer-input')).toBeEnabled();
});

test('the member count is fresh after a reconnect (Socket.IO tells only a count, at join)', async ({ openChat, harness }) => {
  needsFaultControls();
  const room = uniqueRoom('members');
  const ann = await openChat({ transport: 'socketio', room, nick: 'ann' });
  await ann.expectOpen();
  await ann.expectJoined();
  await expect(ann.page.getByTestId('members-summary')).toHaveText(/^1 in the room/);
  const ben = await openChat({ transport: 'socketio', room, nick: 'ben' });
  await ben.expectJoined();
  // Ann's page learns nothing of Ben until it asks again: after the next reconnect it does. Both are
  // dropped; Ann's reconnection is held in her browser until Ben is back in the room (whoever joins
  // first would count alone: no timer decides it).
  let letAnnThrough!: () => void;
  const benIsBack = new Promise<void>((resolve) => (letAnnThrough = resolve));
  await ann.page.route(
    (url) => url.pathname.startsWith('/socket.io/'),
    async (route) => {
      await benIsBack;
      await route.continue();
    },
  );
  await harness.control('drop');
  for (const page of [ann, ben]) await expect.poll(async () => (await page.events('close')).length).toBe(1);
  await ben.expectOpen();
  letAnnThrough();
  await ann.expectOpen();
  await expect(ann.page.getByTestId('members-summary')).toHaveText(/^2 in the room/);
});

test('after Reset faults a page on SSE says when it probes WebSocket again, then moves back', async ({ openChat }, testInfo) => {
  needsFaultControls();
  // The re-probe waits 4 s, or 8 s when the refused connection died young (the client doubles it then).
  test.setTimeout(60_000);
  const ann = await openChat({ transport: 'auto', room: uniqueRoom('reprobe'), nick: 'ann', query: { reprobeAfterMs: '4000' } });
  await ann.expectOpen('websocket');
  await expect(ann.field('reprobe')).toHaveText('none: on websocket, the best');
  // The page's own fault buttons: JSON requests, allowed for the demo page's origin alone.
  await ann.page.getByRole('button', { name: 'Refuse WebSocket' }).click();
  await ann.expectOpen('sse');
  await ann.page.getByRole('button', { name: 'Reset faults' }).click();
  await expect(ann.page.getByTestId('fault-result')).toContainText('stays there until the client probes WebSocket again');
  await expect(ann.field('reprobe')).toHaveText(/^websocket in \d+ s$/);
  await ann.field('reprobe').scrollIntoViewIfNeeded();
  await ann.screenshot(testInfo, 'reprobe-countdown');
  await ann.expectOpen('websocket', 30_000);
  await expect(ann.field('reprobe')).toHaveText('none: on websocket, the best');
  expect(await ann.events('fallback')).toContainEqual(expect.stringMatching(/^websocket .* took over from sse .*, same session \(re-probe\)$/));
});

test('the page loads without a 404: a favicon is there', async ({ openChat }) => {
  const missing: string[] = [];
  const ann = await openChat({ transport: 'websocket', room: uniqueRoom('favicon'), nick: 'ann' });
  ann.page.on('response', (response) => response.status() === 404 && missing.push(response.url()));
  await ann.page.reload();
  await ann.expectOpen('websocket');
  const icon = await ann.page.locator('link[rel=icon]').evaluate((link) => (link as HTMLLinkElement).href);
  const answer = await ann.page.request.get(icon);
  expect(answer.status()).toBe(200);
  expect(answer.headers()['content-type']).toContain('image/svg+xml');
  expect(missing).toEqual([]);
});

test('?debug: the client trace of its decisions is on the console', async ({ openChat, harness }) => {
  const ann = await openChat({ transport: 'auto', room: uniqueRoom('debug'), nick: 'ann', query: { debug: '1' } });
  const lines: string[] = [];
  ann.page.on('console', (message) => message.type() === 'debug' && lines.push(message.text()));
  await ann.page.reload();
  await ann.expectOpen('websocket');
  await expect.poll(() => lines).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^\[unisocket\] \+\d+ ms state idle → connecting \(connect\)$/),
      expect.stringMatching(/^\[unisocket\] \+\d+ ms open websocket http:\/\/127\.0\.0\.1:\d+\/rt over websocket: new session$/),
    ]),
  );
  await loseNetwork(ann, harness);
  // Offline: no attempt until the browser is back online (a safety probe only).
  await expect.poll(() => lines.some((line) => /reconnect attempt 1 once online \(a probe in \d+ ms\)/.test(line))).toBe(true);
  await regainNetwork(ann, harness);
  await ann.expectOpen();
  await expect.poll(() => lines.some((line) => /open .* session resumed, missed messages replayed, after a lost connection$/.test(line))).toBe(true);
});
