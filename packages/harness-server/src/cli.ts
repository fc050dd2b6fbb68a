import { parseArgs } from 'node:util';
import type { HarnessOptions } from './context.js';
import { startHarness } from './index.js';
import type { Harness } from './index.js';

/** Every flag, in the order `--help` lists them. */
const FLAGS = {
  port: { type: 'string', default: '8080', help: 'TCP port; 0 picks a free one' },
  host: { type: 'string', default: '127.0.0.1', help: 'interface to bind' },
  'test-controls': { type: 'boolean', default: false, help: 'enable fault injection under POST /_control/*' },
  'control-origin': { type: 'string', multiple: true, default: [] as string[], help: 'a web page origin that may use the controls (repeatable; host:* = any port)' },
  'sse-max-age': { type: 'string', default: '25', help: 'seconds after which /sse/* responses end, as a CFML request timeout; 0 = never' },
  'sse-comment-ms': { type: 'string', default: '10000', help: 'interval of comment heartbeats on /sse/*; 0 = none' },
  'sse-max-channels': { type: 'string', default: '256', help: 'most /sse/* channels kept at once' },
  'sse-channel-bytes': { type: 'string', default: '262144', help: 'bytes each /sse/* channel keeps for replay and queue consumers' },
  'sse-channel-idle-ms': { type: 'string', default: '300000', help: 'an /sse/* channel without streams or posts this long is removed; 0 = never' },
  'max-frame-bytes': { type: 'string', default: '1048576', help: 'largest WebSocket message / POST body (close 1009 / HTTP 413 above)' },
  'heartbeat-ms': { type: 'string', default: '5000', help: 'envelope (/rt) heartbeat interval' },
  'max-buffered-bytes': { type: 'string', default: '2097152', help: 'send queue of one /rt connection; a client over it is cut as a slow consumer' },
  'test-event-ms': { type: 'string', default: '4000', help: "delay of socket.io's tutorial testEvent after connect; -1 = never" },
  'socketio-ping-interval-ms': { type: 'string', default: '25000', help: 'socket.io pingInterval' },
  'socketio-ping-timeout-ms': { type: 'string', default: '20000', help: 'socket.io pingTimeout' },
  redis: { type: 'string', help: '/rt shares sessions and rooms through this Redis (redis://HOST:PORT): harness processes on one Redis form one cluster' },
  quiet: { type: 'boolean', default: false, help: 'no log lines on stderr' },
  help: { type: 'boolean', short: 'h', default: false, help: 'show this help' },
} as const;

function usage(): string {
  const lines = Object.entries(FLAGS).map(([name, flag]) => {
    const short = 'short' in flag ? `-${flag.short}, ` : '';
    const value = flag.type === 'string' ? ` <${name === 'host' ? 'host' : name === 'control-origin' ? 'origin' : name === 'redis' ? 'url' : 'n'}>` : '';
    const left = `  ${short}--${name}${value}`;
    const fallback = flag.type === 'string' && 'default' in flag && !('multiple' in flag) ? ` (default ${flag.default})` : '';
    return `${left.padEnd(36)}${flag.help}${fallback}`;
  });
  return ['Usage: pnpm harness [options]', '', 'unisocket reference harness server.', '', 'Options:', ...lines, ''].join('\n');
}

class UsageError extends Error {
  override readonly name = 'UsageError' as const;
  readonly code = 'usage' as const;
}

function number(values: Record<string, unknown>, name: keyof typeof FLAGS): number {
  const text = String(values[name]);
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new UsageError(`--${name} needs a number, got "${text}"`);
  return value;
}

function parse(argv: string[]): Partial<HarnessOptions> | 'help' {
  // `pnpm harness -- --port 0` passes the `--` through.
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  const { values, positionals } = parseArgs({ args, options: FLAGS, allowPositionals: true, strict: true });
  if (values.help) return 'help';
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  return {
    port: number(values, 'port'),
    host: values.host,
    testControls: values['test-controls'],
    controlOrigins: values['control-origin'],
    sseMaxAgeSeconds: number(values, 'sse-max-age'),
    sseCommentMs: number(values, 'sse-comment-ms'),
    sseMaxChannels: number(values, 'sse-max-channels'),
    sseChannelBytes: number(values, 'sse-channel-bytes'),
    sseChannelIdleMs: number(values, 'sse-channel-idle-ms'),
    maxFrameBytes: number(values, 'max-frame-bytes'),
    heartbeatMs: number(values, 'heartbeat-ms'),
    maxBufferedBytes: number(values, 'max-buffered-bytes'),
    testEventDelayMs: number(values, 'test-event-ms'),
    socketIoPingIntervalMs: number(values, 'socketio-ping-interval-ms'),
    socketIoPingTimeoutMs: number(values, 'socketio-ping-timeout-ms'),
    redisUrl: values.redis,
    ...(values.quiet ? { log: () => {} } : {}),
  };
}

async function main(): Promise<void> {
  let options: Partial<HarnessOptions> | 'help';
  let harness: Harness;
  try {
    options = parse(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${usage()}`);
    process.exitCode = 2;
    return;
  }
  if (options === 'help') {
    process.stdout.write(usage());
    return;
  }
  try {
    harness = await startHarness(options);
  } catch (error) {
    // A bad option value (TypeError) is a usage error too; a busy port is not.
    const isUsage = error instanceof TypeError;
    process.stderr.write(`unisocket harness could not start: ${(error as Error).message}\n${isUsage ? `\n${usage()}` : ''}`);
    process.exitCode = isUsage ? 2 : 1;
    return;
  }
  process.stdout.write(`unisocket harness listening on ${harness.url}\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(1); // a second signal: do not wait any longer
    stopping = true;
    process.stderr.write(`[harness] ${signal}: closing\n`);
    harness.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

void main();
