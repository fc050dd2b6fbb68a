import { expect, test, uniqueRoom } from './fixtures.js';
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
