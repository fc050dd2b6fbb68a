import type { Page } from '@playwright/test';
import { expect, needsFaultControls, test, uniqueRoom } from './fixtures.js';
import { exampleUrl } from './servers.js';

// The React and Vue examples, built for production, in a real browser against the real harness: two
// people in a room, a message from one reaches both through the server (the hooks/composable give
// the client, its state, and the events with their cleanup).
for (const example of ['react', 'vue'] as const) {
  test(`${example} example: a message makes the round trip through the harness, and the page shows the connection`, async ({ browser }) => {
    const room = uniqueRoom(`${example}-example`);
    const contexts = await Promise.all([browser.newContext(), browser.newContext()]);
    try {
      const [ann, ben] = await Promise.all(contexts.map((context) => context.newPage()));
      for (const [page, nick] of [[ann!, 'ann'], [ben!, 'ben']] as const) {
        // One WebSocket per page: the client is created once, in the browser, and kept.
        await page.addInitScript(() => {
          const Native = WebSocket;
          (window as unknown as { sockets: number }).sockets = 0;
          window.WebSocket = class extends Native {
            constructor(...args: ConstructorParameters<typeof WebSocket>) {
              super(...args);
              (window as unknown as { sockets: number }).sockets++;
            }
          };
        });
        await page.goto(exampleUrl(example, { room, nick }));
        await expect(page.getByTestId('state')).toHaveText('open');
        await expect(page.getByTestId('transport')).toHaveText('over websocket');
      }
      await expect(ben!.getByTestId('members')).toHaveText('ann, ben');
      await expect(ann!.getByTestId('members')).toHaveText('ann, ben');

      // Typed key by key: Playwright's fill() over WebDriver BiDi (Firefox) sets the value in a way
      // React's change tracking ignores (no onChange, so nothing to send); typing goes through everywhere.
      await ann!.getByTestId('input').pressSequentially(`hello from ${example}`);
      await ann!.getByTestId('input').press('Enter');
      for (const page of [ann!, ben!]) await expect(page.getByTestId('message')).toHaveText([`ann: hello from ${example}`]);
      for (const page of [ann!, ben!]) expect(await page.evaluate(() => (window as unknown as { sockets: number }).sockets)).toBe(1);
    } finally {
      await Promise.all(contexts.map((context) => context.close()));
    }
  });
}

// connect()'s SSE carrier is a chunk of its own in a Vite production build, fetched only when an SSE
// attempt starts (DESIGN.md, "What loads up front"): with WebSocket refused the example loads it once,
// lands on SSE and chats; with WebSocket working it is never requested.
test('react example, WebSocket refused: connect() fetches its SSE carrier on demand and a message makes the round trip over SSE', async ({ browser, harness }) => {
  needsFaultControls();
  const room = uniqueRoom('react-lazy-sse');
  const context = await browser.newContext();
  try {
    const fetched = (page: Page) => {
      const chunks: string[] = [];
      page.on('request', (request) => /sse-carrier[^/]*\.js$/.test(request.url()) && chunks.push(request.url()));
      return chunks;
    };
    const ann = await context.newPage();
    const annChunks = fetched(ann);
    await ann.goto(exampleUrl('react', { room, nick: 'ann' }));
    await expect(ann.getByTestId('transport')).toHaveText('over websocket');
    await ann.getByTestId('input').pressSequentially('before');
    await ann.getByTestId('input').press('Enter');
    await expect(ann.getByTestId('message')).toHaveText(['ann: before']);
    expect(annChunks).toEqual([]);

    await harness.control('block-websocket', { mode: 'refuse' });
    const ben = await context.newPage();
    const benChunks = fetched(ben);
    await ben.goto(exampleUrl('react', { room, nick: 'ben' }));
    await expect(ben.getByTestId('state')).toHaveText('open');
    await expect(ben.getByTestId('transport')).toHaveText('over sse');
    expect(benChunks).toHaveLength(1);
    await ben.getByTestId('input').pressSequentially('over sse');
    await ben.getByTestId('input').press('Enter');
    for (const page of [ann, ben]) await expect(page.getByTestId('message')).toContainText(['ben: over sse']);
  } finally {
    await context.close();
  }
});
