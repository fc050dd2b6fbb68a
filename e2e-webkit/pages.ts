import type { Browser as Chromium } from '@playwright/test';
import { remote } from 'webdriverio';
import type { WebKitDriver } from '../scripts/webkit-driver.mjs';

/** The engines these specs put people in. */
export type Engine = 'webkit' | 'chromium';

/**
 * One person's browser tab, whichever engine and driver: WebKit over W3C WebDriver (WebdriverIO),
 * Chromium over Playwright. ChatPage speaks the demo's language on top of these few verbs.
 */
export interface BrowserPage {
  readonly engine: Engine;
  goto(url: string): Promise<void>;
  /** Runs `script` in the page with `args` (serialized: the function must not close over anything). */
  evaluate<R, A extends unknown[]>(script: (...args: A) => R, ...args: A): Promise<R>;
  /** Types `text` into the field with this `data-testid` (replacing what it held) and presses Enter. */
  submit(testId: string, text: string): Promise<void>;
  /** Closes the tab and everything it holds (a WebKit session ends its MiniBrowser). */
  close(): Promise<void>;
}

/** A new WebKit session: its own MiniBrowser process, so storage and connections start empty. */
export async function openWebKitPage(driver: Pick<WebKitDriver, 'hostname' | 'port' | 'capabilities'>): Promise<BrowserPage> {
  const browser = await remote({ hostname: driver.hostname, port: driver.port, capabilities: driver.capabilities, logLevel: 'silent' });
  return {
    engine: 'webkit',
    goto: async (url) => void (await browser.url(url)),
    evaluate: (script, ...args) => browser.execute(script as (...args: unknown[]) => never, ...args),
    async submit(testId, text) {
      await browser.$(`[data-testid="${testId}"]`).setValue(text);
      await browser.keys('Enter');
    },
    close: () => browser.deleteSession(),
  };
}

/** A new Chromium context (a separate person: its own storage) with one page. */
export async function openChromiumPage(chromium: Chromium): Promise<BrowserPage> {
  const context = await chromium.newContext();
  const page = await context.newPage();
  return {
    engine: 'chromium',
    goto: async (url) => void (await page.goto(url)),
    // As WebDriver does: the function's source, called with the arguments as JSON.
    evaluate: (script, ...args) => page.evaluate(`(${String(script)}).apply(null, ${JSON.stringify(args)})`),
    async submit(testId, text) {
      const field = page.getByTestId(testId);
      await field.fill(text);
      await field.press('Enter');
    },
    close: () => context.close(),
  };
}
