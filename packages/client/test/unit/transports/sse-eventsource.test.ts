import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sse } from '../../../src/transports/sse.js';
import { record } from './sse-helpers.js';

// The real native EventSource runs in the browser project (test/browser); here a scripted stand-in
// drives the readyState sequences a browser goes through, which Node cannot produce on demand.
class ScriptedEventSource extends EventTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  static last: ScriptedEventSource | undefined;
  readyState = 0;
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  readonly withCredentials: boolean;

  constructor(
    readonly url: string,
    init?: EventSourceInit,
  ) {
    super();
    this.withCredentials = init?.withCredentials ?? false;
    ScriptedEventSource.last = this;
  }

  close(): void {
    this.readyState = 2;
  }

  // What a browser does:
  serverOpens(): void {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }
  serverSends(type: string, data: string, lastEventId = ''): void {
    if (this.readyState === 2) return;
    const event = new MessageEvent(type, { data, lastEventId });
    if (type === 'message') this.onmessage?.(event);
    this.dispatchEvent(event);
  }
  fails(readyState: 0 | 2): void {
    this.readyState = readyState;
    this.onerror?.(new Event('error'));
  }
}

function connect(options: { events?: string[]; withCredentials?: boolean } = {}) {
  const url = 'http://cfml.test/messages.cfm';
  const transport = sse(url, { protocol: 'raw', downstream: 'eventsource', ...options }).createTransport({
    url,
    headers: {},
    platform: { EventSource: ScriptedEventSource as unknown as typeof EventSource },
  });
  const events = record(transport);
  transport.open();
  const source = ScriptedEventSource.last!;
  return { transport, events, source };
}

// The builder refuses the eventsource downstream where there is no global EventSource (Node).
beforeEach(() => {
  vi.stubGlobal('EventSource', ScriptedEventSource);
});
afterEach(() => {
  ScriptedEventSource.last = undefined;
  vi.unstubAllGlobals();
});

describe('sse over the native EventSource', () => {
  it('opens, and delivers message events and the subscribed custom events with their ids', () => {
    const { events, source } = connect({ events: ['cfmlMessage'], withCredentials: true });
    expect(source.withCredentials).toBe(true);
    source.serverOpens();
    source.serverSends('message', 'plain', '1');
    source.serverSends('cfmlMessage', '{"text":"hi"}', '2');
    source.serverSends('unsubscribed', 'ignored');
    expect(events.opened).toBe(1);
    expect(events.frames).toEqual([
      { data: 'plain', event: undefined, id: '1' },
      { data: '{"text":"hi"}', event: 'cfmlMessage', id: '2' },
    ]);
  });

  it('reports a refusal (CLOSED before open) as http-status with no status', () => {
    const { events } = connect();
    ScriptedEventSource.last!.fails(2);
    expect(events.closes).toEqual([{ reason: 'http-status', wasOpen: false, message: expect.any(String) }]);
  });

  it('reports a failure to connect (CONNECTING before open) as refused and stops the browser retrying', () => {
    const { events, source } = connect();
    source.fails(0);
    expect(events.closes).toMatchObject([{ reason: 'refused', wasOpen: false }]);
    expect(source.readyState).toBe(2);
  });

  it('reports a broken or ended stream (CONNECTING after open) as network and closes the EventSource', () => {
    const { events, source } = connect();
    source.serverOpens();
    source.fails(0);
    expect(events.closes).toMatchObject([{ reason: 'network', wasOpen: true }]);
    expect(source.readyState).toBe(2);
    source.serverSends('message', 'late');
    expect(events.frames).toEqual([]);
  });

  it('calls nothing after close()', () => {
    const { transport, events, source } = connect({ events: ['x'] });
    source.serverOpens();
    transport.close();
    expect(source.readyState).toBe(2);
    source.fails(2);
    expect(events.closes).toEqual([]);
  });

  it('is supported only where the platform has EventSource', () => {
    const endpoint = sse('http://h.test/s', { downstream: 'eventsource' });
    expect(endpoint.isSupported({ EventSource: ScriptedEventSource as unknown as typeof EventSource })).toBe(true);
    vi.stubGlobal('EventSource', undefined);
    try {
      expect(endpoint.isSupported({})).toBe(false);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
