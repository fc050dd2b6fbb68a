import { expect, needsFaultControls, numbered, openPair, test, transports, uniqueRoom } from './fixtures.js';

// Auto mode is `connect(server)`: the envelope protocol over WebSocket, SSE + POST as the fallback.
// A refused upgrade fails at once (the page moves on to SSE immediately); a hung one never answers
// (SSE starts after the fallback delay, 500 ms in these specs, while WebSocket still tries).
// Firefox holds back a WebSocket reconnection after an abnormal close or a failed attempt (RFC 6455
// section 7.2.3: about 100-400 ms at first, 1.5 times longer after each failure), so the refusal of
// Ann's reconnection may come after the fallback delay there: either reason is right for her in
// Firefox. Ben's page tries at once in every browser.
for (const mode of ['refuse', 'hang'] as const) {
  test(`WebSocket ${mode === 'refuse' ? 'refused' : 'hung'}: the page falls back to SSE and chat works both ways`, async ({ openChat, harness, browserName }, testInfo) => {
    needsFaultControls();
    const room = uniqueRoom(`fallback-${mode}`);
    // Ann is already chatting over WebSocket when WebSocket breaks; Ben arrives afterwards.
    const ann = await openChat({ transport: 'auto', room, nick: 'ann' });
    await ann.expectOpen('websocket');
    await ann.expectMember('ann');
    await ann.send('ann-1');

    await harness.control('block-websocket', { mode });
    await harness.control('drop');
    const ben = await openChat({ transport: 'auto', room, nick: 'ben' });
    for (const page of [ann, ben]) {
      await page.expectOpen('sse');
      const held = page === ann && browserName === 'firefox';
      const reason = mode === 'hang' ? 'fallback-delay' : held ? 'refused|fallback-delay' : 'refused';
      await expect.poll(() => page.events('fallback')).toContainEqual(expect.stringMatching(new RegExp(`^websocket .* → sse .* \\((${reason})\\)$`)));
    }
    await ben.expectMember('ann');

    await ann.sendAll(numbered('ann', 2, 3));
    await ben.sendAll(numbered('ben', 1, 2));
    await ann.expectSequence('ann-', numbered('ann', 1, 3));
    await ann.expectSequence('ben-', numbered('ben', 1, 2));
    // Ben joined after ann-1: he sees what was said since.
    await ben.expectSequence('ann-', numbered('ann', 2, 3));
    await ben.expectSequence('ben-', numbered('ben', 1, 2));
    await ann.screenshot(testInfo, `fallback-${mode}`);
  });
}

// Socket.IO has no SSE: its session starts on long-polling and probes WebSocket to upgrade in place.
// A refused or hung probe must leave the session on polling, working both ways.
for (const mode of ['refuse', 'hang'] as const) {
  for (const transport of transports(['socketio'])) {
    test(`WebSocket ${mode === 'refuse' ? 'refused' : 'hung'}: Socket.IO stays on long-polling and chat works both ways`, async ({ openChat, harness }, testInfo) => {
      needsFaultControls();
      await harness.control('block-websocket', { mode });
      const [ann, ben] = await openPair(openChat, transport, uniqueRoom(`sio-${mode}`));
      for (const page of [ann, ben]) await expect(page.field('transport')).toHaveText('polling');
      await ann.sendAll(numbered('ann', 1, 2));
      await ben.sendAll(numbered('ben', 1, 2));
      for (const page of [ann, ben]) {
        await page.expectSequence('ann-', numbered('ann', 1, 2));
        await page.expectSequence('ben-', numbered('ben', 1, 2));
      }
      await ann.screenshot(testInfo, `socketio-${mode}`);
    });
  }
}
