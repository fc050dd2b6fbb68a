/**
 * The page's configuration, read from and written back to the URL, so a link (or a Playwright spec)
 * picks the server, the transport, the room, the nickname and the connection tuning.
 *
 * `?server=http://127.0.0.1:8080&transport=auto|websocket|sse|socketio|gateway|cfml&room=lobby&nick=ada`
 * (`server` may list the nodes of one cluster, comma-separated: `?server=http://127.0.0.1:8080,http://127.0.0.1:8081`)
 * plus tuning knobs: `heartbeatTimeoutMs`, `fallbackDelayMs`, `connectTimeoutMs`, `maxDelayMs`
 * (backoff ceiling), `reprobeAfterMs`, `rttIntervalMs`, and `debug` (the client's trace on the console).
 */
export const TRANSPORT_MODES = ['auto', 'websocket', 'sse', 'socketio', 'gateway', 'cfml'] as const;
export type TransportMode = (typeof TRANSPORT_MODES)[number];

/** Connection policy knobs the page passes to the client when they are set. */
export interface Tuning {
  heartbeatTimeoutMs?: number;
  fallbackDelayMs?: number;
  connectTimeoutMs?: number;
  maxDelayMs?: number;
  reprobeAfterMs?: number;
  /** How often the page measures the round trip with an `echo` request, in ms. @default 3000 */
  rttIntervalMs: number;
  /** `?debug`: the client's `logger` writes its trace to the console. @default false */
  debug?: boolean;
}

export interface DemoConfig {
  /** The server's base URL, e.g. `http://127.0.0.1:8080`: its first node (fault controls and pushes go there). */
  server: string;
  /** Every node of the server, the first one included: the envelope modes connect to all of them (`connect([a, b])`). */
  nodes: string[];
  transport: TransportMode;
  /** The chat room (envelope, Socket.IO), gateway id (Lucee gateway) or SSE channel (CFML). */
  room: string;
  nick: string;
}

const TUNING_KEYS = ['heartbeatTimeoutMs', 'fallbackDelayMs', 'connectTimeoutMs', 'maxDelayMs', 'reprobeAfterMs', 'rttIntervalMs'] as const;

/** The room each mode starts in: gateway ids are fixed by the server (`chat`, `shout`, `whisper`). */
export const defaultRoom = (mode: TransportMode): string => (mode === 'gateway' ? 'chat' : 'lobby');

const ANIMALS = ['otter', 'heron', 'lynx', 'puffin', 'ibex', 'marten', 'gecko', 'wren'];

function randomNick(): string {
  const animal = ANIMALS[Math.floor(Math.random() * ANIMALS.length)] ?? 'guest';
  return `${animal}-${Math.floor(Math.random() * 90) + 10}`;
}

const isMode = (value: string | null): value is TransportMode => TRANSPORT_MODES.includes(value as TransportMode);

/** A name a person can read and a URL path can carry: letters, digits, `-` and `_`, at most 32. */
export function cleanName(value: string | null | undefined, max = 32): string {
  return (value ?? '').trim().slice(0, max);
}

export const isRoomName = (value: string): boolean => /^[\w-]{1,32}$/.test(value);

function positiveNumber(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const number = Number(value);
  return Number.isFinite(number) && number >= 0 ? number : undefined;
}

/** Reads the configuration from a query string; anything missing or invalid gets its default. */
export function readConfig(search: string, page: Location): { config: DemoConfig; tuning: Tuning } {
  const params = new URLSearchParams(search);
  const transport = isMode(params.get('transport')) ? (params.get('transport') as TransportMode) : 'auto';
  const room = cleanName(params.get('room'));
  const nick = cleanName(params.get('nick'));
  const nodes = (params.get('server') ?? `${page.protocol}//${page.hostname}:8080`)
    .split(',')
    .map((node) => node.trim().replace(/\/+$/, ''))
    .filter(Boolean);
  const server = nodes[0] ?? `${page.protocol}//${page.hostname}:8080`;
  const tuning: Tuning = { rttIntervalMs: 3000, debug: params.has('debug') };
  for (const key of TUNING_KEYS) {
    const value = positiveNumber(params.get(key));
    if (value !== undefined) tuning[key] = value;
  }
  return {
    config: { server, nodes: nodes.length ? nodes : [server], transport, room: isRoomName(room) ? room : defaultRoom(transport), nick: nick || randomNick() },
    tuning,
  };
}

/** The page URL for `config`, keeping the tuning knobs and anything else already in `current`. */
export function configUrl(config: DemoConfig, current: string): string {
  const url = new URL(current);
  url.searchParams.set('server', config.nodes.length ? config.nodes.join(',') : config.server);
  url.searchParams.set('transport', config.transport);
  url.searchParams.set('room', config.room);
  url.searchParams.set('nick', config.nick);
  return url.href;
}
