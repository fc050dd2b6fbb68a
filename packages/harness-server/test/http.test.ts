import { connect } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Peers, WsPeer, getJson, postJson, startTestHarness, wsUrl } from './helpers.js';
import type { TestHarness } from './helpers.js';

let harness: TestHarness;
const peers = new Peers();
beforeAll(async () => {
  harness = await startTestHarness({ maxFrameBytes: 64 * 1024 });
});
afterEach(() => peers.closeAll());
afterAll(() => harness.close());

describe('HTTP routing and bad input', () => {
  it('answers GET /healthz with {"ok":true}', async () => {
    const result = await getJson(`${harness.url}/healthz`);
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ ok: true });
  });

  it('answers an unknown path with a 404 JSON message and logs it', async () => {
    const result = await getJson<{ error: { code: string; message: string } }>(`${harness.url}/no/such/thing`);
    expect(result.status).toBe(404);
    expect(result.body.error.message).toContain('/no/such/thing');
    expect(harness.logs.some((line) => line.includes('/no/such/thing') && line.includes('404'))).toBe(true);
  });

  it('answers a wrong method with 405 and an allow header', async () => {
    const result = await fetch(`${harness.url}/healthz`, { method: 'DELETE' });
    expect(result.status).toBe(405);
    expect(result.headers.get('allow')).toBe('GET, HEAD');
    const onSse = await fetch(`${harness.url}/sse/x`, { method: 'PUT', body: '{}' });
    expect(onSse.status).toBe(405);
    expect(onSse.headers.get('allow')).toBe('GET, POST');
  });

  it('answers a CORS preflight on a known route with 204 and its methods', async () => {
    const result = await fetch(`${harness.url}/sse/x`, {
      method: 'OPTIONS',
      headers: { origin: 'http://example.test', 'access-control-request-method': 'POST' },
    });
    expect(result.status).toBe(204);
    expect(result.headers.get('access-control-allow-origin')).toBe('*');
    expect(result.headers.get('access-control-allow-methods')).toBe('GET, POST, OPTIONS');
  });

  it('answers malformed JSON with 400 and keeps serving', async () => {
    const result = await postJson<{ error: { code: string } }>(`${harness.url}/sse/bad-json`, '{"message": ');
    expect(result.status).toBe(400);
    expect(result.body.error.code).toBe('bad-json');
    expect((await getJson(`${harness.url}/healthz`)).status).toBe(200);
  });

  it('answers a body over maxFrameBytes with 413', async () => {
    const message = 'x'.repeat(100 * 1024);
    const result = await postJson<{ error: { code: string } }>(`${harness.url}/sse/big`, { message });
    expect(result.status).toBe(413);
    expect(result.body.error.code).toBe('too-large');
  });

  it('answers an unsupported content type with 415', async () => {
    const result = await fetch(`${harness.url}/sse/x`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: 'x' });
    expect(result.status).toBe(415);
  });

  it.each(['/rt', '/sse/abort', '/gateways/chat/messages', '/_control/drop'])(
    'logs a client that went away mid-body on POST %s as client-aborted, never as a 500 of ours',
    async (path) => {
      // `expect: 100-continue`: the server answers 100 once it has parsed the headers and handed the
      // request to its handler, so the body is cut short while the handler reads it, not before.
      const before = harness.logs.length;
      const socket = connect(harness.port, '127.0.0.1');
      socket.write(`POST ${path} HTTP/1.1\r\nhost: h\r\nexpect: 100-continue\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n`);
      await new Promise((continued) => socket.once('data', continued));
      await new Promise((written) => socket.write('{"message":', written));
      socket.destroy();
      await expect.poll(() => harness.logs.filter((line) => line.includes(path))).toEqual([
        expect.stringMatching(/→ 400 client-aborted: the client closed the connection mid-body \(11 of 1000 bytes received\)$/),
      ]);
      expect(harness.logs.slice(before).filter((line) => /500|internal|malformed/.test(line))).toEqual([]);
      expect((await getJson(`${harness.url}/healthz`)).status).toBe(200);
    },
  );

  it('refuses a WebSocket upgrade on an unknown path with 404', async () => {
    const peer = peers.add(WsPeer.connect(wsUrl(harness.url, '/nowhere')));
    await expect(peer.opened()).rejects.toThrow('404');
  });

  it('closes an oversize WebSocket frame with 1009 while another connection keeps working', async () => {
    const big = peers.add(await WsPeer.open(wsUrl(harness.url, '/gateways/chat')));
    const other = peers.add(await WsPeer.open(wsUrl(harness.url, '/gateways/chat')));
    const third = peers.add(await WsPeer.open(wsUrl(harness.url, '/gateways/chat')));
    big.send('x'.repeat(65 * 1024));
    expect((await big.closed).code).toBe(1009);
    other.send('still here');
    expect(await third.nth(1)).toBe('still here');
  });
});

describe('test controls', () => {
  it('are a 404 without --test-controls', async () => {
    const plain = await startTestHarness({ testControls: false });
    try {
      const result = await postJson<{ error: { message: string } }>(`${plain.url}/_control/drop`, {});
      expect(result.status).toBe(404);
      expect(result.body.error.message).toContain('--test-controls');
    } finally {
      await plain.close();
    }
  });

  it('answer an unknown control with 404 and a bad parameter with 400', async () => {
    expect((await postJson(`${harness.url}/_control/explode`, {})).status).toBe(404);
    expect((await postJson(`${harness.url}/_control/block-websocket`, { mode: 'sometimes' })).status).toBe(400);
    expect((await getJson(`${harness.url}/_control/faults`)).status).toBe(200);
  });
});
