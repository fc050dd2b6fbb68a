// Conformance, part 4: what SSE servers and proxies do to an event stream, on every kind whose
// downstream is (or, with WebSocket refused, becomes) SSE: terminal answers (204, a wrong content
// type), a retryable 500, and framing variants (CRLF, CR, a BOM, comment lines) that must not matter.
import { describe, expect } from 'vitest';
import { useHarness, when, type Bench } from './fixture.js';
import type { Kind } from './kinds.js';
import { KINDS } from './kinds.js';

const bench = useHarness({ heartbeatMs: 300 });

/** Makes sure the kind's downstream is SSE: a kind with WebSocket first gets its upgrades refused. */
async function onSse(target: Bench, kind: Kind): Promise<void> {
  if (kind.caps.fallback) await target.control('block-websocket', { mode: 'refuse' });
}

const terminalAnswers = [
  { status: '204', code: 'no-content' },
  { status: 'wrong-type', code: 'content-type' },
] as const;

const formats = [
  { name: 'CRLF line endings', params: { lineEnding: 'crlf' } },
  { name: 'CR line endings', params: { lineEnding: 'cr' } },
  { name: 'a BOM and comment lines', params: { bom: true, comments: true } },
  { name: 'CR, a BOM and comment lines', params: { lineEnding: 'cr', bom: true, comments: true } },
] as const;

const sseKinds = KINDS.filter((kind) => kind.caps.sse);

describe.each(sseKinds)('$name', (kind) => {
  describe.each(terminalAnswers)('sse-status=$status', ({ status, code }) => {
    when(true, `closes for good with a ConnectionError "${code}" (no retry)`, async () => {
      await onSse(bench, kind);
      await bench.control('sse-status', { status });
      const peer = await kind.room(bench).join({ waitOpen: false });
      await expect.poll(() => peer.client.state.status, { timeout: 5000 }).toBe('closed');
      expect(peer.client.state).toMatchObject({ status: 'closed', error: { name: 'ConnectionError', code } });
      expect(peer.log.of('close')).toEqual([expect.objectContaining({ terminal: true, error: expect.objectContaining({ code }) })]);
      expect(peer.log.of('open')).toEqual([]);
      expect(() => peer.client.emit('chat', { text: 'late' })).toThrow(expect.objectContaining({ code: 'closed' }));
    });
  });

  when(true, 'retries an HTTP 500 (not terminal) and connects once the server answers again', async () => {
    await onSse(bench, kind);
    await bench.control('sse-status', { status: 500 });
    const room = kind.room(bench);
    const peer = await room.join({ waitOpen: false });
    await expect.poll(() => peer.log.of('reconnecting').length).toBeGreaterThanOrEqual(3);
    expect(peer.log.of('reconnecting').at(-1)).toMatchObject({ reason: 'http-status', error: expect.objectContaining({ status: 500 }) });
    expect(peer.client.state.status).toBe('reconnecting');
    await bench.control('sse-status', { status: 'ok' });
    await peer.enter();
    expect(peer.client.transport).toBe('sse');
    await room.publish('answered');
    await expect.poll(() => peer.inbox).toEqual(['answered']);
  });

  describe.each(formats)('sse-format: $name', ({ params }) => {
    when(true, 'delivers every message exactly as sent', async () => {
      await onSse(bench, kind);
      await bench.control('sse-format', params);
      const room = kind.room(bench);
      const peer = await room.join();
      expect(peer.client.transport).toBe('sse');
      const texts = ['first', 'two\nlines', ' leading space', 'ünïcödé ✓', 'data: not a field', ''];
      for (const text of texts) await room.publish(text);
      peer.say('from the client');
      await expect.poll(() => peer.inbox).toEqual([...texts, 'from the client']);
      expect(peer.log.of('error')).toEqual([]);
    });
  });
});
