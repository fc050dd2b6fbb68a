// Child processes a test run starts (servers, drivers, displays) that must not outlive it: each in its
// own process group, so stopping it ends whatever it started too (a driver's browsers), and under
// `setpriv --pdeathsig SIGTERM` (util-linux) where available, so the kernel ends it if the test run
// dies without stopping it (SIGKILL, a crash). Ctrl-C reaches them through the stop() of the run's
// teardown, or through the parent-death signal when the run exits at once.
import { spawn, spawnSync } from 'node:child_process';

let setprivWorks;
const hasSetpriv = () => (setprivWorks ??= spawnSync('setpriv', ['--help'], { stdio: 'ignore' }).status === 0);

/**
 * @typedef {object} Launched
 * @property {import('node:child_process').ChildProcess} child
 * @property {Promise<number | string | null>} exited resolves with the exit code or signal
 * @property {() => string} output the last lines it printed (stdout and stderr), for error messages
 * @property {(pattern: RegExp, timeoutMs: number) => Promise<RegExpMatchArray>} waitFor resolves with the first line matching `pattern`
 * @property {(graceMs?: number) => Promise<void>} stop SIGTERM to its group, SIGKILL after `graceMs` (default 3000); idempotent
 */

/**
 * Starts `command` with `args` as described above. `extraFds` adds pipes after stdio (fd 3, …).
 * @returns {Launched}
 */
export function launch(command, args, { env = process.env, cwd = process.cwd(), extraFds = 0 } = {}) {
  const [file, argv] = hasSetpriv() ? ['setpriv', ['--pdeathsig', 'SIGTERM', '--', command, ...args]] : [command, args];
  const child = spawn(file, argv, { env, cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe', ...Array(extraFds).fill('pipe')] });
  const tail = [];
  const watchers = new Set();
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding('utf8');
    stream.on('data', (text) => {
      for (const line of text.split('\n').filter(Boolean)) {
        tail.push(line);
        for (const watcher of watchers) watcher(line);
      }
      tail.splice(0, tail.length - 30);
    });
  }
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  const output = () => tail.join('\n');
  const gone = () => child.exitCode !== null || child.signalCode !== null;

  function waitFor(pattern, timeoutMs) {
    return new Promise((resolve, reject) => {
      const done = (settle) => {
        watchers.delete(watch);
        clearTimeout(timer);
        settle();
      };
      const watch = (line) => {
        const match = pattern.exec(line);
        if (match) done(() => resolve(match));
      };
      const timer = setTimeout(() => done(() => reject(new Error(`${command} printed no ${pattern} within ${timeoutMs} ms:\n${output()}`))), timeoutMs);
      watchers.add(watch);
      for (const line of tail) watch(line);
      void exited.then((status) => done(() => reject(new Error(`${command} exited (${status}) before printing ${pattern}:\n${output()}`))));
    });
  }

  async function stop(graceMs = 3000) {
    if (!gone()) {
      signalGroup(child, 'SIGTERM');
      let timer;
      const late = new Promise((resolve) => (timer = setTimeout(resolve, graceMs, 'late')));
      if ((await Promise.race([exited, late])) === 'late') signalGroup(child, 'SIGKILL');
      clearTimeout(timer);
      await exited;
    }
    // Whatever the group leader left behind (a browser its driver had not closed) goes with it.
    signalGroup(child, 'SIGKILL');
  }

  return { child, exited, output, waitFor, stop };
}

/** Sends `signal` to the process group of `child`; false when the group is gone. */
export function signalGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs `start` with a list to put launched processes in; they are killed on process exit unless
 * stopped before, and stopped (last started first) when `start` throws.
 * @template T
 * @param {(running: Launched[]) => Promise<T>} start
 * @returns {Promise<T & { stop(): Promise<void> }>}
 */
export async function startTogether(start) {
  const running = [];
  const killAll = () => running.forEach(({ child }) => signalGroup(child, 'SIGKILL'));
  process.once('exit', killAll);
  const stop = async () => {
    process.removeListener('exit', killAll);
    for (const launched of running.splice(0).reverse()) await launched.stop();
  };
  try {
    return { ...(await start(running)), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
