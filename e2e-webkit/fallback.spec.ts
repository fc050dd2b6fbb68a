import { numbered, uniqueRoom } from '../e2e/fixtures.js';
import { expect, test } from './fixtures.js';

// Auto mode is `connect(server)`: the envelope protocol over WebSocket, SSE + POST as the fallback.
// A refused upgrade fails at once: the page moves on to SSE immediately (e2e/fallback.spec.ts, in WebKit).
test('WebSocket refused: the WebKit page falls back to SSE and chats both ways with a Chromium page', async ({ openChat, harness }) => {
  const room = uniqueRoom('webkit-fallback');
  // Ann (WebKit) is already chatting over WebSocket when WebSocket breaks; Ben (Chromium) arrives afterwards.
  const ann = await openChat({ engine: 'webkit', transport: 'auto', room, nick: 'ann' });
  await ann.expectOpen('websocket');
  await ann.expectMember('ann');
  await ann.send('ann-1');

  await harness.control('block-websocket', { mode: 'refuse' });
  await harness.control('drop');
  const ben = await openChat({ engine: 'chromium', transport: 'auto', room, nick: 'ben' });
  for (const chat of [ann, ben]) {
    await chat.expectOpen('sse');
    await expect.poll(() => chat.events('fallback')).toContainEqual(expect.stringMatching(/^websocket .* → sse .* \(refused\)$/));
  }
  await ben.expectMember('ann');

  await ann.sendAll(numbered('ann', 2, 3));
  await ben.sendAll(numbered('ben', 1, 2));
  // Ann sees everything; Ben, who came after ann-1, everything said since.
  for (const [chat, firstOfAnn] of [[ann, 1], [ben, 2]] as const) {
    await chat.expectSequence('ann-', numbered('ann', firstOfAnn, 3));
    await chat.expectSequence('ben-', numbered('ben', 1, 2));
  }
});
