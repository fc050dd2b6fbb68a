// WebKit (Safari's engine) for one test run: an Xvfb display and a WebKitWebDriver, both on free
// numbers, started together and stopped together. Debian ships the engine as WebKitGTK's MiniBrowser
// with a W3C WebDriver (`apt-get install -y webkit2gtk-driver xvfb`); Playwright cannot drive it,
// WebdriverIO can (the client's Vitest browser project and e2e-webkit/ both start it through here).
//
// Nothing outlives the run (processes.mjs: a process group each, so stop() ends the browsers the
// driver launched too, and a parent-death signal), and Xvfb picks its display with -displayfd, the
// first whose socket it can bind: no fixed :99 to collide on, no lock of a dead server in the way.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { launch, startTogether } from './processes.mjs';

const INSTALL_HINT = 'Debian/Ubuntu: apt-get install -y webkit2gtk-driver xvfb';

/** An executable named `name` on $PATH, else undefined. */
function onPath(name) {
  return (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, name)).find((path) => existsSync(path));
}

/** $WEBKIT_PATH, else WebKitGTK's MiniBrowser (Debian: /usr/lib/<arch>/webkit2gtk-4.1/MiniBrowser). */
export function webkitPath() {
  const fromEnv = process.env.WEBKIT_PATH;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  const roots = ['/usr/lib', '/usr/libexec', '/usr/lib64'];
  for (const root of roots) {
    if (!existsSync(root)) continue;
    for (const dir of ['', ...readdirSync(root)]) {
      for (const api of ['webkit2gtk-4.1', 'webkit2gtk-4.0', 'webkitgtk-6.0']) {
        const candidate = join(root, dir, api, 'MiniBrowser');
        if (existsSync(candidate)) return candidate;
      }
    }
  }
  return undefined;
}

/** Why WebKit cannot run here (a sentence with the fix), or undefined when it can. */
export function webkitMissing() {
  const missing = [['WebKitWebDriver', onPath('WebKitWebDriver')], ['Xvfb', onPath('Xvfb')], ['MiniBrowser', webkitPath()]]
    .filter(([, path]) => !path)
    .map(([name]) => name);
  return missing.length ? `WebKit is not installed (${missing.join(', ')} not found). ${INSTALL_HINT}, or set WEBKIT_PATH to a MiniBrowser.` : undefined;
}

/**
 * WebKitWebDriver matches the capability `browserName` against the binary's file name, and Vitest's
 * WebdriverIO provider always asks for `safari`: a symlink named `safari` to MiniBrowser satisfies both.
 * One fixed path per user, replaced atomically, so nothing accumulates and parallel runs share it.
 */
function safariLink(miniBrowser) {
  const dir = join(tmpdir(), `unisocket-webkit-${process.getuid?.() ?? 'user'}`);
  mkdirSync(dir, { recursive: true });
  const link = join(dir, 'safari');
  const staging = join(dir, `safari.${process.pid}`);
  rmSync(staging, { force: true });
  symlinkSync(miniBrowser, staging);
  renameSync(staging, link);
  return link;
}

/** Xvfb on the first free display (it writes the number to fd 3 once it accepts connections). */
const launchXvfb = () => launch('Xvfb', ['-displayfd', '3', '-nolisten', 'tcp', '-screen', '0', '1280x1024x24'], { extraFds: 1 });

/** The display number Xvfb reports, once ready. */
function displayOf(xvfb) {
  return new Promise((resolve, reject) => {
    let text = '';
    xvfb.child.stdio[3].setEncoding('utf8');
    xvfb.child.stdio[3].on('data', (chunk) => {
      text += chunk;
      if (text.includes('\n')) resolve(Number(text.trim()));
    });
    void xvfb.exited.then((status) => reject(new Error(`Xvfb exited (${status}) before it was ready:\n${xvfb.output()}`)));
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once the driver's /status says ready; rejects if it exits first or `timeoutMs` passes. */
async function driverReady(driver, url, timeoutMs) {
  let exited = false;
  void driver.exited.then(() => (exited = true));
  const deadline = Date.now() + timeoutMs;
  while (!exited && Date.now() < deadline) {
    const status = await fetch(`${url}/status`).then((response) => response.json(), () => undefined);
    if (status?.value?.ready) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`WebKitWebDriver ${exited ? 'exited' : `was not ready within ${timeoutMs} ms`} on ${url}:\n${driver.output()}`);
}

/**
 * @typedef {object} WebKitDriver
 * @property {string} hostname always 127.0.0.1
 * @property {number} port the driver's port
 * @property {number} display the Xvfb display number the browsers draw on
 * @property {Record<string, unknown>} capabilities W3C capabilities for a new session (browserName `safari`)
 * @property {() => Promise<void>} stop ends the driver, every browser it launched, and Xvfb; idempotent
 */

/**
 * Starts Xvfb and WebKitWebDriver on free numbers. Throws with the install command when WebKit is
 * missing. Call stop() when done (also done on process exit, and by the kernel if this process dies).
 * @returns {Promise<WebKitDriver>}
 */
export async function startWebKitDriver() {
  const missing = webkitMissing();
  if (missing) throw new Error(missing);
  const binary = safariLink(webkitPath());
  return startTogether(async (running) => {
    const xvfb = launchXvfb();
    running.push(xvfb);
    const display = await displayOf(xvfb);
    // The port is free when asked and taken a moment later by the driver: another process may win
    // the race, so try a few.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const driver = launch('WebKitWebDriver', [`--port=${port}`, '--host=127.0.0.1'], { env: { ...process.env, DISPLAY: `:${display}` } });
      running.push(driver);
      try {
        await driverReady(driver, url, 15_000);
        const capabilities = { browserName: 'safari', 'webkitgtk:browserOptions': { binary, args: ['--automation'] } };
        return { hostname: '127.0.0.1', port, display, capabilities };
      } catch (error) {
        await running.pop().stop();
        if (attempt === 3) throw error;
      }
    }
  });
}
