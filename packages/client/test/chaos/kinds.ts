// The endpoint kinds the chaos suite runs: each builds its clients the way an application would, says
// how numbered messages travel both ways, and what its protocol promises about them.
import { connectSocketIo, createClient, raw, sse, websocket, type Client, type PolicyOptions, type StorageLike } from '../../src/index.js';
import type { FaultName } from './faults.js';
import { post } from './http.js';

/** What a protocol promises about a numbered stream, checked by the runner. */
export type Guarantee =
  /** Each message once, in order (envelope sequence ids and cids, SSE Last-Event-ID replay). */
  | 'exactly once'
  /** Nothing lost; a message may come twice (resent after a lost confirmation). */
  | 'at least once'
  /** Nothing lost silently: where messages were lost, the client reported a `gap` (Socket.IO connection state recovery). */
  | 'gap reported'
  /** No promise (a raw gateway: no sequence, no replay); counted only. */
  | 'none';

/** One client under test and how it exchanges numbered messages. */
export interface Party {
  /** The clients (the one under test first), closed by the runner. */
  readonly clients: Client[];
  /** Sends up message `n` from the client under test. */
  up(n: number): void;
  /** Publishes down message `n` towards the client under test; resolves once the server accepted it. */
  down(n: number): Promise<void>;
  /** Numbers received, in the order they arrived: `up` as the server echoed them (or a peer heard them), `down` at the client under test. */
  readonly received: { up: number[]; down: number[] };
  /** Whether the receivers are where messages reach them (joined their room: after a new session they join again). */
  member(): boolean;
}

export interface ChaosKind {
  readonly name: string;
  readonly promises: { up: Guarantee; down: Guarantee };
  /** How `up` and `down` travel, for the report. */
  readonly paths: { up: string; down: string };
  /** The faults that reach this kind. */
  readonly faults: readonly FaultName[];
  start(base: string, policy: PolicyOptions): Promise<Party>;
}

/** Quick reconnects, a silent link found ~1.7 s after a missed 1 s heartbeat, long ack timeouts (acks are counted, not raced). */
export function chaosPolicy(): PolicyOptions {
  const items = new Map<string, string>();
  const storage: StorageLike = { getItem: (key) => items.get(key) ?? null, setItem: (key, value) => void items.set(key, value) };
  return {
    backoff: { initialDelayMs: 50, windowMs: 200, maxDelayMs: 500, minDelayMs: 20 },
    fallbackDelayMs: 300,
    connectTimeoutMs: 3000,
    heartbeat: { timeoutMs: 700 },
    ackTimeoutMs: 120_000,
    outbox: { maxMessages: 10_000, maxBytes: 16 << 20 },
    fallbackMemory: { storage },
  };
}

const numbered = (prefix: string, text: unknown): number | undefined => {
  const match = typeof text == 'string' ? new RegExp(`^${prefix}:(\\d+)$`).exec(text) : null;
  return match ? Number(match[1]) : undefined;
};

/** A listener that keeps the numbers of the texts `prefix:<n>` it hears in `list` (`text` picks the text out of an event's argument). */
const collect =
  (list: number[], prefix: string, text: (data: never) => unknown = (data) => data) =>
  (data: never) => {
    const n = numbered(prefix, text(data));
    if (n !== undefined) list.push(n);
  };
const chatText = (message: { text: string }) => message.text;

/** Acked sends whose rejection (a closed client) is the runner's business, not an unhandled rejection. */
const quietly = (answer: Promise<unknown>) => void answer.catch(() => undefined);

const COMMON: FaultName[] = ['drop', 'restart', 'blackhole', 'refuse-websocket', 'hang-websocket'];
const SSE_FAULTS: FaultName[] = ['drop', 'restart', 'blackhole', 'sse-204', 'sse-500'];

/** The envelope on one carrier: up = `chat` echoed to the room (the sender included), down = `POST /rt/push` to the room. */
function envelopeKind(name: string, carrier: 'websocket' | 'sse'): ChaosKind {
  return {
    name,
    promises: { up: 'exactly once', down: 'exactly once' },
    paths: { up: '`emitWithAck("chat")`, echoed to the room', down: '`POST /rt/push` to the room' },
    faults: carrier == 'websocket' ? COMMON : SSE_FAULTS,
    async start(base, policy) {
      const room = `chaos-${Math.random().toString(36).slice(2, 8)}`;
      const client =
        carrier == 'websocket'
          ? createClient({ ...policy, endpoints: [websocket(`${base.replace(/^http/, 'ws')}/rt`)] })
          : createClient({ ...policy, endpoints: [sse(`${base}/rt`, { postTimeoutMs: 1000 })] });
      const received = { up: [] as number[], down: [] as number[] };
      client.on('chat', collect(received.up, 'u', chatText));
      client.on('news', collect(received.down, 'd'));
      let member = false;
      const join = () => quietly(client.emitWithAck('join', room).then(() => (member = true)));
      // A new session (the first, or one the server could not resume) is in no room: join again.
      client.lifecycle.on('open', ({ resumed }) => !resumed && join());
      client.lifecycle.on('gap', () => (member = false));
      client.lifecycle.on('close', ({ terminal }) => terminal && (member = false));
      await until(() => member);
      return {
        clients: [client],
        up: (n) => quietly(client.emitWithAck('chat', { text: `u:${n}` })),
        down: (n) => post(`${base}/rt/push`, { name: 'news', args: [`d:${n}`], room }),
        received,
        member: () => member,
      };
    },
  };
}

