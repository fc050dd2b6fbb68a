import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { expect, needsFaultControls, test, uniqueRoom, type ChatPage } from './fixtures.js';

// A screenshot of the chat in each state, saved as test artifacts (test-results/ and the HTML report).
// UNISOCKET_DOCS_SCREENSHOT=1 also writes docs/demo.png, the README's picture.

const CONVERSATION: [string, string][] = [
  ['ann', 'Morning! Is the new build live?'],
  ['ben', 'Deploying now. The office proxy still blocks WebSockets, so I am on SSE.'],
  ['ann', 'Same page, same messages: nobody can tell.'],
];

async function converse(pages: Record<string, ChatPage>): Promise<void> {
  for (const [nick, text] of CONVERSATION) {
    await pages[nick]!.send(text);
    for (const page of Object.values(pages)) await expect(page.page.getByTestId('message-text').filter({ hasText: text })).toHaveCount(1);
  }
}

test('screenshots: connecting, open, reconnecting with queued messages, recovered', async ({ openChat, harness }, testInfo) => {
  needsFaultControls();
  const room = uniqueRoom('states');
  await harness.control('block-websocket', { mode: 'hang' });
  const ann = await openChat({ transport: 'websocket', room, nick: 'ann', query: { connectTimeoutMs: '60000' } });
  await ann.expectState('connecting');
  await ann.screenshot(testInfo, 'state-1-connecting');

  await harness.control('reset');
  await ann.page.reload(); // the hung attempt would otherwise wait for its connect timeout
  await ann.expectOpen('websocket');
  const ben = await openChat({ transport: 'websocket', room, nick: 'ben' });
  await ben.expectOpen('websocket');
  await converse({ ann, ben });
  await ann.screenshot(testInfo, 'state-2-open');

  await harness.control('block-websocket', { mode: 'refuse' });
  await harness.control('drop');
  await ann.expectState('reconnecting');
  await ann.sendAll(['Typed while the connection is down…', '…and this one too.']);
  await expect(ann.page.locator('[data-testid=message][data-status=queued]')).toHaveCount(2);
  await expect(ann.field('retry')).not.toHaveText('—');
  await ann.screenshot(testInfo, 'state-3-reconnecting-queued');

  await harness.control('reset');
  await ann.expectOpen('websocket');
  await expect.poll(() => ann.ownStatuses()).toEqual(Array(4).fill('delivered'));
  await ann.screenshot(testInfo, 'state-4-recovered');
});

test('screenshots: fallback to SSE, and closed for good', async ({ openChat, harness }, testInfo) => {
  needsFaultControls();
  const docs = process.env.UNISOCKET_DOCS_SCREENSHOT ? resolve(import.meta.dirname, '../docs/demo.png') : undefined;
  const room = docs ? 'release-train' : uniqueRoom('fallback-shot');
  const ann = await openChat({ transport: 'auto', room, nick: 'ann' });
  await ann.expectOpen('websocket');
  // Ben's office proxy refuses WebSocket upgrades: his page falls back to SSE.
  await harness.control('block-websocket', { mode: 'refuse' });
  const ben = await openChat({ transport: 'auto', room, nick: 'ben', viewport: { width: 1280, height: 860 } });
  await ben.expectOpen('sse');
  await converse({ ann, ben });
  await expect(ann.field('transport')).toHaveText('websocket');
  await ben.screenshot(testInfo, 'state-5-fallback-sse');
  if (docs) {
    mkdirSync(dirname(docs), { recursive: true });
    await ben.page.screenshot({ path: docs, animations: 'disabled', caret: 'hide' });
  }

  // An SSE answer of 204 means "stop": terminal, no retry loop.
  const cat = await openChat({ transport: 'sse', room: uniqueRoom('closed'), nick: 'cat' });
  await cat.expectOpen('sse');
  await harness.control('sse-status', { status: '204' });
  await harness.control('drop');
  await cat.expectState('closed');
  await expect(cat.page.getByTestId('status-pill')).toHaveText('Disconnected');
  await expect(cat.page.getByTestId('offline-banner')).toContainText('no-content');
  await cat.screenshot(testInfo, 'state-6-closed');

  // Closed stays closed until asked: "Connect again" opens a new session and rejoins the room.
  await harness.control('reset');
  await cat.page.getByTestId('reconnect').click();
  await cat.expectOpen('sse');
  await cat.send('back again');
  await expect.poll(() => cat.ownStatuses()).toEqual(['delivered']);
});

test('the chat fits a 360 px phone screen', async ({ openChat }, testInfo) => {
  const room = uniqueRoom('phone');
  const ann = await openChat({ transport: 'auto', room, nick: 'ann', viewport: { width: 360, height: 740 } });
  const ben = await openChat({ transport: 'auto', room, nick: 'ben' });
  for (const page of [ann, ben]) await page.expectOpen();
  await converse({ ann, ben });
  // Nothing sticks out sideways, and the composer is on the first screen.
  expect(await ann.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await expect(ann.page.getByTestId('composer-input')).toBeInViewport();
  await ann.screenshot(testInfo, 'phone-360');
  await ann.screenshot(testInfo, 'phone-360-full', true);
});
