import { http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { ProtocolError } from '../../../src/core/errors.js';
import { createLineSplitter, parseRetryAfter } from '../../../src/transports/sse-fetch.js';
import { createSse, eventStream, liveStream, type Recorded } from './sse-helpers.js';
import { useMswServer } from './msw-server.js';

const URL_ = 'http://sse.test/rt?v=1';
const { server, cleanups } = useMswServer();

function serve(respond: (request: Request) => Response | Promise<Response>): Request[] {
  const requests: Request[] = [];
  server.use(
    http.get('http://sse.test/rt', ({ request }) => {
      requests.push(request);
      return respond(request);
    }),
  );
  return requests;
}

function connect(options: Parameters<typeof createSse>[2] = {}, context: Parameters<typeof createSse>[3] = {}) {
  const { transport, events } = createSse(cleanups, URL_, options, context);
  transport.open();
  return { transport, events };
}

const closed = async (events: Recorded) => {
  await vi.waitFor(() => expect(events.closes).toHaveLength(1));
  return events.closes[0]!;
};

describe('sse over fetch: opening and classification', () => {
  it('opens on a 200 event stream and delivers each event with its name and id', async () => {
    const requests = serve(() => eventStream('data: one\n\n', 'event: chat\nid: 7\ndata: two\n\n', 'data: three\n\n'));
    const { transport, events } = connect();
    expect(transport.kind).toBe('sse');
    expect(await closed(events)).toMatchObject({ reason: 'ended', wasOpen: true, status: 200 });
    expect(events.opened).toBe(1);
    expect(events.frames).toEqual([
      { data: 'one', event: undefined, id: undefined },
      { data: 'two', event: 'chat', id: '7' },
      // SSE semantics: the last event id persists over events without an id field
      { data: 'three', event: undefined, id: '7' },
    ]);
    expect(requests[0]!.headers.get('accept')).toBe('text/event-stream');
    expect(requests[0]!.headers.has('last-event-id')).toBe(false);
  });

  it('sends Last-Event-ID and the attempt headers when it reconnects with a cursor', async () => {
    const requests = serve(() => eventStream('data: x\n\n'));
    const { events } = connect({}, { lastEventId: '41', headers: { authorization: 'Bearer t' } });
    await closed(events);
    expect(requests[0]!.headers.get('last-event-id')).toBe('41');
    expect(requests[0]!.headers.get('authorization')).toBe('Bearer t');
    expect(events.frames[0]!.id).toBe('41');
  });

  it('reports 204 No Content as no-content without opening', async () => {
    serve(() => new HttpResponse(null, { status: 204 }));
    const { events } = connect();
    expect(await closed(events)).toMatchObject({ reason: 'no-content', status: 204, wasOpen: false });
    expect(events.opened).toBe(0);
  });

  it.each([401, 403])('reports %i as http-status with the status', async (status) => {
    serve(() => new HttpResponse('no', { status }));
    const { events } = connect();
    expect(await closed(events)).toMatchObject({ reason: 'http-status', status, wasOpen: false });
  });

  it('reports 500 as http-status with the Retry-After delay', async () => {
    serve(() => new HttpResponse('busy', { status: 503, headers: { 'retry-after': '7' } }));
    const { events } = connect();
    expect(await closed(events)).toMatchObject({ reason: 'http-status', status: 503, retryAfterMs: 7000 });
  });

  it('reports a 200 that is not an event stream as content-type', async () => {
    serve(() => HttpResponse.html('<h1>login</h1>'));
    const { events } = connect();
    const info = await closed(events);
    expect(info).toMatchObject({ reason: 'content-type', status: 200, wasOpen: false });
    expect(info.message).toContain('text/html');
  });

  it('reports the end of the stream as ended, with the last retry: value', async () => {
    serve(() => eventStream('retry: 1000\n', 'data: a\n\nretry: 2500\n\n'));
    const { events } = connect();
    expect(await closed(events)).toMatchObject({ reason: 'ended', wasOpen: true, retryAfterMs: 2500 });
  });

  it('reports timeout when no byte arrives before the first-byte deadline', async () => {
    const stream = liveStream();
    const requests = serve(() => stream.response);
    const { events } = connect({ firstByteTimeoutMs: 30 });
    const info = await closed(events);
    expect(info).toMatchObject({ reason: 'timeout', wasOpen: true });
    expect(requests[0]!.signal.aborted).toBe(true);
  });

  it('keeps a stream whose first byte beat the deadline', async () => {
    const stream = liveStream();
    serve(() => stream.response);
    const { events } = connect({ firstByteTimeoutMs: 30 });
    stream.push(': hello\n\n');
    setTimeout(() => stream.push('data: later\n\n'), 90);
    await vi.waitFor(() => expect(events.frames).toHaveLength(1));
    expect(events.closes).toEqual([]);
  });

  it('reports refused when the request fails before any answer', async () => {
    serve(() => HttpResponse.error());
    const { events } = connect();
    expect(await closed(events)).toMatchObject({ reason: 'refused', wasOpen: false });
  });

  it('reports network when the stream breaks after opening', async () => {
    const stream = liveStream();
    serve(() => stream.response);
    const { events } = connect();
    stream.push('data: a\n\n');
    await vi.waitFor(() => expect(events.frames).toHaveLength(1));
    stream.fail();
    expect(await closed(events)).toMatchObject({ reason: 'network', wasOpen: true });
  });

  it('calls nothing after close(), even for events left in the same chunk', async () => {
    const stream = liveStream();
    const requests = serve(() => stream.response);
    const { transport, events } = connect();
    transport.onmessage = (frame) => {
      events.frames.push(frame);
      transport.close();
    };
    stream.push('data: first\n\ndata: second\n\n');
    await vi.waitFor(() => expect(requests[0]?.signal.aborted).toBe(true));
    stream.push('data: third\n\n');
    expect(events.frames.map((f) => f.data)).toEqual(['first']);
    expect(events.closes).toEqual([]);
  });
});

describe('sse over fetch: event stream parsing', () => {
  async function parse(...chunks: (string | Uint8Array)[]) {
    serve(() => eventStream(...chunks));
    const { events } = connect();
    await closed(events);
    return events;
  }

  it('strips one leading BOM and only one', async () => {
    expect((await parse('\uFEFFdata: a\n\n')).frames.map((f) => f.data)).toEqual(['a']);
    const twice = await parse('\uFEFF\uFEFFdata: a\n\ndata: b\n\n');
    expect(twice.frames.map((f) => f.data)).toEqual(['b']);
  });

  it('strips a BOM split over chunks', async () => {
    const bom = new Uint8Array([0xef, 0xbb, 0xbf]);
    expect((await parse(bom.subarray(0, 1), bom.subarray(1), 'data: a\n\n')).frames.map((f) => f.data)).toEqual(['a']);
  });

  it('accepts CR, LF and CRLF line endings, also split between chunks', async () => {
    const events = await parse('data: cr\r\rdata: crlf\r\n\r\ndata: lf\n\n', 'data: split\r', '\n\r\n');
    expect(events.frames.map((f) => f.data)).toEqual(['cr', 'crlf', 'lf', 'split']);
  });

  it('dispatches an event ended by CRs at once, without waiting for the next byte', async () => {
    const stream = liveStream();
    serve(() => stream.response);
    const { events } = connect();
    stream.push('event: x\rdata: a\r\r');
    await vi.waitFor(() => expect(events.frames).toEqual([{ data: 'a', event: 'x', id: undefined }]));
    stream.push('\ndata: b\r');
    stream.push('\n\r\n');
    await vi.waitFor(() => expect(events.frames.map((f) => f.data)).toEqual(['a', 'b']));
  });

  it('ignores comments and reports nothing for them', async () => {
    const events = await parse(': hb\n\n:\ndata: a\n: inside\n\n');
    expect(events.frames.map((f) => f.data)).toEqual(['a']);
    expect(events.errors).toEqual([]);
  });

  it('joins multi-line data with newlines and strips one leading space', async () => {
    const events = await parse('data: line 1\ndata:line 2\ndata:  two spaces\n\n');
    expect(events.frames.map((f) => f.data)).toEqual(['line 1\nline 2\n two spaces']);
  });

  it('dispatches empty data but not an event without data', async () => {
    const events = await parse('event: nothing\n\ndata:\n\n');
    expect(events.frames).toEqual([{ data: '', event: undefined, id: undefined }]);
  });

  it('ignores an id that contains NUL', async () => {
    const events = await parse('id: 1\ndata: a\n\nid: 2\u00003\ndata: b\n\n');
    expect(events.frames.map((f) => f.id)).toEqual(['1', '1']);
  });

  it('keeps an id given without data as the last event id, as browsers do', async () => {
    const events = await parse('id: 5\n\ndata: a\n\n');
    expect(events.frames).toEqual([{ data: 'a', event: undefined, id: '5' }]);
  });

  it('reports an event of id: alone as the cursor (the stream\'s position), not as a message', async () => {
    serve(() => eventStream('retry: 1000\nid: 7\n\n', ': comment\n\n', 'id:\n\n', 'id: 8\u00009\n\n'));
    const { transport, events } = connect();
    const cursors: string[] = [];
    transport.oncursor = (id) => cursors.push(id);
    await closed(events);
    // An empty id forgets the cursor (no Last-Event-ID next time); one with NUL is ignored.
    expect(cursors).toEqual(['7', '']);
    expect(events.frames).toEqual([]);
  });

  it('reads an event spread over many chunks, and lines cut anywhere', async () => {
    const text = `event: big\ndata: ${'x'.repeat(5000)}\ndata: end\n\n`;
    const chunks = text.match(/[\s\S]{1,7}/g)!;
    const events = await parse(...chunks);
    expect(events.frames).toEqual([{ data: `${'x'.repeat(5000)}\nend`, event: 'big', id: undefined }]);
  });

  it('treats an explicit event: message like the default type', async () => {
    const events = await parse('event: message\ndata: a\n\n');
    expect(events.frames[0]!.event).toBeUndefined();
  });

  it('decodes UTF-8 split inside a character', async () => {
    const bytes = new TextEncoder().encode('data: é€\n\n');
    expect((await parse(bytes.subarray(0, 7), bytes.subarray(7))).frames[0]!.data).toBe('é€');
  });

  it('drops an incomplete event at the end of the stream', async () => {
    expect((await parse('data: a\n\ndata: cut')).frames.map((f) => f.data)).toEqual(['a']);
  });

  it('honours retry: with digits only, reporting a bad value as a bad-frame error and going on', async () => {
    const events = await parse('retry: 300\n\nretry: 5s\n\ndata: after\n\n');
    expect(events.closes[0]!.retryAfterMs).toBe(300);
    expect(events.errors).toHaveLength(1);
    expect(events.errors[0]).toBeInstanceOf(ProtocolError);
    expect(events.errors[0]).toMatchObject({ code: 'bad-frame', transport: 'sse' });
    expect(events.frames.map((f) => f.data)).toEqual(['after']);
  });

  it('reports an unknown field as a bad-frame error and keeps the stream', async () => {
    const events = await parse('bogus: 1\ndata: a\n\n');
    expect(events.errors.map((e) => e.code)).toEqual(['bad-frame']);
    expect(events.frames.map((f) => f.data)).toEqual(['a']);
  });
});

describe('createLineSplitter', () => {
  it('ends lines at CR, LF and CRLF, skipping the LF of a CRLF split between chunks', () => {
    const lines = createLineSplitter();
    expect(['a\r', '\nb\r\r', '', '\n', 'c\r\n'].map(lines)).toEqual([['a'], ['b', ''], [], [], ['c']]);
    const split = createLineSplitter();
    expect(['a\r', '\n', '\n'].map(split)).toEqual([['a'], [], ['']]);
  });

  it('keeps the incomplete last line until a later chunk ends it', () => {
    const lines = createLineSplitter();
    expect(['da', 'ta: x\nne', 'xt', ' line\r\nlast'].map(lines)).toEqual([[], ['data: x'], [], ['next line']]);
  });
});

describe('parseRetryAfter', () => {

  it('reads delay-seconds and HTTP dates', () => {
    expect(parseRetryAfter('120')).toBe(120_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:29:00 GMT'))).toBe(0);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
