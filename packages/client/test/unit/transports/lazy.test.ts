import { describe, expect, it, vi } from 'vitest';
import { loadOnce } from '../../../src/transports/lazy.js';
import { flush, setup } from '../core/helpers.js';

describe('loadOnce: code loaded on demand, once per page', () => {
  it('shares the load under way, then returns the module itself (no extra tick)', async () => {
    const load = vi.fn(async () => ({ loaded: true }));
    const once = loadOnce(load);
    const first = once();
    expect(once()).toBe(first);
    expect(await first).toEqual({ loaded: true });
    expect(once()).toEqual({ loaded: true });
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('tries again after a load that failed', async () => {
    let fail = true;
    const once = loadOnce(async () => {
      if (fail) throw new TypeError('Failed to fetch dynamically imported module');
      return 'module';
    });
    await expect(once()).rejects.toThrow('Failed to fetch');
    fail = false;
    expect(await once()).toBe('module');
  });
});

describe("an endpoint's load: its transport's code, loaded before the attempt creates it", () => {
  it('is waited for like an async value source; createTransport gets what it loaded', async () => {
    let arrive!: (module: string) => void;
    const { sse, ws, open, client } = setup({ sse: {} });
    const createTransport = vi.spyOn(sse, 'createTransport');
    Object.assign(sse, { load: () => new Promise<string>((resolve) => (arrive = resolve)) });
    ws.last!.drop({ reason: 'refused' });
    expect(sse.transports).toHaveLength(0);
    arrive('the sse carrier');
    await flush();
    expect(createTransport).toHaveBeenCalledWith(expect.objectContaining({ url: expect.stringMatching(/^fake:\/\/sse/) }), 'the sse carrier');
    open(sse.last);
    expect(client.transport).toBe('sse');
  });

  it('a load that fails (offline: the app origin is unreachable too) ends the attempt as refused; the next round loads again', async () => {
    let fail = true;
    const { sse, ws, clock, open, client, of } = setup();
    Object.assign(sse, {
      load: loadOnce(async () => {
        if (fail) throw new TypeError('Failed to fetch dynamically imported module');
        return 'the sse carrier';
      }),
    });
    ws.last!.drop({ reason: 'refused' });
    await flush();
    expect(sse.transports).toHaveLength(0);
    // The round is over (WebSocket refused, SSE's code unavailable): a reconnect is scheduled, nothing breaks.
    expect(client.state.status).toBe('reconnecting');
    expect(of('reconnecting')[0]).toMatchObject({ reason: 'refused', error: { code: 'refused', message: expect.stringContaining('Failed to fetch dynamically imported module') } });
    fail = false;
    clock.advance(of('reconnecting')[0]!.delayMs);
    ws.last!.drop({ reason: 'refused' });
    await flush();
    expect(sse.transports).toHaveLength(1);
    open(sse.last);
    expect(client.transport).toBe('sse');
    // Loaded once: a later attempt creates its transport at once, in the same tick.
    sse.last!.drop({ reason: 'network' });
    clock.advance(of('reconnecting')[1]!.delayMs);
    ws.last!.drop({ reason: 'refused' });
    expect(sse.transports).toHaveLength(2);
  });

  it('an attempt closed before its code arrived creates nothing', async () => {
    let arrive!: (module: string) => void;
    const { sse, ws, clock, open, client } = setup({ fallbackDelayMs: 500 });
    Object.assign(sse, { load: () => new Promise<string>((resolve) => (arrive = resolve)) });
    // The staggered start: the hung upgrade lets SSE begin loading, then the WebSocket wins and the SSE attempt is closed.
    clock.advance(500);
    open(ws.last);
    expect(client.transport).toBe('websocket');
    arrive('the sse carrier');
    await flush();
    expect(sse.transports).toHaveLength(0);
  });
});
