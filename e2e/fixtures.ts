import { test as base, expect, type APIRequestContext, type BrowserContext, type Page, type TestInfo } from '@playwright/test';
import { HARNESS_LISTENING, launchHarness } from './harness.js';
import { demoUrl, harnessUrl, hasFaultControls } from './servers.js';

/** The demo's transport modes (`?transport=`). */
export type Transport = 'auto' | 'websocket' | 'sse' | 'socketio' | 'gateway' | 'cfml';
/** What the connection panel shows as the transport in use (a pattern where more than one is right). */
export type TransportKind = 'websocket' | 'sse' | 'polling' | RegExp;

/**
 * The transports this run covers: every one by default; `UNISOCKET_E2E_TRANSPORTS=auto,websocket,sse`
 * narrows it, for a server that implements only part of the harness contract.
 */
export function transports(applicable: readonly Transport[]): Transport[] {
  const only = process.env.UNISOCKET_E2E_TRANSPORTS?.split(',').map((name) => name.trim());
  return applicable.filter((transport) => !only || only.includes(transport));
}

/** The carrier each mode ends up on when nothing is broken. */
export const expectedKind: Record<Transport, TransportKind> = {
  auto: 'websocket',
  websocket: 'websocket',
  sse: 'sse',
  // Engine.IO starts on long-polling and upgrades that session in place (the panel then shows
  // `websocket`, the endpoint stays the polling one); a refused upgrade leaves it on `polling`.
  socketio: /^(polling|websocket)$/,
  gateway: 'websocket',
  cfml: 'sse',
};

/**
 * Tuning passed to the page for the specs: a 1 s heartbeat grace (the harness sends a heartbeat every
 * second in this suite), a short fallback delay and a 1 s backoff ceiling, so faults resolve quickly.
 */
const SPEC_TUNING = { heartbeatTimeoutMs: '1000', fallbackDelayMs: '500', maxDelayMs: '1000', rttIntervalMs: '1000' };

