#!/usr/bin/env node
// Makes sure the browsers of the e2e suite exist: Chromium (also for the client's browser-mode Vitest
// project) and Firefox. Playwright cannot download its own browsers on closed networks, so on
// Debian/Ubuntu (as root) we install the distribution's packages: chromium and firefox-esr.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, firefox } from '@playwright/test';
import { chromiumPath, firefoxPath } from './browser-path.mjs';

function playwrightHasOwn(browser) {
  try {
    return existsSync(browser.executablePath());
  } catch {
    return false;
  }
}

const missing = [
  ...(chromiumPath() || playwrightHasOwn(chromium) ? [] : ['chromium']),
  ...(firefoxPath() || playwrightHasOwn(firefox) ? [] : ['firefox-esr']),
];
if (missing.length === 0) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
if (!isRoot || !hasApt) {
  console.error(
    `Missing browser(s): ${missing.join(', ')}. Install them (Debian: \`sudo apt-get install -y ${missing.join(' ')}\`) or set CHROMIUM_PATH / FIREFOX_PATH.`,
  );
  process.exit(1);
}
console.log(`Installing Debian's ${missing.join(' and ')} for Playwright (apt-get install -y ${missing.join(' ')})…`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
for (const args of [['update', '-qq'], ['install', '-y', '-qq', ...missing]]) {
  const result = spawnSync('apt-get', args, { stdio: 'inherit', env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
process.exit(chromiumPath() && firefoxPath() ? 0 : 1);
