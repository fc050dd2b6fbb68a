import { chromium as playwrightChromium, type Browser } from '@playwright/test';
import { expect, inject, test as base } from 'vitest';
import { chromiumArgs, chromiumPath } from '../scripts/browser-path.mjs';
import type { Transport } from '../e2e/fixtures.js';
import { demoUrl, harnessUrl } from '../e2e/servers.js';
import { ChatPage } from './chat-page.js';
import { openChromiumPage, openWebKitPage, type BrowserPage, type Engine } from './pages.js';

// These specs always run against the harness global-setup.ts started (they inject its faults);
// e2e/servers.ts builds the URLs from the same variables Playwright's webServer sets for e2e/.
delete process.env.UNISOCKET_SERVER_URL;
process.env.UNISOCKET_HARNESS_PORT = inject('ports').harness;
process.env.UNISOCKET_DEMO_PORT = inject('ports').demo;

/** The page tuning e2e/fixtures.ts passes too: 1 s heartbeat grace, short fallback delay, 1 s backoff ceiling. */
const SPEC_TUNING = { heartbeatTimeoutMs: '1000', fallbackDelayMs: '500', maxDelayMs: '1000', rttIntervalMs: '1000' };

export interface OpenChatOptions {
  /** The engine this person's page runs in. */
  engine: Engine;
  transport: Transport;
  room: string;
  nick: string;
  /** More query parameters (tuning knobs). */
  query?: Record<string, string>;
}

export interface Harness {
  /** `POST /_control/{action}` on the harness; fails the test on an error answer. */
  control(action: string, params?: Record<string, string>): Promise<Record<string, unknown>>;
  /**
   * Restarts the harness and holds it down until the test calls `release()`, which resolves once it
   * listens again (as in e2e/fixtures.ts): no timer races the test. A restart still held when the test
   * ends is released then.
   */
  restart(): Promise<{ release(): Promise<void> }>;
}

interface Fixtures {
  /** Opens the demo for one person in `engine` (a WebKit session or a Chromium context of their own); all closed after the test. */
  openChat(options: OpenChatOptions): Promise<ChatPage>;
  /** Fault injection; every fault is reset after the test. */
  harness: Harness;
}

async function control(action: string, params: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const query = new URLSearchParams(params).toString();
  const response = await fetch(`${harnessUrl()}/_control/${action}${query ? `?${query}` : ''}`, { method: 'POST' });
  expect(response.ok, `POST /_control/${action} answered ${response.status}`).toBe(true);
  return (await response.json()) as Record<string, unknown>;
}

export const test = base.extend<Fixtures & { chromium: Browser }>({
  // One Chromium per spec file; each person gets a context of their own.
  chromium: [
    // eslint-disable-next-line no-empty-pattern -- Vitest reads a fixture's dependencies from this pattern
    async ({}, use) => {
      const browser = await playwrightChromium.launch({ executablePath: chromiumPath(), args: [...chromiumArgs] });
      await use(browser);
      await browser.close();
    },
    { scope: 'file' },
  ],
  openChat: async ({ chromium }, use) => {
    const pages: BrowserPage[] = [];
    await use(async ({ engine, transport, room, nick, query }) => {
      const page = engine === 'webkit' ? await openWebKitPage(inject('webkit')) : await openChromiumPage(chromium);
      pages.push(page);
      await page.goto(demoUrl({ ...SPEC_TUNING, transport, room, nick, ...query }));
      return new ChatPage(page, nick);
    });
    await Promise.all(pages.map((page) => page.close()));
  },
  // eslint-disable-next-line no-empty-pattern -- as above
  harness: async ({}, use) => {
    const held = new Set<string>();
    const release = async (url: string) => {
      if (!held.delete(url)) return;
      const response = await fetch(url, { method: 'POST' });
      expect(response.ok, `the release of a held restart answered ${response.status}`).toBe(true);
    };
    const restart = async () => {
      const { release: url } = await control('restart', { hold: 'true' });
      if (typeof url !== 'string') throw new Error('the harness did not answer a release URL for restart?hold=true');
      held.add(url);
      return { release: () => release(url) };
    };
    await use({ control, restart });
    for (const url of held) await release(url);
    // Leave the harness as the next test expects it: no fault, and listening (after a restart).
    await expect.poll(async () => (await fetch(`${harnessUrl()}/healthz`).catch(() => undefined))?.ok ?? false, { timeout: 15_000 }).toBe(true);
    await control('reset');
  },
});

export { expect };
