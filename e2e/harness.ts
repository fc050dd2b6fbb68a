// The harness as the e2e suites run it: a process of its own (its own process group, never outliving
// the run: scripts/processes.mjs), on a port the OS picked, tuned so faults play out in seconds.
import { fileURLToPath } from 'node:url';
import { launch, type Launched } from '../scripts/processes.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Fault controls on, for pages of the demo's origin only; a 1 s heartbeat and socket.io ping (a dead
 * link shows within seconds); SSE responses that end after 3 s, as a CFML request timeout would.
 */
export const HARNESS_ARGS = [
  '--port', '0',
  '--test-controls',
  '--control-origin', 'http://127.0.0.1:*',
  '--sse-max-age', '3',
  '--heartbeat-ms', '1000',
  '--socketio-ping-interval-ms', '1000',
  '--socketio-ping-timeout-ms', '1000',
  '--quiet',
];

/** The line the harness prints once it listens; the first group is its port. */
export const HARNESS_LISTENING = /unisocket harness listening on http:\/\/[\d.]+:(\d+)/;

/** Starts a harness with {@link HARNESS_ARGS}; wait for {@link HARNESS_LISTENING} on it. */
export function launchHarness(): Launched {
  return launch('node', ['--import', 'tsx', 'packages/harness-server/src/cli.ts', ...HARNESS_ARGS], { cwd: root });
}
