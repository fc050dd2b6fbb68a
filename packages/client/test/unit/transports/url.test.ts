import { afterEach, describe, expect, it, vi } from 'vitest';
import { absoluteUrl, toHttpUrl, toWebSocketUrl, withQuery } from '../../../src/transports/url.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('URL helpers', () => {
  it('maps http to ws and https to wss, leaving ws URLs alone', () => {
    expect(toWebSocketUrl('http://example.test:8080/rt?a=1')).toBe('ws://example.test:8080/rt?a=1');
    expect(toWebSocketUrl('https://example.test/rt')).toBe('wss://example.test/rt');
    expect(toWebSocketUrl('wss://example.test/rt')).toBe('wss://example.test/rt');
  });

  it('maps ws to http and wss to https, leaving http URLs alone', () => {
    expect(toHttpUrl('ws://example.test:10125/x')).toBe('http://example.test:10125/x');
    expect(toHttpUrl('wss://example.test/x')).toBe('https://example.test/x');
    expect(toHttpUrl('https://example.test/x')).toBe('https://example.test/x');
  });

  it('resolves relative URLs against the page location when there is one', () => {
    vi.stubGlobal('location', { href: 'https://app.example.test/chat/index.html' });
    expect(absoluteUrl('/rt').href).toBe('https://app.example.test/rt');
    expect(toWebSocketUrl('rt')).toBe('wss://app.example.test/chat/rt');
    expect(toHttpUrl('../messages.cfm')).toBe('https://app.example.test/messages.cfm');
  });

  it('throws a TypeError for a relative URL when there is no page', () => {
    expect(() => absoluteUrl('/rt')).toThrow(TypeError);
    expect(() => absoluteUrl('/rt')).toThrow(/"\/rt"/);
  });

  it('sets query parameters, replacing ones already there and keeping the others', () => {
    expect(withQuery('http://h.test/rt?v=0&keep=1', { v: '1', session: 'a b&c' })).toBe('http://h.test/rt?v=1&keep=1&session=a+b%26c');
    expect(withQuery('http://h.test/rt', undefined)).toBe('http://h.test/rt');
  });
});
