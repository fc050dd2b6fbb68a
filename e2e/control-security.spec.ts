import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from '@playwright/test';
import { expect, needsFaultControls, test } from './fixtures.js';
import { harnessUrl } from './servers.js';

// The harness's controls change the server for everyone (faults, restart, gateway stop). In these
// specs it allows pages of http://127.0.0.1:* (the demo's origin) and nobody else: a page the user
// happens to visit must not reach them, whatever it sends. Here a real page on another origin
// (http://localhost:PORT, a server of this spec) tries every request a page can send without asking
// for permission, and one that asks (a JSON POST: a CORS preflight first).

let site: Server;
let port: number;
test.beforeAll(async () => {
  site = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>some other site</title><p>hello</p>'));
  await new Promise<void>((listening) => site.listen(0, '127.0.0.1', listening));
  port = (site.address() as AddressInfo).port;
});
test.afterAll(() => new Promise<void>((closed) => site.close(() => closed())));

/** What a page of `origin` gets for each request a page can make without the server's permission. */
async function attack(page: Page, origin: string): Promise<number[]> {
  await page.goto(`${origin}/`);
  const server = harnessUrl();
  const statuses: number[] = [];
  const answered = (path: string) => page.waitForResponse((response) => response.url().startsWith(`${server}${path}`) && response.request().method() === 'POST');
  const attempts: [string, (server: string) => void][] = [
    // fetch without CORS, text/plain: no preflight; the page cannot read the answer, but it is sent.
    ['/_control/block-websocket', (base) => void fetch(`${base}/_control/block-websocket?mode=refuse`, { method: 'POST', mode: 'no-cors', body: '{"mode":"refuse"}' })],
    // A beacon: fire and forget, text/plain.
    ['/gateways/chat/stop', (base) => void navigator.sendBeacon(`${base}/gateways/chat/stop`, 'stop')],
    // An HTML form: the oldest way to make a browser POST to anywhere (last: a restart it got through would take the server down).
    [
      '/_control/restart',
      (base) => {
        const frame = Object.assign(document.createElement('iframe'), { name: 'sink' });
        const form = Object.assign(document.createElement('form'), { method: 'POST', action: `${base}/_control/restart?downMs=100`, target: 'sink' });
        document.body.append(frame, form);
        form.submit();
      },
    ],
  ];
  for (const [path, send] of attempts) {
    const response = answered(path);
    await page.evaluate(send, server);
    statuses.push((await response).status());
  }
  return statuses;
}

test('a page of another origin cannot use the controls or stop a gateway, however it sends', async ({ browser, harness }) => {
  needsFaultControls();
  const page = await browser.newPage();
  try {
    expect(await attack(page, `http://localhost:${port}`)).toEqual([403, 403, 403]);
    // Asking first (JSON: a CORS preflight) gets no permission either: the POST is never sent.
    const preflighted = await page.evaluate(
      (base) =>
        fetch(`${base}/gateways/shout/stop`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).then(
          (response) => `answered ${response.status}`,
          () => 'blocked by the browser',
        ),
      harnessUrl(),
    );
    expect(preflighted).toBe('blocked by the browser');
  } finally {
    await page.close();
  }
  // Nothing changed on the server: no fault, no restart, both gateways running.
  const faults = (await (await harness.request.get(`${harnessUrl()}/_control/faults`)).json()) as { faults: { blockWebSocket: string } };
  expect(faults.faults.blockWebSocket).toBe('off');
  for (const id of ['chat', 'shout']) {
    expect(((await (await harness.request.get(`${harnessUrl()}/gateways/${id}`)).json()) as { state: string }).state).toBe('running');
  }
});

test('the same requests from an allowed origin (the demo page) do reach the controls', async ({ browser, harness }) => {
  needsFaultControls();
  const page = await browser.newPage();
  try {
    // The attack above would be seen to succeed: this page's origin is allowed.
    expect(await attack(page, `http://127.0.0.1:${port}`)).toEqual([200, 200, 200]);
  } finally {
    await page.close();
  }
  await expect.poll(async () => (await harness.request.get(`${harnessUrl()}/healthz`).catch(() => undefined))?.ok() ?? false).toBe(true);
  const faults = (await (await harness.request.get(`${harnessUrl()}/_control/faults`)).json()) as { faults: { blockWebSocket: string } };
  expect(faults.faults.blockWebSocket).toBe('refuse');
  expect((await harness.request.post(`${harnessUrl()}/gateways/chat/start`)).ok()).toBe(true);
});
