import { expect, test, transports, uniqueRoom } from './fixtures.js';
import { harnessUrl } from './servers.js';

const IMG = '<img src=x onerror="window.__xss=(window.__xss||0)+1;alert(\'img\')">';
const SCRIPT = '<script>window.__xss=(window.__xss||0)+1;alert("script")</script>';

// Messages are text: markup in a message (or a nickname) is shown as typed and runs nothing, whichever
// path brought it (envelope events, raw gateway strings, CFML SSE lines, server pushes).
for (const transport of transports(['auto', 'socketio', 'gateway', 'cfml'])) {
  test(`markup in a message is shown as text and runs nothing, over ${transport}`, async ({ openChat, request }, testInfo) => {
    const room = transport === 'gateway' ? 'chat' : uniqueRoom(`xss-${transport}`);
    const ann = await openChat({ transport, room, nick: 'ann' });
    const eve = await openChat({ transport, room, nick: '<b>eve</b>' });
    for (const page of [ann, eve]) await page.expectOpen();
    if (transport === 'auto') await eve.expectMember('ann');

    await eve.send(IMG);
    await eve.send(SCRIPT);
    // From the server side too, where the server has a push API (Socket.IO has none).
    const push = {
      auto: () => request.post(`${harnessUrl()}/rt/push`, { data: { name: 'chat', args: [{ text: IMG, nick: '<i>srv</i>' }], room } }),
      gateway: () => request.post(`${harnessUrl()}/gateways/chat/messages`, { data: { message: IMG } }),
      cfml: () => request.post(`${harnessUrl()}/sse/${room}`, { form: { message: SCRIPT } }),
    }[transport as string];
    if (push) expect((await push()).ok()).toBe(true);

    await ann.expectSequence('<img', transport === 'gateway' || transport === 'auto' ? [IMG, IMG] : [IMG]);
    await ann.expectSequence('<script', transport === 'cfml' ? [SCRIPT, SCRIPT] : [SCRIPT]);
    await expect(ann.page.getByTestId('message').filter({ hasText: SCRIPT }).first().getByTestId('message-nick')).toHaveText('<b>eve</b>');
    for (const page of [ann, eve]) {
      await expect(page.page.locator('[data-testid=messages] :is(img, script, b, i)')).toHaveCount(0);
      expect(await page.page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
      expect(page.dialogs).toEqual([]);
    }
    await ann.screenshot(testInfo, `xss-${transport}`);
  });
}
