import { expect, test } from './fixtures.js';
import { demoUrl, harnessUrl } from './servers.js';

test('the harness answers its health check', async ({ request }) => {
  const response = await request.get(`${harnessUrl()}/healthz`);
  expect(response.status()).toBe(200);
  expect(await response.json()).toEqual({ ok: true });
});

test('the demo page loads and connects to the server', async ({ page }) => {
  await page.goto(demoUrl());
  await expect(page.getByTestId('conn-state')).toHaveText('open');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('#lobby');
});
