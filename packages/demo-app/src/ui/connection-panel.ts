import type { Client, ConnectionState } from '@unisocket/client';
import type { ChatProtocol } from '../chat/modes.js';
import type { AttemptCounter } from '../chat/outage.js';
import { followReprobe, type Reprobe } from '../chat/reprobe.js';
import { clockTime, el, setText } from './dom.js';

/** Follows the client's state, its carrier (a Socket.IO upgrade included) and the attempt of this outage. */
export type StateListener = (state: ConnectionState, outboxSize: number, attempt: number) => void;

export interface ConnectionPanel {
  readonly element: HTMLElement;
  /** Follows `client` until the returned function is called. */
  attach(client: Client, protocol: ChatProtocol, attempts: AttemptCounter, reprobe?: Reprobe): () => void;
  setRtt(ms: number | undefined): void;
  /** Called on every state change, carrier change and retry (the page styles itself by the state). */
  onState(listener: StateListener): void;
}

const ROWS = [
  ['state', 'State'],
  ['transport', 'Transport'],
  ['protocol', 'Protocol'],
  ['endpoint', 'Endpoint'],
  ['node', 'Node'],
  ['attempt', 'Attempt'],
  ['retry', 'Next retry in'],
  ['reprobe', 'Re-probe'],
  ['rtt', 'Round trip'],
  ['outbox', 'Outbox'],
  ['error', 'Last error'],
] as const;
type Row = (typeof ROWS)[number][0];

/** The server node (`host:port`) of an endpoint label such as `websocket http://127.0.0.1:8081/rt`. */
function nodeOf(label: string): string {
  try {
    return new URL(label.slice(label.indexOf(' ') + 1)).host;
  } catch {
    return label;
  }
}

const seconds = (ms: number): string => `${(Math.max(0, ms) / 1000).toFixed(1)} s`;

/**
 * The live connection panel: state, transport, endpoint, attempt, next retry countdown, the re-probe
 * of the better carrier, round trip, outbox size and last error, all from the client's lifecycle
 * channel, so fallback and reconnection can be watched as they happen.
 */
export function createConnectionPanel(): ConnectionPanel {
  const values = {} as Record<Row, HTMLElement>;
  const list = el('dl', { class: 'facts' });
  for (const [key, label] of ROWS) {
    values[key] = el('dd', { text: '—', testid: `conn-${key}` });
    list.append(el('div', { class: `fact fact-${key}` }, [el('dt', { text: label }), values[key]]));
  }
  const stateListeners: StateListener[] = [];
  const element = el('section', { class: 'card connection', attrs: { 'aria-labelledby': 'connection-title' } }, [
    el('h2', { text: 'Connection', attrs: { id: 'connection-title' } }),
    list,
  ]);
  const set = (row: Row, text: string) => setText(values[row], text);

  return {
    element,
    setRtt: (ms) => set('rtt', ms === undefined ? '—' : `${ms} ms`),
    onState: (listener) => void stateListeners.push(listener),
    attach(client, protocol, attempts, reprobe) {
      let retryAt: number | undefined;
      let outboxSize = 0;
      /** The node of the last connection: a session that opens on another one moved there. */
      let node: string | undefined;
      let lastMove: string | undefined;
      let ticker: ReturnType<typeof setInterval> | undefined;
      const notify = () => stateListeners.forEach((listener) => listener(client.state, outboxSize, attempts.attempt));

      const showRetry = () => {
        if (retryAt === undefined) return set('retry', '—');
        const left = retryAt - performance.now();
        set('retry', left > 0 ? seconds(left) : 'trying now');
      };
      const stopTicker = () => {
        clearInterval(ticker);
        ticker = undefined;
      };
      const showState = (state: ConnectionState) => {
        set('state', state.status);
        element.dataset.state = state.status;
        set('transport', client.transport ?? '—');
        set('endpoint', state.status === 'open' ? state.endpoint : (client.endpoint?.label ?? '—'));
        if (state.status !== 'reconnecting' && state.status !== 'suspended') set('attempt', '—');
        if (state.status !== 'reconnecting' && state.status !== 'suspended') {
          retryAt = undefined;
          stopTicker();
          showRetry();
        }
        notify();
      };

      set('protocol', protocol);
      set('node', '—');
      delete values.node.dataset.moved;
      set('error', '—');
      set('outbox', '0');
      set('rtt', protocol === 'raw' ? 'n/a (raw: no acks)' : '—');
      showState(client.state);
      const stopReprobe = reprobe ? followReprobe(client, reprobe, (text) => set('reprobe', text)) : (set('reprobe', 'n/a (one carrier)'), () => {});
      const unsubscribe = [
        client.lifecycle.on('state', ({ to }) => showState(to)),
        client.lifecycle.on('reconnecting', ({ delayMs }) => {
          set('attempt', String(attempts.attempt));
          retryAt = performance.now() + delayMs;
          showRetry();
          ticker ??= setInterval(showRetry, 100);
          // The state stays `reconnecting` from one attempt to the next: the attempt number changes.
          notify();
        }),
        client.lifecycle.on('open', ({ endpoint, transport, resumed }) => {
          set('transport', transport);
          set('endpoint', endpoint);
          const previous = node;
          node = nodeOf(endpoint);
          if (previous !== undefined && previous !== node) {
            lastMove = `moved from ${previous} at ${clockTime(Date.now())}${resumed ? ', session resumed' : ', new session'}`;
            values.node.dataset.moved = 'true';
          }
          set('node', lastMove ? `${node} (${lastMove})` : node);
          // A Socket.IO session upgraded in place changes its carrier without a state change: one truth
          // for the header and the panel.
          notify();
        }),
        client.lifecycle.on('outbox', ({ size, bytes }) => {
          outboxSize = size;
          set('outbox', size ? `${size} waiting (${bytes} B)` : '0');
          notify();
        }),
        client.lifecycle.on('error', ({ error }) => set('error', `${clockTime(Date.now())} ${error.code}: ${error.message}`)),
        // A stream the server ended on purpose (CFML request timeout) is routine, not an error.
        client.lifecycle.on('close', ({ reason, error }) => error && reason !== 'ended' && set('error', `${clockTime(Date.now())} ${reason}: ${error.message}`)),
      ];
      return () => {
        stopTicker();
        stopReprobe();
        unsubscribe.forEach((stop) => stop());
      };
    },
  };
}
