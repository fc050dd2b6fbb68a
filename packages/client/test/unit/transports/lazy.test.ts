import { describe, expect, it, vi } from 'vitest';
import { lazyTransport, loadOnce } from '../../../src/transports/lazy.js';
import type { Transport, TransportCloseInfo } from '../../../src/transports/transport.js';
import { transportBase } from '../../../src/transports/transport.js';

/** A transport that records what is done to it. */
function recordingTransport() {
  const calls: string[] = [];
  const transport: Transport = {
    ...transportBase('sse', 'http://host/rt'),
    open: () => void calls.push('open'),
    send: async (frames) => void calls.push(`send ${frames.join()}`),
    close: () => void calls.push('close'),
  };
  return { transport, calls };
}

describe('lazyTransport: a transport whose code loads on demand', () => {
  it('loads on open(), then opens the transport and relays its callbacks and sends', async () => {
    const { transport: inner, calls } = recordingTransport();
    const load = vi.fn(async () => ({ make: () => inner }));
    const outer = lazyTransport('sse', 'http://host/rt', load, (module) => module.make());
    const seen: unknown[] = [];
    outer.onopen = () => void seen.push('open');
    outer.onmessage = (frame) => void seen.push(frame.data);
    outer.oncursor = (id) => void seen.push(`cursor ${id}`);
    outer.onclose = (info) => void seen.push(info.reason);
    expect(load).not.toHaveBeenCalled();
    outer.open();
    await vi.waitFor(() => expect(calls).toEqual(['open']));
    inner.onopen!();
    inner.onmessage!({ data: 'hi' });
    inner.oncursor!('7');
    await outer.send(['up']);
    inner.onclose!({ reason: 'ended', wasOpen: true, message: 'bye' });
    expect(seen).toEqual(['open', 'hi', 'cursor 7', 'ended']);
    expect(calls).toEqual(['open', 'send up']);
  });

  it('ends the attempt as refused when the code cannot be loaded, and loads again next time', async () => {
    let fail = true;
    const { transport: inner, calls } = recordingTransport();
    const load = loadOnce(async () => {
      if (fail) throw new TypeError('Failed to fetch dynamically imported module');
      return inner;
    });
    const closes: TransportCloseInfo[] = [];
    const first = lazyTransport('sse', 'http://host/rt', load, (module) => module);
    first.onclose = (info) => void closes.push(info);
    first.open();
    await vi.waitFor(() => expect(closes).toHaveLength(1));
    expect(closes[0]).toMatchObject({ reason: 'refused', wasOpen: false, message: expect.stringContaining('could not load the sse transport') });
    fail = false;
    const second = lazyTransport('sse', 'http://host/rt', load, (module) => module);
    second.open();
    await vi.waitFor(() => expect(calls).toEqual(['open']));
    // Loaded once: the next attempt gets the module without waiting.
    const third = lazyTransport('sse', 'http://host/rt', load, () => recordingTransport().transport);
    const { transport: fourth, calls: fourthCalls } = recordingTransport();
    lazyTransport('sse', 'http://host/rt', load, () => fourth).open();
    expect(fourthCalls).toEqual(['open']);
    third.close();
  });

  it('closed before the code arrived: nothing is created, nothing is reported', async () => {
    let resolve!: (transport: Transport) => void;
    const make = vi.fn((module: Transport) => module);
    const outer = lazyTransport('sse', 'http://host/rt', () => new Promise<Transport>((done) => (resolve = done)), make);
    const closes: unknown[] = [];
    outer.onclose = (info) => void closes.push(info);
    outer.open();
    outer.close();
    resolve(recordingTransport().transport);
    await Promise.resolve();
    await Promise.resolve();
    expect(make).not.toHaveBeenCalled();
    expect(closes).toEqual([]);
  });
});
