import { expect, test } from '@playwright/test';
import { demoUrl, harnessUrl } from './servers';

test('the harness answers its health check', async ({ request }) => {
  const response = await request.get(`${harnessUrl()}/healthz`);
  expect(response.status()).toBe(200);
  expect(await response.json()).toEqual({ ok: true });
});

test('the demo page loads and reaches the harness', async ({ page }) => {
  await page.goto(demoUrl());
  await expect(page.locator('#status')).toContainText('is up');
});
