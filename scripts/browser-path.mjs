// The one place that knows how to launch the browsers here (Playwright, Vitest browser mode, benchmarks).
import { existsSync } from 'node:fs';

/** The first of `$envName`, then `candidates`, that exists; else undefined. */
function firstExisting(envName, candidates) {
  const fromEnv = process.env[envName];
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  return candidates.find((candidate) => existsSync(candidate));
}

/** $CHROMIUM_PATH, then Debian's /usr/bin/chromium, else undefined (Playwright's own browser, where installed). */
export function chromiumPath() {
  return firstExisting('CHROMIUM_PATH', ['/usr/bin/chromium', '/usr/bin/chromium-browser']);
}

/**
 * $FIREFOX_PATH, then Debian's /usr/bin/firefox-esr (or a /usr/bin/firefox), else undefined. A stock
 * Firefox is driven over WebDriver BiDi (Playwright's `channel: 'moz-firefox'`), not Playwright's own build.
 */
export function firefoxPath() {
  return firstExisting('FIREFOX_PATH', ['/usr/bin/firefox-esr', '/usr/bin/firefox']);
}

/** Launch flags that keep Chromium off the closed network (see TOOLCHAIN.md) and sandbox-free as root. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
];
