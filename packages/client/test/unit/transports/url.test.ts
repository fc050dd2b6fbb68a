import { afterEach, describe, expect, it, vi } from 'vitest';
import { connect, connectSocketIo, socketio, sse, websocket } from '../../../src/index.js';
import { absoluteUrl, endpointUrl, toHttpUrl, toWebSocketUrl, withQuery } from '../../../src/transports/url.js';

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

describe('endpoint URLs', () => {
  const builders: [string, (url: string) => unknown][] = [
    ['connect', (url) => connect(url, { autoConnect: false })],
    ['connectSocketIo', (url) => connectSocketIo(url, { autoConnect: false })],
    ['websocket', (url) => websocket(url)],
    ['sse', (url) => sse(url)],
    ['sse postUrl', (url) => sse('http://h.test/stream', { postUrl: url })],
    ['socketio', (url) => socketio(url)],
  ];
  const badUrls = ['ftp://h.test/rt', 'file:///rt', 'mailto:a@h.test', 'data:text/plain,x', 'javascript:alert(1)'];

  for (const [name, build] of builders) {
    it(`${name}(): a URL that is not http(s) or ws(s) is a TypeError at construction, naming the URL`, () => {
      for (const url of badUrls) {
        expect(() => build(url), url).toThrow(TypeError);
        expect(() => build(url), url).toThrow(url);
      }
      for (const url of ['http://h.test/rt', 'https://h.test/rt', 'ws://h.test/rt', 'wss://h.test/rt']) expect(() => build(url), url).not.toThrow();
    });
  }

  it('a page-relative URL takes the page scheme: a file: page cannot connect', () => {
    vi.stubGlobal('location', { href: 'file:///home/app/index.html' });
    expect(() => endpointUrl('/rt')).toThrow(TypeError);
    vi.stubGlobal('location', { href: 'https://app.example.test/' });
    expect(endpointUrl('/rt').href).toBe('https://app.example.test/rt');
  });
});
