import { EventSource } from 'eventsource';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Peers, SseReader, postJson, startTestHarness } from './helpers.js';
import type { TestHarness } from './helpers.js';

let harness: TestHarness;
/** A harness whose SSE responses end after 0.4 s and carry a comment every 50 ms. */
let shortLived: TestHarness;
const peers = new Peers();
beforeAll(async () => {
  harness = await startTestHarness();
  shortLived = await startTestHarness({ sseMaxAgeSeconds: 0.4, sseCommentMs: 50 });
});
afterEach(() => peers.closeAll());
afterAll(async () => {
  await harness.close();
  await shortLived.close();
});

const open = async (path: string, headers: Record<string, string> = {}, on = harness) => {
  const reader = peers.add(await SseReader.open(on.url + path, headers));
  await reader.waitFor('retry:');
  return reader;
};
const post = (channel: string, body: unknown) => postJson<{ id: number; delivered: number }>(`${harness.url}/sse/${channel}`, body);

describe('plain SSE (seed 004)', () => {
  it('streams event/id/data with LF framing, the default event cfmlMessage and retry at the start', async () => {
    const reader = await open('/sse/framing');
    expect(reader.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    await reader.waitFor('id: 0\n\n');
    expect(reader.text).toBe('retry: 1000\nid: 0\n\n');
    expect((await post('framing', { message: '{"text":"hi"}' })).body).toEqual({ id: 1, delivered: 1 });
    await post('framing', { message: 'two\nlines', event: 'custom' });
    await reader.waitFor('two');
    expect(reader.text).toBe('retry: 1000\nid: 0\n\nevent: cfmlMessage\nid: 1\ndata: {"text":"hi"}\n\nevent: custom\nid: 2\ndata: two\ndata: lines\n\n');
  });

  it("starts a stream without Last-Event-ID at the channel's position (an id: alone), so a reconnect from there misses nothing", async () => {
    await post('position', { message: 'one' });
    await post('position', { message: 'two' });
    const fresh = await open('/sse/position');
    await fresh.waitFor('id: 2\n\n');
    expect(fresh.text).toBe('retry: 1000\nid: 2\n\n');
    // With Last-Event-ID the replay says where the stream is: no position line.
    const resumed = await open('/sse/position', { 'last-event-id': '1' });
    await resumed.waitFor('data: two');
    expect(resumed.text).toBe('retry: 1000\nevent: cfmlMessage\nid: 2\ndata: two\n\n');
  });

  it('accepts a form POST and a JSON value that is not a string', async () => {
    const reader = await open('/sse/form?retry=250');
    const form = await fetch(`${harness.url}/sse/form`, { method: 'POST', body: new URLSearchParams({ message: 'from a form' }) });
    expect(await form.json()).toEqual({ id: 1, delivered: 1 });
    await post('form', { message: { text: 'object' } });
    await reader.waitFor('id: 2');
    expect(reader.text).toContain('retry: 250\n');
    expect(reader.text).toContain('data: from a form\n');
    expect(reader.text).toContain('data: {"text":"object"}\n');
  });

  it('replays what follows Last-Event-ID from the log', async () => {
    for (const message of ['one', 'two', 'three']) await post('replay', { message });
    const reader = await open('/sse/replay', { 'last-event-id': '1' });
    await reader.waitFor('id: 3');
    expect(reader.text).not.toContain('data: one');
    expect(reader.text.match(/^data: .*$/gm)).toEqual(['data: two', 'data: three']);
  });

  it('gives each message to exactly one queue consumer, holding messages until one waits', async () => {
    await post('queue', { message: 'held' });
    const first = await open('/sse/queue?mode=queue');
    await first.waitFor('data: held');
    const second = await open('/sse/queue?mode=queue');
    const answers = [];
    for (const message of ['m1', 'm2', 'm3', 'm4']) answers.push((await post('queue', { message })).body.delivered);
    expect(answers).toEqual([1, 1, 1, 1]);
    const all = () => [...first.text.matchAll(/^data: (.*)$/gm), ...second.text.matchAll(/^data: (.*)$/gm)].map((match) => match[1]);
    await vi.waitFor(() => expect(all().sort()).toEqual(['held', 'm1', 'm2', 'm3', 'm4']));
    expect(second.text).toMatch(/data: m\d/);
  });

  it('answers 400 for a POST without message, a bad event name or an unknown mode; 404 without a channel', async () => {
    expect((await post('bad', {})).status).toBe(400);
    expect((await post('bad', { message: 'x', event: 'a\nb' })).status).toBe(400);
    expect((await fetch(`${harness.url}/sse/bad?mode=sometimes`)).status).toBe(400);
    expect((await fetch(`${harness.url}/sse/`, { method: 'POST', body: '{"message":"x"}' })).status).toBe(404);
    expect((await fetch(`${harness.url}/sse/a/b`)).status).toBe(404);
  });

  it('ends the response after sseMaxAgeSeconds and sends comment heartbeats meanwhile', async () => {
    const reader = await open('/sse/aging', {}, shortLived);
    const started = Date.now();
    await reader.ended;
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(reader.text).toContain(': heartbeat\n');
  });

  it('lets a native-style EventSource resume with Last-Event-ID after the response ends', async () => {
    const source = peers.add(new EventSource(`${shortLived.url}/sse/resume?retry=20`));
    const seen: string[] = [];
    source.addEventListener('cfmlMessage', (event) => seen.push(`${event.lastEventId}:${event.data}`));
    await new Promise((resolve) => source.addEventListener('open', resolve, { once: true }));
    await postJson(`${shortLived.url}/sse/resume`, { message: 'before' });
    await vi.waitFor(() => expect(seen).toEqual(['1:before']));
    // The response ends (max age); what is posted meanwhile arrives once, after the reconnection.
    await new Promise((resolve) => source.addEventListener('error', resolve, { once: true }));
    await postJson(`${shortLived.url}/sse/resume`, { message: 'during' });
    await vi.waitFor(() => expect(seen).toEqual(['1:before', '2:during']));
  });
});
