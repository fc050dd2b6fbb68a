import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { originMatches } from '../src/control-access.js';
import { resolveHarnessOptions } from '../src/options.js';
import { getJson, startTestHarness } from './helpers.js';
import type { TestHarness } from './helpers.js';

// The routes that change the server (fault controls, gateway start/stop/restart) answer programs
// (no Origin) and the pages of `controlOrigins`; a page of any other origin gets a 403 before anything
// happens. The same in a real browser: e2e/control-security.spec.ts.
const DEMO = 'http://127.0.0.1:5173';
const EVIL = 'http://evil.example';

let harness: TestHarness;
beforeAll(async () => {
  harness = await startTestHarness({ controlOrigins: [DEMO] });
});
afterAll(() => harness.close());

/** A POST as a browser sends it: `text/plain` (no preflight), with the page's Origin. */
const post = (path: string, origin?: string, body = '{"mode":"refuse"}', type = 'text/plain') =>
  fetch(`${harness.url}${path}`, { method: 'POST', headers: { 'content-type': type, ...(origin ? { origin } : {}) }, body });
const preflight = (path: string, origin: string) =>
  fetch(`${harness.url}${path}`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
const faults = async () => ((await getJson<{ faults: { blockWebSocket: string } }>(`${harness.url}/_control/faults`)).body.faults);
const gatewayState = async (id: string) => ((await getJson<{ state: string }>(`${harness.url}/gateways/${id}`)).body.state);

describe('controls and gateway lifecycle: who may use them', () => {
  it('refuses a simple POST from a page of another origin with 403, changes nothing, and sends no CORS header', async () => {
    const answer = await post('/_control/block-websocket', EVIL);
    expect(answer.status).toBe(403);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    expect(((await answer.json()) as { error: { code: string; message: string } }).error).toEqual({
      code: 'origin-not-allowed',
      message: `a page of origin ${EVIL} may not use this control; start the harness with --control-origin ${EVIL} to allow it`,
    });
    expect((await faults()).blockWebSocket).toBe('off');
    expect(harness.logs.some((line) => line.includes('403 origin-not-allowed'))).toBe(true);
  });

  it('refuses the preflight of another origin (no CORS header: the browser never sends the JSON POST)', async () => {
    const answer = await preflight('/_control/restart', EVIL);
    expect(answer.status).toBe(403);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a sandboxed page (Origin: null) and a form post from another origin', async () => {
    expect((await post('/_control/block-websocket', 'null')).status).toBe(403);
    expect((await post('/_control/block-websocket', EVIL, 'mode=refuse', 'application/x-www-form-urlencoded')).status).toBe(403);
    expect((await faults()).blockWebSocket).toBe('off');
  });

  it('refuses gateway stop, start and restart from another origin; the gateway keeps running', async () => {
    for (const action of ['stop', 'restart', 'start']) expect((await post(`/gateways/chat/${action}`, EVIL, '')).status).toBe(403);
    expect(await gatewayState('chat')).toBe('running');
    // Reading a gateway's status and sending it a message stay open to every page (an app's API).
    const status = await fetch(`${harness.url}/gateways/chat`, { headers: { origin: EVIL } });
    expect(status.headers.get('access-control-allow-origin')).toBe('*');
  });

  it("answers the allowed page's preflight and POST with CORS for that origin alone", async () => {
    const allowedPreflight = await preflight('/_control/block-websocket', DEMO);
    expect(allowedPreflight.status).toBe(204);
    expect(allowedPreflight.headers.get('access-control-allow-origin')).toBe(DEMO);
    expect(allowedPreflight.headers.get('access-control-allow-headers')).toContain('content-type');
    const answer = await post('/_control/block-websocket', DEMO, '{"mode":"refuse"}', 'application/json');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBe(DEMO);
    expect(answer.headers.get('vary')).toBe('origin');
    expect((await faults()).blockWebSocket).toBe('refuse');
    expect((await post('/gateways/shout/restart', DEMO, '', 'application/json')).status).toBe(200);
    expect((await post('/_control/reset', DEMO, '{}', 'application/json')).status).toBe(200);
  });

  it('answers programs (no Origin header: curl, tests, a backend) as before', async () => {
    expect((await post('/_control/block-websocket')).status).toBe(200);
    expect((await faults()).blockWebSocket).toBe('refuse');
    expect((await post('/_control/reset', undefined, '')).status).toBe(200);
    expect((await faults()).blockWebSocket).toBe('off');
  });

  it('matches origins exactly, or any port with host:*', () => {
    expect(originMatches('http://127.0.0.1:5173', 'http://127.0.0.1:5173')).toBe(true);
    expect(originMatches('http://127.0.0.1:5174', 'http://127.0.0.1:5173')).toBe(false);
    expect(originMatches('http://127.0.0.1:40123', 'http://127.0.0.1:*')).toBe(true);
    expect(originMatches('http://127.0.0.1', 'http://127.0.0.1:*')).toBe(false);
    expect(originMatches('http://localhost:40123', 'http://127.0.0.1:*')).toBe(false);
    expect(originMatches('http://127.0.0.1.evil.example:80', 'http://127.0.0.1:*')).toBe(false);
  });

  it('rejects a malformed controlOrigins option with a TypeError', () => {
    expect(() => resolveHarnessOptions({ controlOrigins: ['127.0.0.1:5173'] })).toThrow(TypeError);
    expect(() => resolveHarnessOptions({ controlOrigins: ['http://127.0.0.1:5173/page'] })).toThrow(/controlOrigins/);
    expect(resolveHarnessOptions({ controlOrigins: ['http://127.0.0.1:*', 'https://[::1]:8443'] }).controlOrigins).toHaveLength(2);
  });
});

describe('socket.io CORS', () => {
  it('answers any origin without credentials (DESIGN.md), so no page can act with the cookies of another site', async () => {
    const answer = await fetch(`${harness.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: EVIL } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
  });
});
