import { describe, expect, it } from 'vitest';
import { socketio } from '../../../src/socketio/endpoint.js';
import { planSocketIo, type SocketIoEndpointOptions } from '../../../src/socketio/options.js';

describe('socketio() endpoints', () => {
  it('starts with polling and upgrades by default, as v3 servers need', () => {
    const endpoints = socketio('http://host:3000');
    expect(endpoints.map((endpoint) => endpoint.kind)).toEqual(['polling', 'websocket']);
    expect(endpoints.map((endpoint) => endpoint.url)).toEqual(['http://host:3000/socket.io/', 'http://host:3000/socket.io/']);
    expect(new Set(endpoints.map((endpoint) => endpoint.label)).size).toBe(2);
    expect(endpoints.every((endpoint) => endpoint.protocol.name == 'socket.io')).toBe(true);
  });

  it('puts WebSocket first for a known Engine.IO v4 server', () => {
    expect(socketio('http://host', { eio: 4 }).map((endpoint) => endpoint.kind)).toEqual(['websocket', 'polling']);
    expect(socketio('http://host', { eio: 4, transports: ['polling'] }).map((endpoint) => endpoint.kind)).toEqual(['polling']);
  });

  it("takes the namespace from the URL's path, the Engine.IO path from `path`, and keeps the URL's query", () => {
    const [endpoint] = socketio('wss://host/admin?room=1#x', { path: '/io/' });
    expect(endpoint!.url).toBe('https://host/io/?room=1');
    expect(endpoint!.label).toContain('/admin');
    expect(socketio('http://host/admin', { namespace: '/other' })[0]!.label).toContain('/other');
  });

  it('is unsupported where the platform lacks what the carrier needs', () => {
    const [polling, websocket] = socketio('http://host');
    const fetch = (() => undefined) as unknown as typeof globalThis.fetch;
    expect(polling!.isSupported({ fetch })).toBe(true);
    expect(websocket!.isSupported({ WebSocket: undefined as unknown as typeof WebSocket, fetch })).toBe(typeof globalThis.WebSocket == 'function');
    expect(websocket!.isSupported({ WebSocket: class {} as unknown as typeof WebSocket })).toBe(true);
  });

  it.each([
    ['eio', { eio: 5 }],
    ['transports', { transports: [] }],
    ['transports', { transports: ['sse'] }],
    ['transports', { transports: ['polling', 'polling'] }],
    ['namespace', { namespace: 'chat' }],
    ['namespace', { namespace: '/a,b' }],
    ['path', { path: 'socket.io' }],
    ['upgrade', { upgrade: 'yes' }],
    ['auth', { auth: 'token' }],
    ['auth', { auth: ['token'] }],
    ['query', { query: { page: 1 } }],
    ['headers', { headers: 'x' }],
    ['withCredentials', { withCredentials: 1 }],
    ['retries', { retries: 3 }],
  ])('rejects a bad "%s" option with a TypeError naming it', (name, options) => {
    expect(() => socketio('http://host', options as SocketIoEndpointOptions)).toThrowError(TypeError);
    expect(() => socketio('http://host', options as SocketIoEndpointOptions)).toThrowError(`"${name}"`);
  });

  it('plans the documented defaults and sends cookies only with withCredentials', () => {
    expect(planSocketIo('ws://host/chat#x')).toMatchObject({
      url: 'http://host/socket.io/',
      namespace: '/chat',
      eio: undefined,
      transports: ['polling', 'websocket'],
      upgrade: true,
      credentials: 'same-origin',
    });
    expect(planSocketIo('http://host', { withCredentials: true, upgrade: false })).toMatchObject({ namespace: '/', upgrade: false, credentials: 'include' });
  });

  it('names the option, what it must be and what it got', () => {
    expect(() => socketio('http://host', { eio: 5 as 4 })).toThrowError('unisocket: option "eio" must be 3 or 4, got 5');
    expect(() => socketio('http://host', { constructor: 1 } as SocketIoEndpointOptions)).toThrowError('unisocket: unknown option "constructor"');
  });

  it("checks the namespace taken from the URL's path too", () => {
    expect(() => socketio('http://host/a,b')).toThrowError('option "namespace"');
  });

  it('rejects a URL that is not a non-empty string', () => {
    expect(() => socketio('')).toThrowError('option "url"');
    expect(() => socketio(42 as unknown as string)).toThrowError(TypeError);
  });
});
