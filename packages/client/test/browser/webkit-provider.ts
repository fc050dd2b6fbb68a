// Runs in Node, in Vitest: WebKit (WebKitGTK's MiniBrowser, Safari's engine) as a Vitest browser
// provider. It is @vitest/browser-webdriverio's own provider, which owns its WebKitWebDriver and Xvfb:
// started when the browser first opens (so a run filtered to other browsers starts nothing), stopped
// when Vitest closes the provider. scripts/webkit-driver.mjs says how nothing outlives a failed run.
import { WebdriverBrowserProvider, webdriverio, type WebdriverProviderOptions } from '@vitest/browser-webdriverio';
import type { BrowserProvider, BrowserProviderOption, TestProject } from 'vitest/node';
import { startWebKitDriver, type WebKitDriver } from '../../../../scripts/webkit-driver.mjs';

class WebKitProvider extends WebdriverBrowserProvider {
  #driver: Promise<WebKitDriver> | undefined;

  constructor(
    project: TestProject,
    // The provider reads its options when it opens the browser: the driver's port is filled in first.
    private readonly connection: WebdriverProviderOptions,
  ) {
    super(project, connection);
  }

  override async openBrowser(): Promise<WebdriverIO.Browser> {
    this.#driver ??= startWebKitDriver();
    const driver = await this.#driver;
    Object.assign(this.connection, { hostname: driver.hostname, port: driver.port, capabilities: driver.capabilities });
    return super.openBrowser();
  }

  override async close(): Promise<void> {
    try {
      await super.close();
    } finally {
      const driver = this.#driver;
      this.#driver = undefined;
      await driver?.then((started) => started.stop(), () => undefined);
    }
  }
}

/** The `webkit` browser instance's provider (the instance's `browser` is `safari`, Vitest's name for WebKit). */
export function webkit(): BrowserProviderOption<WebdriverProviderOptions> {
  const options: WebdriverProviderOptions = { logLevel: 'silent' };
  // The cast: Playwright's and WebdriverIO's providers both augment vitest/node's CDPSession type, and
  // with both installed WebdriverIO's own class no longer matches the merged type (it is what
  // webdriverio() returns at run time all the same).
  return { ...webdriverio(options), providerFactory: (project) => new WebKitProvider(project, options) as unknown as BrowserProvider };
}
