import { describe, expect, it, vi } from 'vitest';
import { raw } from '../../../src/protocols/raw.js';
import { sse } from '../../../src/transports/sse.js';

describe('sse() endpoint', () => {
  it('describes itself and defaults to the envelope protocol', () => {
    const headers = async () => ({ authorization: 'Bearer x' });
    const endpoint = sse('http://h.test/rt', { headers, query: { a: '1' } });
    expect(endpoint).toMatchObject({ kind: 'sse', url: 'http://h.test/rt', label: 'sse http://h.test/rt', headers, query: { a: '1' } });
    expect(endpoint.protocol.name).toBe('envelope');
  });

  it('accepts a Protocol object and a url function', () => {
    const protocol = raw({ json: true });
    const url = () => 'http://h.test/s';
    expect(sse(url, { protocol })).toMatchObject({ protocol, url, label: 'sse (url function)' });
  });

  it('maps the stream URL to http for the transport', () => {
    const transport = sse('ws://h.test/rt').createTransport({ url: 'ws://h.test/rt?v=1', headers: {}, platform: {} });
    expect(transport.url).toBe('http://h.test/rt?v=1');
    expect(transport.kind).toBe('sse');
  });

  it('is supported where fetch exists', () => {
    expect(sse('http://h.test/rt').isSupported({ fetch: (() => undefined) as unknown as typeof fetch })).toBe(true);
  });

  it('refuses the eventsource downstream at construction where there is no EventSource (Node)', () => {
    vi.stubGlobal('EventSource', undefined);
    try {
      const build = () => sse('http://h.test/', { downstream: 'eventsource' });
      expect(build).toThrow(TypeError);
      expect(build).toThrow(/option "downstream" must be 'fetch' on this platform: it has no EventSource/);
      expect(sse('http://h.test/', { downstream: 'fetch' }).kind).toBe('sse');
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it.each([
    ['a url that is not a string', () => sse(undefined as unknown as string), /"url"/],
    ['a relative url with no page', () => sse('/messages.cfm'), /relative/],
    ['a bad postUrl', () => sse('http://h.test/', { postUrl: 3 as unknown as string }), /"postUrl"/],
    ['an unknown protocol', () => sse('http://h.test/', { protocol: 'json' as 'raw' }), /"protocol"/],
    ['headers that are not strings', () => sse('http://h.test/', { headers: { a: 1 } as unknown as Record<string, string> }), /"headers"/],
    ['a non-boolean withCredentials', () => sse('http://h.test/', { withCredentials: 'yes' as unknown as boolean }), /"withCredentials"/],
    ['a negative firstByteTimeoutMs', () => sse('http://h.test/', { firstByteTimeoutMs: -1 }), /"firstByteTimeoutMs"/],
    ['events that are not an array', () => sse('http://h.test/', { events: 'cfmlMessage' as unknown as string[] }), /"events"/],
    ['an unknown postEncoding', () => sse('http://h.test/', { postEncoding: 'xml' as 'json' }), /"postEncoding"/],
    ['an unknown downstream', () => sse('http://h.test/', { downstream: 'xhr' as 'fetch' }), /"downstream"/],
    ['an unknown option', () => sse('http://h.test/', { retries: 3 } as never), /"retries"/],
  ])('throws a TypeError for %s', (_label, build, message) => {
    expect(build).toThrow(TypeError);
    expect(build).toThrow(message);
  });
});