/**
 * Socket.IO on one carrier: two of our clients in a room of `/chat`, each emitting `chat` with an ack
 * (`emitWithAck`, resent after a reconnect until acked); the room hears it (the sender included).
 * Up: the client under test speaks, its peer hears. Down: the peer speaks, the client under test hears.
 */
function socketIoKind(name: string, eio: 3 | 4, transport: 'websocket' | 'polling'): ChaosKind {
  return {
    name,
    promises: { up: 'gap reported', down: 'gap reported' },
    paths: { up: '`emitWithAck("chat")` to a room, heard by a peer', down: "a peer's `emitWithAck(\"chat\")`, heard in the room" },
    faults: transport == 'websocket' ? COMMON : ['drop', 'restart', 'blackhole'],
    async start(base, policy) {
      const room = `chaos-${Math.random().toString(36).slice(2, 8)}`;
      const make = () => connectSocketIo(`${base}/chat`, { ...policy, eio, transports: [transport], upgrade: false });
      const [client, peer] = [make(), make()];
      const received = { up: [] as number[], down: [] as number[] };
      const joined = new Set<Client>();
      for (const [member, list, prefix] of [
        [client, received.down, 'd'],
        [peer, received.up, 'u'],
      ] as const) {
        member.on('chat', collect(list, prefix, chatText));
        // Connection state recovery keeps the rooms of a recovered session; a new one joins again.
        member.lifecycle.on('open', ({ resumed }) => !resumed && quietly(member.emitWithAck('join', room).then(() => joined.add(member))));
        member.lifecycle.on('gap', () => joined.delete(member));
        member.lifecycle.on('close', ({ terminal }) => terminal && joined.delete(member));
      }
      await until(() => joined.size == 2);
      return {
        clients: [client, peer],
        up: (n) => quietly(client.emitWithAck('chat', { text: `u:${n}` })),
        down: async (n) => quietly(peer.emitWithAck('chat', { text: `d:${n}` })),
        received,
        member: () => joined.size == 2,
      };
    },
  };
}

/** Raw strings over the Lucee-style gateway: up = `send()`, heard by a peer (a gateway relays to the others); down = `POST /gateways/chat/messages`. */
const rawGateway: ChaosKind = {
  name: 'raw gateway (Lucee-style WebSocket)',
  // Raw has no sessions: what a reconnect missed is lost, and the client says so (`gap`).
  promises: { up: 'gap reported', down: 'gap reported' },
  paths: { up: '`send()`, heard by a peer on the gateway', down: '`POST /gateways/chat/messages`' },
  faults: COMMON,
  async start(base, policy) {
    const make = () => createClient({ ...policy, endpoints: [websocket(`${base.replace(/^http/, 'ws')}/gateways/chat`, { protocol: raw() })] });
    const [client, peer] = [make(), make()];
    const received = { up: [] as number[], down: [] as number[] };
    client.on('message', collect(received.down, 'd'));
    peer.on('message', collect(received.up, 'u'));
    await until(() => client.state.status == 'open' && peer.state.status == 'open');
    return {
      clients: [client, peer],
      up: (n) => client.send(`u:${n}`),
      down: (n) => post(`${base}/gateways/chat/messages`, { message: `d:${n}` }),
      received,
      member: () => client.state.status == 'open' && peer.state.status == 'open',
    };
  },
};

/** Raw over plain CFML-style SSE: streams that end every few seconds, `Last-Event-ID` replay; up = form POST (the channel echoes it), down = `POST /sse/{channel}`. */
const cfmlSse: ChaosKind = {
  name: 'CFML-style SSE (raw, Last-Event-ID)',
  promises: { up: 'at least once', down: 'exactly once' },
  paths: { up: '`send()` as a form POST, echoed by the channel', down: '`POST /sse/{channel}`' },
  faults: SSE_FAULTS,
  async start(base, policy) {
    const channel = `${base}/sse/chaos-${Math.random().toString(36).slice(2, 8)}`;
    const client = createClient({ ...policy, endpoints: [sse(channel, { protocol: 'raw', postUrl: channel, events: ['cfmlMessage'], postTimeoutMs: 1000 })] });
    const received = { up: [] as number[], down: [] as number[] };
    client.on('cfmlMessage', collect(received.up, 'u'));
    client.on('cfmlMessage', collect(received.down, 'd'));
    let member = false;
    client.lifecycle.on('open', () => (member = true));
    // A stream opened after a terminal close (204) has no Last-Event-ID: what came before is not owed.
    client.lifecycle.on('close', ({ terminal }) => terminal && (member = false));
    await until(() => member);
    return { clients: [client], up: (n) => client.send(`u:${n}`), down: (n) => post(channel, { message: `d:${n}` }), received, member: () => member };
  },
};

export const CHAOS_KINDS: readonly ChaosKind[] = [
  envelopeKind('envelope over WebSocket', 'websocket'),
  envelopeKind('envelope over SSE + POST', 'sse'),
  socketIoKind('Socket.IO EIO4 over WebSocket', 4, 'websocket'),
  socketIoKind('Socket.IO EIO3 long-polling', 3, 'polling'),
  rawGateway,
  cfmlSse,
];

/** Resolves once `condition` holds (polled every 20 ms), or rejects after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`chaos: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
