// The one place that knows how to run a throwaway Redis here (server and harness cluster tests, e2e,
// the demo, benchmarks): Debian's `redis-server` in the foreground on a free port, no persistence,
// stopped by PID. Never the system service, never a mock.
import { Buffer } from 'node:buffer';
import { existsSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { launch } from './processes.mjs';

/** $REDIS_SERVER_PATH, then Debian's /usr/bin/redis-server (or /usr/local/bin), else undefined. */
export function redisServerPath() {
  const fromEnv = process.env.REDIS_SERVER_PATH;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  return ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((candidate) => existsSync(candidate));
}

export const MISSING_REDIS =
  'redis-server was not found: install it (Debian/Ubuntu: apt-get install -y redis-server) or set REDIS_SERVER_PATH';

/** A port the OS has free right now (Redis cannot be told `--port 0`: that turns TCP off). */
function freePort(host) {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Resolves when `PING` answers `+PONG` at host:port; rejects on anything else (the caller polls). */
function ping(host, port) {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host, port });
    let answer = '';
    socket.setTimeout(1000, () => socket.destroy(new Error('no answer')));
    socket.once('error', reject);
    socket.on('data', (chunk) => {
      answer += chunk;
      if (!answer.includes('\r\n')) return;
      socket.destroy();
      if (answer.startsWith('+PONG')) resolve();
      else reject(new Error(`PING answered ${answer.trim()}`));
    });
    socket.write('PING\r\n');
  });
}

/** Sends one inline command and resolves with the whole reply as text (a bulk string's `$N` header included). */
function command(host, port, line) {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host, port });
    let reply = '';
    socket.setTimeout(5000, () => socket.destroy(new Error(`no answer to ${line}`)));
    socket.once('error', reject);
    socket.on('data', (chunk) => {
      reply += chunk;
      const header = /^\$(\d+)\r\n/.exec(reply);
      if (header ? Buffer.byteLength(reply) >= header[0].length + Number(header[1]) + 2 : reply.includes('\r\n')) {
        socket.destroy();
        resolve(reply);
      }
    });
    socket.write(`${line}\r\n`);
  });
}

/**
 * Starts `redis-server` on a free loopback port and resolves once it answers PING, with its `url`
 * (`redis://127.0.0.1:PORT`) and `stop()` (SIGTERM, SIGKILL after 2 s; resolves when it has exited).
 * It never outlives this process (its own process group, a parent-death signal: processes.mjs).
 * Rejects with {@link MISSING_REDIS} when no redis-server is installed.
 */
export async function startRedis({ host = '127.0.0.1', startTimeoutMs = 10_000 } = {}) {
  const binary = redisServerPath();
  if (!binary) throw new Error(MISSING_REDIS);
  // A port found free may be taken before Redis binds it: then Redis exits, and we try another.
  for (let tries = 1; ; tries++) {
    const port = await freePort(host);
    try {
      return await start(binary, host, port, startTimeoutMs);
    } catch (error) {
      if (tries >= 3 || !/in use/i.test(String(error))) throw error;
    }
  }
}

async function start(binary, host, port, startTimeoutMs) {
  const args = ['--port', `${port}`, '--bind', host, '--save', '', '--appendonly', 'no', '--dir', tmpdir(), '--loglevel', 'warning'];
  // Its own process group, ended by the kernel if this process dies first (processes.mjs).
  const { child, output, stop: stopGroup } = launch(binary, args);
  const stop = () => stopGroup(2000);

  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`redis-server exited before answering (port ${port}): ${output()}`);
    }
    try {
      await ping(host, port);
      // Another Redis may hold the port (one started at the same moment was handed the same free
      // port): the answer must come from ours.
      const pid = /process_id:(\d+)/.exec(await command(host, port, 'INFO server'))?.[1];
      if (Number(pid) !== child.pid) {
        await stop();
        throw new Error(`port ${port} in use by another redis-server`);
      }
      break;
    } catch (error) {
      if (/in use/.test(String(error))) throw error;
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`redis-server did not answer on port ${port} within ${startTimeoutMs} ms: ${output()}`, { cause: error });
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  /** CPU time Redis has used, user + system, in ms (`INFO cpu`). */
  const cpuMs = async () => {
    const info = await command(host, port, 'INFO cpu');
    const field = (name) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? NaN);
    return (field('used_cpu_user') + field('used_cpu_sys')) * 1000;
  };
  return { url: `redis://${host}:${port}`, host, port, pid: child.pid, stop, cpuMs };
}
