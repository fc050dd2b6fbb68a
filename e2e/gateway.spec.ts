import { expect, test, transports } from './fixtures.js';
import { harnessUrl } from './servers.js';

// Lucee WebSocket gateway semantics through the raw endpoint `ws://server/gateways/chat`: plain
// strings, a client's message goes to every connection except its sender, and sendGatewayMessage
// (the harness's `POST /gateways/{id}/messages`) goes to every connection.
for (const transport of transports(['gateway'])) {
  test('Lucee gateway: the sender does not get its own message back; sendGatewayMessage reaches every page', async ({ openChat, request }, testInfo) => {
    const pages = [];
    for (const nick of ['ann', 'ben', 'cat']) pages.push(await openChat({ transport, room: 'chat', nick }));
    const [ann, ben, cat] = pages as [(typeof pages)[number], (typeof pages)[number], (typeof pages)[number]];
    for (const page of pages) await page.expectOpen('websocket');
    await expect(ann.field('protocol')).toHaveText('raw');

    await ann.send('hello from ann');
    for (const page of [ben, cat]) {
      await expect(page.page.getByTestId('message').filter({ hasText: 'hello from ann' }).getByTestId('message-nick')).toHaveText('ann');
    }
    // Ben answers; the gateway relays in order, so an echo of ann's message would be at ann's before it.
    await ben.send('hi ann, ben here');
    await ann.expectSequence('hi ann', ['hi ann, ben here']);
    await ann.expectSequence('hello from ann', ['hello from ann']);
    await expect(ann.page.locator('[data-testid=message][data-own=false]').filter({ hasText: 'hello from ann' })).toHaveCount(0);
    await expect(ann.page.getByTestId('message').filter({ hasText: 'hello from ann' })).toHaveAttribute('data-status', 'sent');

    // sendGatewayMessage from the HTTP API: every page, the senders of earlier messages included.
    const response = await request.post(`${harnessUrl()}/gateways/chat/messages`, { data: { message: 'maintenance at noon' } });
    expect(response.ok()).toBe(true);
    expect((await response.json()).delivered).toBeGreaterThanOrEqual(3);
    for (const page of pages) {
      await page.expectSequence('maintenance', ['maintenance at noon']);
      await expect(page.page.getByTestId('message').filter({ hasText: 'maintenance at noon' }).getByTestId('message-nick')).toHaveText('server');
    }
    await ann.screenshot(testInfo, 'gateway');
  });
}
