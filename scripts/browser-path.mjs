// The one place that knows how to launch Chromium here (Playwright, Vitest browser mode, benchmarks).
import { existsSync } from 'node:fs';

/** $CHROMIUM_PATH, then Debian's /usr/bin/chromium, else undefined (Playwright's own browser, where installed). */
export function chromiumPath() {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  for (const candidate of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) {
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
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
