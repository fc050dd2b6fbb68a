// Chromium for the page benchmarks: Debian's /usr/bin/chromium (or $CHROMIUM_PATH) through
// Playwright, kept off the closed network, loading a page from a tiny loopback server that serves
// the two page scripts (anchors.js always; ours.js when our client bundles). Firefox (Debian's
// firefox-esr or $FIREFOX_PATH, over WebDriver BiDi) for what differs by engine (groups/engines.ts).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium, firefox, type Browser, type CDPSession, type Page } from '@playwright/test';
import { chromiumArgs, chromiumPath, firefoxPath } from '../../scripts/browser-path.mjs';
import { bundlePageScript } from './bundler.js';

const CHROMIUM_ARGS = [
  ...chromiumArgs,
  // Timers of a headless page must not be throttled while a benchmark waits on them.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
];

export { chromiumPath, firefoxPath };

export type Engine = 'chromium' | 'firefox';

export interface BenchBrowser {
  readonly version: string;
  /** Why ours.js is missing from the page, if it is. */
  readonly oursError: string | undefined;
  /** A fresh page with window.bench ready. */
  newPage(): Promise<BenchPageHandle>;
  close(): Promise<void>;
}

export interface BenchPageHandle {
  readonly page: Page;
  /** Chrome DevTools Protocol session of the page (Performance metrics, GC); Chromium only. */
  cdp(): Promise<CDPSession>;
  /** Reloads the page: fresh storage-free module state, fresh connections. */
  reload(): Promise<void>;
  close(): Promise<void>;
}

const pageScript = (name: string) => fileURLToPath(new URL(`./page/${name}.ts`, import.meta.url));

/** The bench page in `engine` (Firefox: a stock one through `channel: 'moz-firefox'`, as playwright.config.ts drives it). */
export async function launchBenchBrowser(engine: Engine = 'chromium'): Promise<BenchBrowser> {
  const anchors = await bundlePageScript(pageScript('anchors'));
  let ours: string | undefined;
  let oursError: string | undefined;
  try {
    ours = await bundlePageScript(pageScript('ours'));
  } catch (error) {
    oursError = `MISSING: our client does not bundle: ${String((error as Error).message).split('\n').slice(0, 3).join(' ')}`;
  }
  const html = `<!doctype html><meta charset="utf-8"><title>unisocket bench</title>
<script src="/anchors.js"></script>
${ours ? '<script src="/ours.js"></script>' : ''}
<script>${oursError ? `window.bench.loadErrors.push(${JSON.stringify(oursError)});` : ''}</script>`;
  const files: Record<string, [string, string]> = {
    '/': ['text/html; charset=utf-8', html],
    '/anchors.js': ['text/javascript; charset=utf-8', anchors],
    ...(ours ? { '/ours.js': ['text/javascript; charset=utf-8', ours] as [string, string] } : {}),
  };
  const server: Server = createServer((req, res) => {
    const file = files[new URL(req.url ?? '/', 'http://x').pathname];
    if (!file) return void res.writeHead(404).end();
    // Cross-origin isolation gives performance.now() 5 µs resolution instead of 100 µs, which
    // sub-millisecond round trips need. The harness answers CORS, so fetch and EventSource still work.
    res
      .writeHead(200, {
        'content-type': file[0],
        'cache-control': 'no-store',
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-embedder-policy': 'require-corp',
        'cross-origin-resource-policy': 'same-origin',
      })
      .end(file[1]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const browser: Browser =
    engine == 'firefox'
      ? await firefox.launch({ channel: 'moz-firefox', executablePath: firefoxPath(), headless: true })
      : await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, headless: true });
  return {
    version: browser.version(),
    oursError,
    async newPage() {
      // A context per page: storage (our fallback memory in localStorage) never leaks between groups.
      const context = await browser.newContext();
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      const load = async () => {
        await page.goto(origin);
        await page.waitForFunction(() => window.bench !== undefined, undefined, { timeout: 10_000 });
        if (!(await page.evaluate(() => crossOriginIsolated))) console.error('bench: warning: the page is not cross-origin isolated, performance.now() is coarse (100 µs)');
        if (errors.length) console.error(`bench: warning: page errors: ${errors.join('; ')}`);
        await page.evaluate((list) => window.bench.loadErrors.push(...list), errors.splice(0));
      };
      await load();
      let session: CDPSession | undefined;
      return {
        page,
        async cdp() {
          session ??= await context.newCDPSession(page);
          return session;
        },
        reload: load,
        close: () => context.close(),
      };
    },
    async close() {
      await browser.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
