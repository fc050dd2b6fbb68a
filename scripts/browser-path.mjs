// Where the Chromium for Playwright lives: $CHROMIUM_PATH, then Debian's /usr/bin/chromium,
// else undefined (Playwright's own downloaded browser, where one is installed).
import { existsSync } from 'node:fs';

export function chromiumPath() {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  for (const candidate of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) {
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}
