#!/usr/bin/env node
// `pnpm demo`: starts the harness (with fault controls, so the demo's fault buttons work) and the
// demo page's Vite dev server, then prints the URL to open. Ctrl-C stops everything.
// Flags: --harness-port N (default 8080, 0 = any free port), --port N (demo page, default 5173),
// --nodes N (default 1): N harness nodes on one throwaway Redis (ports harness-port, +1, …), one
// cluster; the page is told every node and moves from one to another when its node dies.
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { startHarnessNode } from './harness-cluster.mjs';
import { MISSING_REDIS, redisServerPath, startRedis } from './redis.mjs';

const { values } = parseArgs({
  options: {
    'harness-port': { type: 'string', default: '8080' },
    port: { type: 'string', default: '5173' },
    nodes: { type: 'string', default: '1' },
  },
  allowPositionals: true,
});
const nodeCount = Number(values.nodes);
if (!Number.isInteger(nodeCount) || nodeCount < 1 || nodeCount > 8) {
  console.error(`pnpm demo: --nodes must be a whole number from 1 to 8, got "${values.nodes}"`);
  process.exit(2);
}
if (nodeCount > 1 && !redisServerPath()) {
  console.error(`pnpm demo --nodes ${nodeCount}: the nodes share their sessions through Redis, and ${MISSING_REDIS}.\n(pnpm demo alone runs one node and needs no Redis.)`);
  process.exit(1);
}

const children = [];
const stoppers = [];
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

async function stopAll() {
  for (const child of children) {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
  await Promise.allSettled(stoppers.map((stop) => stop()));
}
process.on('SIGINT', () => void stopAll().then(() => process.exit(0)));
process.on('SIGTERM', () => void stopAll().then(() => process.exit(0)));

/** One harness (as before), or `nodeCount` harness nodes on one Redis, each with `controls`; resolves with their URLs. */
async function startHarnesses(controls) {
  const firstPort = Number(values['harness-port']);
  if (nodeCount === 1) {
    return [
      await start(
        ['--silent', '--filter', '@unisocket/harness-server', 'run', 'start', '--port', values['harness-port'], '--test-controls', ...controls],
        /unisocket harness listening on (http:\/\/\S+)/,
      ),
    ];
  }
  const redis = await startRedis();
  stoppers.push(() => redis.stop());
  const nodes = [];
  for (let i = 0; i < nodeCount; i++) {
    const label = `[node ${i + 1}] `;
    const node = await startHarnessNode(redis.url, ['--test-controls', ...controls], {
      port: firstPort === 0 ? 0 : firstPort + i,
      quiet: false,
      onOutput: (text) => process.stdout.write(text.replace(/^(?=.)/gm, label)),
    });
    stoppers.unshift(() => node.stop());
    nodes.push(node);
  }
  console.log(`\n  ${nodeCount} harness nodes on Redis ${redis.url} (one cluster for /rt):`);
  nodes.forEach((node, index) => console.log(`    node ${index + 1}: ${node.url} (pid ${node.pid}: kill -9 ${node.pid} to watch the page move on)`));
  return nodes.map((node) => node.url);
}

try {
  // The page first: its origin is the only one (besides programs such as curl) that may use the
  // harness's fault controls; any other page the user visits gets a 403 from them.
  const demoUrl = await start(
    ['--silent', '--filter', '@unisocket/demo-app', 'exec', 'vite', '--port', values.port, '--host', '127.0.0.1'],
    /Local:\s+(http:\/\/\S+)/,
  );
  const demoOrigin = new URL(demoUrl);
  const harnessUrls = await startHarnesses(['--control-origin', demoOrigin.origin, '--control-origin', `http://localhost:${demoOrigin.port}`]);
  // `:`, `/` and `,` may stand unescaped in a query: the URL stays readable.
  const url = `${demoOrigin.origin}/?server=${harnessUrls.join(',')}`;
  console.log(`\n  unisocket demo: open ${url}\n  (harness: ${harnessUrls.join(', ')}, with fault controls for this page only; Ctrl-C stops everything)`);
  console.log('  Try ?transport=auto|websocket|sse|socketio|gateway|cfml&room=lobby&nick=ada');
  if (harnessUrls.length > 1) {
    console.log('  Open it in two windows; kill the node a page is on (its Connection panel, row Node) and keep chatting:');
    console.log('  the page moves to the other node and resumes its session (the "Restart server" button acts on node 1).');
  }
  console.log('');
} catch (error) {
  console.error(String(error));
  await stopAll();
  process.exit(1);
}
