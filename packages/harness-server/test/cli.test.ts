import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));
const running = new Set<ChildProcess>();
afterEach(() => {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
});

function cli(...args: string[]) {
  const child = spawn(tsx, ['src/cli.ts', ...args], { cwd: packageDir, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

describe('the CLI (pnpm harness)', () => {
  it('prints the listening line, serves /healthz, and closes cleanly on SIGTERM', async () => {
    const run = cli('--port', '0', '--quiet');
    const line = await new Promise<string>((resolve, reject) => {
      run.child.stdout.on('data', () => {
        const match = /^unisocket harness listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(run.output().stdout);
        if (match) resolve(match[1] as string);
      });
      run.child.once('exit', () => reject(new Error(`exited early: ${JSON.stringify(run.output())}`)));
    });
    const health = await fetch(`${line}/healthz`);
    expect(await health.json()).toEqual({ ok: true });
    expect((await fetch(`${line}/_control/faults`)).status).toBe(404);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  });

  it('lists every flag in --help', async () => {
    const run = cli('--help');
    expect(await run.exited).toBe(0);
    const { stdout } = run.output();
    for (const flag of [
      '--port',
      '--host',
      '--test-controls',
      '--sse-max-age',
      '--sse-comment-ms',
      '--max-frame-bytes',
      '--heartbeat-ms',
      '--max-buffered-bytes',
      '--test-event-ms',
      '--socketio-ping-interval-ms',
      '--socketio-ping-timeout-ms',
      '--redis',
      '--quiet',
      '--help',
    ]) {
      expect(stdout).toContain(flag);
    }
  });

  it('rejects an unknown flag or a bad number with exit code 2 and the usage', async () => {
    const unknown = cli('--nope');
    expect(await unknown.exited).toBe(2);
    expect(unknown.output().stderr).toContain('Usage: pnpm harness');
    const bad = cli('--port', 'eighty');
    expect(await bad.exited).toBe(2);
    expect(bad.output().stderr).toContain('--port needs a number');
  });
});
