import { afterEach, describe, expect, it } from 'vitest';
import { Peers, SseReader, getJson, postJson, startTestHarness } from './helpers.js';
import type { TestHarness } from './helpers.js';

// `/sse/{channel}` channels are made on demand by any GET or POST, so what they keep is bounded:
// how many channels, how many bytes each, and how long an unused one lives.

interface Listing {
  channels: { name: string; messages: number; bytes: number; streams: number }[];
  limits: { channels: number; bytesPerChannel: number; idleMs: number };
}

const peers = new Peers();
const harnesses: TestHarness[] = [];
afterEach(async () => {
  peers.closeAll();
  await Promise.all(harnesses.splice(0).map((harness) => harness.close()));
});

async function start(options: Parameters<typeof startTestHarness>[0]) {
  const harness = await startTestHarness(options);
  harnesses.push(harness);
  const post = (channel: string, message: string) => postJson<{ id: number; delivered: number }>(`${harness.url}/sse/${channel}`, { message });
  const listing = async () => (await getJson<Listing>(`${harness.url}/sse`)).body;
  const names = async () => (await listing()).channels.map((channel) => channel.name);
  const open = async (path: string, headers: Record<string, string> = {}) => {
    const reader = peers.add(await SseReader.open(harness.url + path, headers));
    await reader.waitFor('retry:');
    return reader;
  };
  return { harness, post, listing, names, open };
}

describe('plain SSE channel limits', () => {
  it('keeps at most sseChannelBytes per channel: the oldest messages leave the replay log first', async () => {
    const { post, listing, open } = await start({ sseChannelBytes: 10_000 });
    const kilobyte = 'x'.repeat(1000);
    for (let i = 1; i <= 50; i++) expect((await post('big', `${i}:${kilobyte}`)).status).toBe(200);
    const [channel] = (await listing()).channels;
    expect(channel).toMatchObject({ name: 'big', messages: 9 });
    expect(channel!.bytes).toBeLessThanOrEqual(10_000);
    // A reader that missed everything gets what is left: the newest nine, in order.
    const reader = await open('/sse/big', { 'last-event-id': '0' });
    await reader.waitFor('id: 50');
    expect(reader.text.match(/^id: \d+$/gm)).toEqual(['42', '43', '44', '45', '46', '47', '48', '49', '50'].map((id) => `id: ${id}`));
  });

  it('delivers a message bigger than the channel budget live, but never keeps it', async () => {
    const { post, listing, open } = await start({ sseChannelBytes: 10_000 });
    const reader = await open('/sse/huge');
    expect((await post('huge', 'y'.repeat(20_000))).body).toEqual({ id: 1, delivered: 1 });
    await reader.waitFor('id: 1');
    expect((await listing()).channels[0]).toMatchObject({ messages: 0, bytes: 0 });
  });

  it('holds at most sseChannelBytes for queue consumers, dropping the oldest held messages (logged)', async () => {
    const { harness, post, listing, open } = await start({ sseChannelBytes: 5_000 });
    for (let i = 1; i <= 20; i++) await post('jobs', `${i}:${'j'.repeat(1000)}`);
    expect((await listing()).channels[0]!.bytes).toBeLessThanOrEqual(5_000);
    expect(harness.logs.some((line) => line.includes('sse jobs: over the channel bytes, dropped held message 1'))).toBe(true);
    const consumer = await open('/sse/jobs?mode=queue');
    await consumer.waitFor('id: 20');
    expect(consumer.text).not.toContain('id: 1\n');
  });

  it('keeps at most sseMaxChannels: a new channel replaces the least recently used one without a stream', async () => {
    const { post, names, harness } = await start({ sseMaxChannels: 50 });
    for (let i = 0; i < 300; i++) expect((await post(`room-${i}`, 'hi')).status).toBe(200);
    const kept = await names();
    expect(kept).toHaveLength(50);
    expect(kept[0]).toBe('room-250');
    expect(kept.at(-1)).toBe('room-299');
    expect(harness.logs).toContain('sse room-0: removed (least recently used, no stream) to make room for room-50');
  });

  it('refuses a new channel with 503 while every kept one has an open stream, and takes it once one closes', async () => {
    const { harness, post, open, names } = await start({ sseMaxChannels: 2 });
    await open('/sse/a');
    const b = await open('/sse/b');
    const refused = await post('c', 'no room');
    expect(refused.status).toBe(503);
    expect(refused.body).toEqual({ error: { code: 'too-many-channels', message: 'the harness keeps at most 2 /sse channels and every one has an open stream' } });
    expect((await fetch(`${harness.url}/sse/c`)).status).toBe(503);
    b.close();
    await expect.poll(async () => (await post('c', 'room now')).status).toBe(200);
    expect(await names()).toEqual(['a', 'c']);
  });

  it('removes a channel without streams or posts for sseChannelIdleMs, with its log; one with a stream stays', async () => {
    const { post, names, open } = await start({ sseChannelIdleMs: 200 });
    await open('/sse/listened');
    await post('forgotten', 'one');
    expect((await post('forgotten', 'two')).body).toMatchObject({ id: 2 });
    expect(await names()).toEqual(['listened', 'forgotten']);
    // The sweep runs on its own (no request needed), every sseChannelIdleMs at most.
    await expect.poll(async () => names(), { timeout: 5000 }).toEqual(['listened']);
    expect((await post('forgotten', 'three')).body).toMatchObject({ id: 1 });
  });

  it('lists the channels and the limits at GET /sse', async () => {
    const { post, listing } = await start({});
    await post('news', 'hello');
    expect(await listing()).toEqual({
      channels: [{ name: 'news', messages: 1, bytes: 5 + 'cfmlMessage'.length + 16, streams: 0 }],
      limits: { channels: 256, bytesPerChannel: 262_144, idleMs: 300_000 },
    });
  });
});
