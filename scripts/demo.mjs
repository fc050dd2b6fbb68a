#!/usr/bin/env node
// `pnpm demo`: starts the harness (with fault controls, so the demo's fault buttons work) and the
// demo page's Vite dev server, then prints the URL to open. Ctrl-C stops both.
// Flags: --harness-port N (default 8080, 0 = any free port), --port N (demo page, default 5173).
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { 'harness-port': { type: 'string', default: '8080' }, port: { type: 'string', default: '5173' } },
  allowPositionals: true,
});

const children = [];
function start(args, pattern) {
  return new Promise((resolve, reject) => {
    const child = spawn('pnpm', args, { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
    children.push(child);
    let buffer = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      buffer += chunk.toString();
      // eslint-disable-next-line no-control-regex -- strip ANSI colours before matching
      const match = buffer.replace(/\x1b\[[0-9;]*m/g, '').match(pattern);
      if (match) resolve(match[1]);
    });
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
  });
}

function stopAll() {
  for (const child of children) {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
}
process.on('SIGINT', () => (stopAll(), process.exit(0)));
process.on('SIGTERM', () => (stopAll(), process.exit(0)));

try {
  // The page first: its origin is the only one (besides programs such as curl) that may use the
  // harness's fault controls; any other page the user visits gets a 403 from them.
  const demoUrl = await start(
    ['--silent', '--filter', '@unisocket/demo-app', 'exec', 'vite', '--port', values.port, '--host', '127.0.0.1'],
    /Local:\s+(http:\/\/\S+)/,
  );
  const demoOrigin = new URL(demoUrl);
  const harnessUrl = await start(
    [
      ...['--silent', '--filter', '@unisocket/harness-server', 'run', 'start', '--port', values['harness-port'], '--test-controls'],
      ...['--control-origin', demoOrigin.origin, '--control-origin', `http://localhost:${demoOrigin.port}`],
    ],
    /unisocket harness listening on (http:\/\/\S+)/,
  );
  // `:` and `/` may stand unescaped in a query: the URL stays readable.
  const url = `${new URL(demoUrl).origin}/?server=${harnessUrl}`;
  console.log(`\n  unisocket demo: open ${url}\n  (harness: ${harnessUrl}, with fault controls for this page only; Ctrl-C stops both)`);
  console.log('  Try ?transport=auto|websocket|sse|socketio|gateway|cfml&room=lobby&nick=ada\n');
} catch (error) {
  console.error(String(error));
  stopAll();
  process.exit(1);
}
