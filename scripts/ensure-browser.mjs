#!/usr/bin/env node
// Makes sure a Chromium exists for Playwright. Playwright cannot download its own browser on
// closed networks, so on Debian/Ubuntu (as root) we install the distribution's package.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';
import { chromiumPath } from './browser-path.mjs';

function playwrightHasOwnBrowser() {
  try {
    return existsSync(chromium.executablePath());
  } catch {
    return false;
  }
}

if (chromiumPath() || playwrightHasOwnBrowser()) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
if (!isRoot || !hasApt) {
  console.error('No Chromium found. Install one (Debian: `sudo apt-get install -y chromium`) or set CHROMIUM_PATH.');
  process.exit(1);
}
console.log('Installing Debian Chromium for Playwright (apt-get install -y chromium)…');
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
for (const args of [['update', '-qq'], ['install', '-y', '-qq', 'chromium']]) {
  const result = spawnSync('apt-get', args, { stdio: 'inherit', env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
process.exit(chromiumPath() ? 0 : 1);
