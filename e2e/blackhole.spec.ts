import { expect, expectedKind, needsFaultControls, numbered, openPair, test, transports, uniqueRoom } from './fixtures.js';

/**
 * How long the server may stay silent, in this suite (playwright.config.ts): the envelope heartbeat
 * (--heartbeat-ms 1000); for Socket.IO pingInterval + pingTimeout (1000 + 1000).
 */
const SILENCE_MS = { websocket: 1000, sse: 1000, socketio: 2000 } as Record<string, number>;
/** The pages' grace after a missed heartbeat (fixtures.ts: heartbeatTimeoutMs). */
const GRACE_MS = 1000;

// A black hole: the server's side of every open connection stops reading and writing without closing,
// like a NAT box that forgot the mapping. Nothing tells the browser; only the heartbeat deadline
// (interval + grace after the last frame) can. New connections work, so the page must give up on the
// dead one within that deadline, reconnect, resume, and resend what it wrote into the hole.
for (const transport of transports(['websocket', 'sse', 'socketio'])) {
  test(`a black-holed connection over ${transport} is detected and replaced within the heartbeat deadline`, async ({ openChat, harness }, testInfo) => {
    needsFaultControls();
    const room = uniqueRoom(`blackhole-${transport}`);
    const [ann, ben] = await openPair(openChat, transport, room);
    await ann.send('A-1');
    await ben.send('B-1');
    await ann.expectSequence('B-', ['B-1']);
    await ben.expectSequence('A-', ['A-1']);

    // Before the fault: the measure can only come out longer than the truth, never shorter.
    const since = Date.now();
    const { blackholed } = await harness.control('blackhole');
    expect(blackholed).toBeGreaterThan(0);
    // Written into the hole: the server never reads them.
    await ann.send('A-2');
    await ben.send('B-2');

    // Detected: the last frame came at most one interval before the fault, so the deadline is at most
    // interval + grace after the fault; one more interval of slack for timers and a busy CI machine.
    // Timed by the page's own log (the same machine clock), not by when the test got to look: a slow
    // browser driver (Firefox over BiDi) must not count against the page.
    const deadline = SILENCE_MS[transport]! * 2 + GRACE_MS;
    const detectedAfter: number[] = [];
    for (const page of [ann, ben]) {
      await expect.poll(() => page.events('close'), { timeout: deadline + 10_000 }).toContainEqual('heartbeat-timeout');
      detectedAfter.push(Math.min(...(await page.loggedAt('close', 'heartbeat-timeout'))) - since);
    }
    testInfo.annotations.push({ type: 'detected after', description: detectedAfter.map((ms) => `${ms} ms`).join(', ') });
    for (const ms of detectedAfter) expect(ms).toBeLessThanOrEqual(deadline);
    // Replaced: a new connection, the same session. Within a connect timeout (10 s) and a backoff step:
    // the browser may hand the new request a pooled keep-alive connection the black hole holds too (an
    // earlier POST's), and only the client's connect timeout ends that attempt (seen over SSE in Chromium).
    for (const page of [ann, ben]) {
      await page.expectOpen(expectedKind[transport], 15_000);
      await expect.poll(() => page.events('open')).toContainEqual(expect.stringContaining('session resumed'));
    }

    await ann.send('A-3');
    await ben.send('B-3');
    for (const page of [ann, ben]) {
      await page.expectSequence('A-', numbered('A', 1, 3));
      await page.expectSequence('B-', numbered('B', 1, 3));
      await expect.poll(() => page.ownStatuses()).toEqual(Array(3).fill('delivered'));
    }
    await ann.screenshot(testInfo, `blackhole-${transport}-replaced`);
  });
}
