import type { Clock } from '../core/clock.js';
import type { Lifecycle, LifecycleEvents } from '../core/lifecycle.js';
import { formatLifecycle, type LogEvent } from './format.js';

/**
 * A client's `logger` option: called once with the client's lifecycle channel and clock when the
 * client is created, before it connects, so it sees every decision. `createLogger()` makes one.
 */
export type Logger = (lifecycle: Lifecycle, clock: Clock) => void;

export interface LoggerOptions {
  /** Where each line goes, with the event it describes. @default console.debug */
  write?: (line: string, event: LogEvent) => void;
  /** Put before every line: tells two clients on one page apart. @default '[unisocket]' */
  prefix?: string;
  /** Lifecycle events to leave out, e.g. `['heartbeat']` on a busy console. @default none */
  skip?: readonly (keyof LifecycleEvents)[];
}

const EVENTS: readonly (keyof LifecycleEvents)[] = ['state', 'open', 'reconnecting', 'fallback', 'error', 'close', 'outbox', 'heartbeat', 'gap'];

/**
 * A logger for the `logger` option: a readable trace of the connection's decisions (state changes,
 * fallback, reconnect attempts and their delays, heartbeats, resume or gap, the outbox), one line
 * per lifecycle event with the time since the previous line:
 *
 * ```ts
 * const client = connect(url, { logger: createLogger() });
 * // [unisocket] +0 ms state idle → connecting (connect)
 * // [unisocket] +12 ms fallback websocket ws://host/rt → sse http://host/rt (refused: …)
 * ```
 *
 * Off unless passed: an app that never imports `createLogger` carries none of this code.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const { write = (line) => console.debug(line), prefix = '[unisocket]', skip = [] } = options;
  const lead = prefix ? `${prefix} ` : '';
  return (lifecycle, clock) => {
    let last: number | undefined;
    // One listener shape for every event: the pair (type, event) is what `formatLifecycle` reads.
    const on = lifecycle.on as (type: keyof LifecycleEvents, listener: (event: unknown) => void) => unknown;
    for (const type of EVENTS) {
      if (skip.includes(type)) continue;
      on(type, (event) => {
        const at = clock.now();
        const entry = { type, event } as LogEvent;
        write(`${lead}+${Math.round(at - (last ?? at))} ms ${formatLifecycle(entry)}`, entry);
        last = at;
      });
    }
  };
}
