import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { ConnectionError } from '../../../src/core/errors.js';
import { envelope } from '../../../src/protocols/envelope.js';
import type { OutboundFrame } from '../../../src/transports/transport.js';
import { createSse } from './sse-helpers.js';
import { useMswServer } from './msw-server.js';

const { server, cleanups } = useMswServer();

interface Posted {
  url: URL;
  contentType: string | null;
  body: string;
  headers: Headers;
}

/** Records POSTs to `url`; `answer` decides the response (200 by default). */
function acceptPosts(url: string, answer: (posted: Posted, index: number) => Response | Promise<Response> = () => new HttpResponse('{}')) {
  const posts: Posted[] = [];
  server.use(
    http.post(url, async ({ request }) => {
      const posted = { url: new URL(request.url), contentType: request.headers.get('content-type'), body: await request.text(), headers: request.headers };
      posts.push(posted);
      return answer(posted, posts.length - 1);
    }),
  );
  return posts;
}

const codec = envelope.create({ kind: 'sse', resume: undefined });
const batch = (frames: readonly OutboundFrame[]) => codec.batch!(frames);

describe('sse upstream', () => {
  it('POSTs the envelope batch as text/plain to the stream URL with the session in the query', async () => {
    const posts = acceptPosts('http://sse.test/rt');
    const { transport } = createSse(cleanups, 'http://sse.test/rt', { query: { token: 'q' } }, {
      url: 'http://sse.test/rt?token=q&v=1',
      // what the Connection passes: the attempt's query and the codec's upstream parameters
      upstreamParams: () => ({ token: 'q', session: 'S1' }),
    });
    await transport.send([batch(['{"t":"event","cid":1,"name":"a","args":[]}', '{"t":"event","cid":2,"name":"b","args":[]}'])]);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.contentType).toBe('text/plain;charset=UTF-8');
    expect(JSON.parse(posts[0]!.body)).toEqual([
      { t: 'event', cid: 1, name: 'a', args: [] },
      { t: 'event', cid: 2, name: 'b', args: [] },
    ]);
    expect(Object.fromEntries(posts[0]!.url.searchParams)).toEqual({ token: 'q', session: 'S1' });
  });

  it('evaluates upstream parameters per request', async () => {
    const posts = acceptPosts('http://sse.test/rt');
    let session = 'first';
    const { transport } = createSse(cleanups, 'http://sse.test/rt', {}, { upstreamParams: () => ({ session }) });
    await transport.send(['{}']);
    session = 'second';
    await transport.send(['{}']);
    expect(posts.map((p) => p.url.searchParams.get('session'))).toEqual(['first', 'second']);
  });

  it('POSTs application/json when asked', async () => {
    const posts = acceptPosts('http://sse.test/rt');
    const { transport } = createSse(cleanups, 'http://sse.test/rt', { postEncoding: 'json' });
    await transport.send([batch(['{"t":"pong"}'])]);
    expect(posts[0]).toMatchObject({ contentType: 'application/json', body: '[{"t":"pong"}]' });
  });

  it('sends raw frames as one form POST each to postUrl, in order', async () => {
    const posts = acceptPosts('http://cfml.test/send.cfm');
    const { transport } = createSse(cleanups, 'http://cfml.test/messages.cfm', { protocol: 'raw', postUrl: 'http://cfml.test/send.cfm' });
    await transport.send(['hello & welcome', 'second=2']);
    expect(posts.map((p) => p.contentType)).toEqual([
      'application/x-www-form-urlencoded;charset=UTF-8',
      'application/x-www-form-urlencoded;charset=UTF-8',
    ]);
    expect(posts.map((p) => new URLSearchParams(p.body).get('message'))).toEqual(['hello & welcome', 'second=2']);
  });

  it('sends each frame of one send() as its own POST', async () => {
    const posts = acceptPosts('http://sse.test/rt');
    const { transport } = createSse(cleanups, 'http://sse.test/rt');
    await transport.send(['a', 'b']);
    expect(posts.map((p) => p.body)).toEqual(['a', 'b']);
  });

  it('resolves an async postUrl function and sends the attempt headers', async () => {
    const posts = acceptPosts('http://other.test/up');
    const { transport } = createSse(
      cleanups,
      'ws://sse.test/rt',
      { postUrl: async () => 'ws://other.test/up?token=fresh' },
      { headers: { authorization: 'Bearer abc' } },
    );
    await transport.send(['x']);
    expect(posts[0]!.url.href).toBe('http://other.test/up?token=fresh');
    expect(posts[0]!.headers.get('authorization')).toBe('Bearer abc');
  });

  it('keeps order: a POST starts only after the previous one is answered', async () => {
    const log: string[] = [];
    acceptPosts('http://sse.test/rt', async (posted, index) => {
      log.push(`start ${posted.body}`);
      // the first answer is the slowest: an unserialized sender would start the others meanwhile
      await new Promise((resolve) => setTimeout(resolve, index === 0 ? 40 : 1));
      log.push(`end ${posted.body}`);
      return new HttpResponse('{}');
    });
    const { transport } = createSse(cleanups, 'http://sse.test/rt');
    await Promise.all([transport.send(['1']), transport.send(['2']), transport.send(['3'])]);
    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
  });

  it('rejects with the status on a 500, fails the sends queued behind it, then recovers', async () => {
    const posts = acceptPosts('http://sse.test/rt', (_posted, index) => new HttpResponse('no', { status: index === 0 ? 500 : 200 }));
    const { transport, events } = createSse(cleanups, 'http://sse.test/rt');
    const first = transport.send(['1']).catch((e: unknown) => e);
    const queued = transport.send(['2']).catch((e: unknown) => e);
    const error = await first;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ name: 'ConnectionError', code: 'send-failed', status: 500, transport: 'sse' });
    expect(await queued).toBe(error);
    expect(posts.map((p) => p.body)).toEqual(['1']);
    await transport.send(['3']);
    expect(posts.map((p) => p.body)).toEqual(['1', '3']);
    expect(events.errors).toEqual([]); // reported through the promise only
  });

  it.each([401, 403])('rejects with unauthorized on %i', async (status) => {
    acceptPosts('http://sse.test/rt', () => new HttpResponse(null, { status }));
    const { transport } = createSse(cleanups, 'http://sse.test/rt');
    await expect(transport.send(['x'])).rejects.toMatchObject({ code: 'unauthorized', status });
  });

  it('rejects with network when the POST cannot be made', async () => {
    server.use(http.post('http://sse.test/rt', () => HttpResponse.error()));
    const { transport } = createSse(cleanups, 'http://sse.test/rt');
    await expect(transport.send(['x'])).rejects.toMatchObject({ name: 'ConnectionError', code: 'network' });
  });

  it('aborts a POST not answered within postTimeoutMs and rejects with network', async () => {
    const posts = acceptPosts('http://sse.test/rt', () => new Promise<Response>(() => undefined));
    const { transport } = createSse(cleanups, 'http://sse.test/rt', { postTimeoutMs: 30 });
    await expect(transport.send(['x'])).rejects.toMatchObject({ name: 'ConnectionError', code: 'network', message: expect.stringMatching(/not answered within 30 ms/) });
    expect(posts).toHaveLength(1);
  });

  it('rejects with send-failed when the postUrl function throws, and asks again next time', async () => {
    const posts = acceptPosts('http://sse.test/up');
    let calls = 0;
    const { transport } = createSse(cleanups, 'http://sse.test/rt', {
      postUrl: () => {
        if (++calls === 1) throw new Error('no token yet');
        return 'http://sse.test/up';
      },
    });
    await expect(transport.send(['x'])).rejects.toMatchObject({ code: 'send-failed' });
    await transport.send(['y']);
    expect(posts.map((p) => p.body)).toEqual(['y']);
  });

  it('rejects sends still queued when the transport closes', async () => {
    let release!: () => void;
    const posts = acceptPosts('http://sse.test/rt', async () => {
      await new Promise<void>((resolve) => (release = resolve));
      return new HttpResponse('{}');
    });
    const { transport } = createSse(cleanups, 'http://sse.test/rt');
    const inFlight = transport.send(['1']);
    const queued = transport.send(['2']).catch((e: unknown) => e);
    await expect.poll(() => posts.length).toBe(1);
    transport.close();
    release();
    await inFlight; // the POST in flight still settles
    expect(await queued).toMatchObject({ code: 'closed' });
    expect(posts).toHaveLength(1);
  });
});
