import { EventSource } from 'eventsource';
import type { FetchLike } from 'eventsource';
import { afterEach, describe, expect, it } from 'vitest';
import { FrameQueue, push, startRt } from './envelope-helpers.js';
import type { Frame, RtServer } from './envelope-helpers.js';

let server: RtServer | undefined;
let source: EventSource | undefined;

afterEach(async () => {
  source?.close();
  source = undefined;
  await server?.close();
  server = undefined;
});

/** A fetch whose current response body can be ended from the test, as a proxy cutting the stream would. */
function cuttableFetch(): { fetch: FetchLike; cut(): void; lastEventIds: Array<string | undefined> } {
  let cutCurrent: (() => void) | undefined;
  const lastEventIds: Array<string | undefined> = [];
  const wrapped: FetchLike = async (url, init) => {
    lastEventIds.push(init.headers['Last-Event-ID']);
    const response = await fetch(url, init);
    const reader = response.body!.getReader();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        cutCurrent = () => {
          void reader.cancel();
          controller.close();
        };
      },
      async pull(controller) {
        const chunk = await reader.read().catch(() => ({ done: true as const, value: undefined }));
        if (chunk.done) controller.close();
        else controller.enqueue(chunk.value);
      },
    });
    return new Response(body, { status: response.status, headers: response.headers });
  };
  return { fetch: wrapped, cut: () => cutCurrent?.(), lastEventIds };
}

describe('envelope /rt with a native-style EventSource', () => {
  it('resumes the session on its own reconnect, from the Last-Event-ID it kept', async () => {
    server = await startRt();
    const wire = cuttableFetch();
    const frames = new FrameQueue();
    source = new EventSource(`${server.url}/rt?v=1`, { fetch: wire.fetch });
    source.onmessage = (message) => frames.push(JSON.parse(message.data) as Frame);

    const welcome = await frames.nextOf('welcome');
    const session = String(welcome['token']);
    await push(server.url, { name: 'tick', args: [1] });
    await frames.nextOf('event');
    wire.cut();
    await push(server.url, { name: 'tick', args: [2] });

    const again = await frames.nextOf('welcome', 5000);
    expect(again).toMatchObject({ token: session, resumed: true, seq: 2 });
    expect(wire.lastEventIds).toEqual([undefined, `${session}:1`]);
    expect(await frames.nextOf('event')).toMatchObject({ seq: 2, name: 'tick', args: [2] });
  });
});
