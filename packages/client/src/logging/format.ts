import type { LifecycleEvents } from '../core/lifecycle.js';

/** One lifecycle event, as the logger receives it. */
export type LogEvent = { [K in keyof LifecycleEvents]: { type: K; event: LifecycleEvents[K] } }[keyof LifecycleEvents];

const FALLBACK_WHY: Partial<Record<string, string>> = {
  'fallback-delay': 'no answer within fallbackDelayMs, both race on',
  upgrade: 'the better endpoint took over',
};

const because = (error: { message: string } | undefined) => (error ? `: ${error.message}` : '');

/**
 * One readable line per lifecycle event, saying what the connection decided and why, e.g.
 * `reconnect attempt 2 in 180 ms (network: WebSocket closed before it opened (websocket ws://host/rt))`.
 * Pure, so the trace reads the same in every environment and tests compare it as text.
 */
export function formatLifecycle({ type, event }: LogEvent): string {
  switch (type) {
    case 'state':
      return `state ${event.from.status} → ${event.to.status} (${event.reason})`;
    case 'open':
      // Resumed without a lost connection: the same session moved to another carrier (Engine.IO's upgrade).
      if (event.resumed && !event.recovered) return `open ${event.endpoint}: same session, now over ${event.transport}`;
      return `open ${event.endpoint} over ${event.transport}: ${event.resumed ? 'session resumed, missed messages replayed' : 'new session'}${event.recovered ? ', after a lost connection' : ''}`;
    case 'reconnecting':
      return `reconnect attempt ${event.attempt} ${event.offline ? `once online (a probe in ${Math.round(event.delayMs)} ms)` : `in ${Math.round(event.delayMs)} ms`} (${event.reason}${because(event.error)})`;
    case 'fallback':
      return `fallback ${event.from} → ${event.to} (${FALLBACK_WHY[event.reason] ?? event.reason})`;
    case 'error': {
      const dropped = event.dropped?.length ? `; ${event.dropped.length} waiting message(s) dropped` : '';
      return `error ${event.error.code}${because(event.error)}${dropped}`;
    }
    case 'close':
      return `${event.terminal ? 'closed for good' : 'connection lost'} (${event.reason}${because(event.error)})`;
    case 'outbox':
      return event.size ? `outbox: ${event.size} message(s) waiting, ${event.bytes} B` : 'outbox: empty, everything went out';
    case 'heartbeat':
      return 'heartbeat from the server';
    case 'gap':
      return `gap: the server could not resume session ${event.session ?? '(none)'} after ${event.lastSeq ?? '(nothing received)'}: messages may be missing`;
  }
}