/** A room name of its own per test, so tests never hear each other. */
export function uniqueRoom(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`.slice(0, 32);
}

/** One person's chat page, in its own browser context. */
export class ChatPage {
  /** Dialogs the page opened (an `alert()` from injected markup would land here). */
  readonly dialogs: string[] = [];

  constructor(
    readonly page: Page,
    readonly context: BrowserContext,
    readonly nick: string,
  ) {
    page.on('dialog', (dialog) => {
      this.dialogs.push(dialog.message());
      void dialog.dismiss();
    });
  }

  field(name: string) {
    return this.page.getByTestId(`conn-${name}`);
  }

  /** Types `text` into the composer and presses Enter. */
  async send(text: string): Promise<void> {
    const input = this.page.getByTestId('composer-input');
    await input.fill(text);
    await input.press('Enter');
  }

  async sendAll(texts: readonly string[]): Promise<void> {
    for (const text of texts) await this.send(text);
  }

  /** The chat message whose text is exactly `text`. */
  message(text: string) {
    return this.page.getByTestId('message').filter({ has: this.page.getByTestId('message-text').getByText(text, { exact: true }) });
  }

  /** The text of every chat message, in page order. */
  texts(): Promise<string[]> {
    return this.page.getByTestId('message-text').allTextContents();
  }

  /** The chat messages whose text starts with `prefix`, in page order. */
  async textsStartingWith(prefix: string): Promise<string[]> {
    return (await this.texts()).filter((text) => text.startsWith(prefix));
  }

  /** Waits until the messages starting with `prefix` are exactly `expected`, in order (nothing lost, nothing twice). */
  async expectSequence(prefix: string, expected: readonly string[], timeout = 15_000): Promise<void> {
    await expect.poll(() => this.textsStartingWith(prefix), { timeout, message: `${this.nick} sees the ${prefix} messages in order` }).toEqual(expected);
  }

  /** The status of each of the page's own messages, in page order. */
  ownStatuses(): Promise<string[]> {
    return this.page.locator('[data-testid=message][data-status]').evaluateAll((items) => items.map((item) => (item as HTMLElement).dataset.status ?? ''));
  }

  async expectOpen(kind?: TransportKind, timeout = 10_000): Promise<void> {
    await expect(this.field('state')).toHaveText('open', { timeout });
    if (kind) await expect(this.field('transport')).toHaveText(kind);
  }

  async expectState(state: string, timeout = 10_000): Promise<void> {
    await expect(this.field('state')).toHaveText(state, { timeout });
  }

  /** The connection event log's entries of one kind (`open`, `fallback`, `close`, …), newest first. */
  events(kind: string): Promise<string[]> {
    return this.page.locator(`[data-testid=event][data-kind=${kind}] .event-text`).allTextContents();
  }

  /** When the page logged each connection event of one kind whose text is `text` (ms since the epoch, by the page's clock), newest first. */
  async loggedAt(kind: string, text: string): Promise<number[]> {
    const entries = await this.page
      .locator(`[data-testid=event][data-kind=${kind}]`)
      .evaluateAll((items) => items.map((item) => ({ text: item.querySelector('.event-text')?.textContent, at: item.querySelector('time')?.getAttribute('datetime') })));
    return entries.filter((entry) => entry.text === text).map((entry) => Date.parse(entry.at ?? ''));
  }

  /** Until the server acknowledged the page's `join` (envelope and Socket.IO chats). */
  async expectJoined(): Promise<void> {
    await expect(this.page.getByTestId('notice').filter({ hasText: /^You joined / })).toHaveCount(1);
  }

  /** Until `nick` is in the page's member list (envelope presence). */
  async expectMember(nick: string): Promise<void> {
    await expect(this.page.getByTestId('member').filter({ hasText: nick })).toHaveCount(1);
  }

  /** Saves a screenshot of the page as a test artifact (in the HTML report and in test-results). */
  async screenshot(testInfo: TestInfo, name: string, fullPage = false): Promise<void> {
    const path = testInfo.outputPath(`${name}.png`);
    await this.page.screenshot({ path, fullPage, animations: 'disabled', caret: 'hide' });
    await testInfo.attach(name, { path, contentType: 'image/png' });
  }
}

export interface OpenChatOptions {
  transport: Transport;
  room: string;
  nick: string;
  /** More query parameters (tuning knobs). */
  query?: Record<string, string>;
  viewport?: { width: number; height: number };
}

export interface Harness {
  /** `POST /_control/{action}` on the harness; fails the test on an error answer. */
  control(action: string, params?: Record<string, string>): Promise<Record<string, unknown>>;
  /**
   * Restarts the harness and holds it down (every connection dropped, new ones refused) until the test
   * calls `release()`, which resolves once it listens again: no timer races the test, however busy the
   * machine. A restart still held when the test ends is released then.
   */
  restart(): Promise<{ release(): Promise<void> }>;
  request: APIRequestContext;
}

interface Fixtures {
  /** Opens the demo in a new browser context (a separate person); every context is closed after the test. */
  openChat(options: OpenChatOptions): Promise<ChatPage>;
  /** Fault injection; every fault is reset after the test. */
  harness: Harness;
}

interface WorkerFixtures {
  /**
   * A harness of this worker's own (e2e/harness.ts), started before its first test: the workers run
   * side by side, and one's faults (a restart, a black hole, WebSocket refused) must not reach another's
   * pages. Its port goes into UNISOCKET_HARNESS_PORT for `harnessUrl()`. None against another server.
   */
  workerHarness: void;
}

export const test = base.extend<Fixtures, WorkerFixtures>({
  workerHarness: [
    // Playwright reads a fixture's dependencies from its first parameter, which must be a pattern.
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      if (!hasFaultControls) return use();
      const harness = launchHarness();
      try {
        const [, port] = await harness.waitFor(HARNESS_LISTENING, 60_000);
        process.env.UNISOCKET_HARNESS_PORT = port;
        await use();
      } finally {
        await harness.stop();
      }
    },
    { scope: 'worker', auto: true },
  ],
  openChat: async ({ browser }, use) => {
    const contexts: BrowserContext[] = [];
    await use(async ({ transport, room, nick, query, viewport }) => {
      const context = await browser.newContext(viewport ? { viewport } : {});
      contexts.push(context);
      const page = await context.newPage();
      const chat = new ChatPage(page, context, nick);
      await page.goto(demoUrl({ ...SPEC_TUNING, transport, room, nick, ...query }));
      return chat;
    });
    await Promise.all(contexts.map((context) => context.close()));
  },
  harness: async ({ request }, use) => {
    const control = async (action: string, params: Record<string, string> = {}) => {
      const query = new URLSearchParams(params).toString();
      const response = await request.post(`${harnessUrl()}/_control/${action}${query ? `?${query}` : ''}`);
      expect(response.ok(), `POST /_control/${action} answered ${response.status()}`).toBe(true);
      return (await response.json()) as Record<string, unknown>;
    };
    const held = new Set<string>();
    const release = async (url: string) => {
      if (!held.delete(url)) return;
      const response = await request.post(url);
      expect(response.ok(), `the release of a held restart answered ${response.status()}`).toBe(true);
    };
    const restart = async () => {
      const { release: url } = await control('restart', { hold: 'true' });
      if (typeof url !== 'string') throw new Error('the harness did not answer a release URL for restart?hold=true');
      held.add(url);
      return { release: () => release(url) };
    };
    await use({ control, restart, request });
    for (const url of held) await release(url);
    if (hasFaultControls) {
      // Leave the harness as the next test expects it: no fault, and listening (after a restart).
      await expect.poll(async () => (await request.get(`${harnessUrl()}/healthz`).catch(() => undefined))?.ok() ?? false).toBe(true);
      await control('reset');
    }
  },
});

export { expect };

/** For specs that inject faults: they skip themselves against a server other than the harness. */
export function needsFaultControls(): void {
  test.skip(!hasFaultControls, 'needs the harness fault controls (/_control): not available on UNISOCKET_SERVER_URL');
}

/**
 * A lost network, as a lost Wi-Fi is: the browser goes offline and what it had open carries nothing
 * more. `context.setOffline(true)` alone is only half of it in some browsers: Chromium stalls an open
 * WebSocket or SSE stream, but Firefox (WebDriver BiDi's emulated offline) only fails new requests and
 * fires `offline`, and an open WebSocket keeps carrying frames both ways. So against the harness the
 * open connections are black-holed too (every page's: the others are back within their heartbeat
 * deadline); against another server the test is skipped in Firefox.
 */
export async function loseNetwork(page: ChatPage, harness: Harness): Promise<void> {
  const firefox = page.context.browser()?.browserType().name() === 'firefox';
  test.skip(firefox && !hasFaultControls, "Firefox's emulated offline leaves open WebSockets working: only the harness can silence them");
  await page.context.setOffline(true);
  if (hasFaultControls) await harness.control('blackhole');
}

/**
 * The network is back: what the partition left open is closed first (`reset`, as a browser drops its
 * pooled connections when the network changes; a dead keep-alive connection would otherwise carry the
 * next request into the hole), then the browser is online. Every other fault is reset with it.
 */
export async function regainNetwork(page: ChatPage, harness: Harness): Promise<void> {
  if (hasFaultControls) await harness.control('reset');
  await page.context.setOffline(false);
}

/**
 * Ann and Ben in one room over `transport`, both connected and joined (Ben after Ann, so each hears the
 * other from the first message on).
 */
export async function openPair(openChat: Fixtures['openChat'], transport: Transport, room: string, query?: Record<string, string>): Promise<[ChatPage, ChatPage]> {
  const pages: ChatPage[] = [];
  for (const nick of ['ann', 'ben']) {
    const page = await openChat({ transport, room, nick, ...(query && { query }) });
    await page.expectOpen(expectedKind[transport]);
    if (transport !== 'gateway' && transport !== 'cfml') await page.expectJoined();
    pages.push(page);
  }
  return pages as [ChatPage, ChatPage];
}

/** `prefix-1` … `prefix-n`. */
export function numbered(prefix: string, from: number, to: number): string[] {
  return Array.from({ length: to - from + 1 }, (_, index) => `${prefix}-${from + index}`);
}
