// The endpoint kinds the conformance suite runs against the real harness. Each kind builds clients
// the way an application would, with small policy values so faults play out in well under a second,
// and says what it can do (capabilities) so every behaviour runs on every kind it applies to.
import { expect } from 'vitest';
import { connect, createClient, raw, sse, websocket, type Client, type Endpoint, type PolicyOptions, type TransportKind } from '../../src/index.js';
import { memoryStorage, record, type Bench, type Recorder } from './fixture.js';

export interface KindCaps {
  /** The server answers `emitWithAck` (envelope); otherwise it rejects with `unsupported`. */
  acks: boolean;
  /** The server keeps a session and continues it after a reconnect (`open.resumed`, envelope). */
  resumesSession: boolean;
  /** What the server sends while the client is away is replayed after it comes back (envelope seq, SSE Last-Event-ID). */
  replays: boolean;
  /** The client watches a server heartbeat, so a silent link is detected (envelope). */
  heartbeat: boolean;
  /** WebSocket first, SSE as the fallback (`connect(url)`). */
  fallback: boolean;
  /** Starts on WebSocket only (no SSE to fall back to). */
  websocketOnly: boolean;
  /** SSE is (or, with WebSocket blocked, becomes) the downstream: SSE status and format faults apply. */
  sse: boolean;
  /** A peer hears what it says itself (chat rooms and SSE channels do; a Lucee gateway relays to the others only). */
  hearsSelf: boolean;
  /** The server ends the stream on its own every `sseMaxAgeSeconds` (plain CFML-style SSE). */
  streamEnds: boolean;
}

/** Client options a test may add; `hold` delays every connection attempt until it resolves. */
export interface JoinOptions extends PolicyOptions {
  hold?: () => Promise<void>;
  /** Wait until the client is open (and has joined its room). @default true */
  waitOpen?: boolean;
}

/** One client in a room, with what it received as text. */
export interface Peer {
  readonly client: Client;
  readonly log: Recorder;
  /** Texts of the room's messages this peer received, in order (published by the server or said by peers). */
  readonly inbox: string[];
  /** The name the room knows this peer by (envelope nick). */
  readonly nick?: string;
  /** Says `text` to the room from this client (queued in the outbox while disconnected). */
  say(text: string): void;
  /** Waits until the client is open and in its room (again: after `connect()` a new envelope session must join). */
  enter(): Promise<void>;
}

/** Where peers of one kind meet: an envelope chat room, the `chat` gateway, or a plain SSE channel. */
export interface Room {
  readonly name: string;
  join(options?: JoinOptions): Promise<Peer>;
  /** The server sends `text` to every peer in the room (as event `event` when given); answers how many connections it reached. */
  publish(text: string, event?: string): Promise<number>;
}

export interface Kind {
  readonly name: string;
  /** The carrier it ends on when nothing is blocked. */
  readonly carrier: TransportKind;
  readonly caps: KindCaps;
  /** A room of this kind; rooms with the same name share their peers (envelope rooms across carriers). */
  room(bench: Bench, name?: string): Room;
  /** An envelope kind on the other carrier, to chat across WebSocket and SSE. */
  partner?: () => Kind;
}

/** Small policy values: reconnects within ~250 ms, fallback after 300 ms, a silent link detected 700 ms after a missed ping. */
export function fastPolicy(): PolicyOptions {
  return {
    backoff: { initialDelayMs: 50, maxDelayMs: 250, minDelayMs: 20 },
    fallbackDelayMs: 300,
    connectTimeoutMs: 3000,
    heartbeat: { timeoutMs: 700 },
    ackTimeoutMs: 5000,
    fallbackMemory: { storage: memoryStorage() },
  };
}

/** A POST not answered this soon replaces the SSE transport (a reused keep-alive connection may be blackholed). */
const POST_TIMEOUT_MS = 1000;

let rooms = 0;
let nicks = 0;
const uniqueRoom = () => `room-${++rooms}-${Math.random().toString(36).slice(2, 8)}`;

/** `url` as a value source that waits for `hold` on every attempt. */
const held = (url: string, hold: (() => Promise<void>) | undefined) => (hold ? async () => (await hold(), url) : url);

async function opened(client: Client): Promise<void> {
  await expect.poll(() => client.state.status, { timeout: 8000, interval: 20 }).toBe('open');
}

type Build = (bench: Bench, options: JoinOptions, policy: PolicyOptions) => Client;

function envelopeKind(name: string, carrier: TransportKind, build: Build, caps: Partial<KindCaps>, partner: () => Kind): Kind {
  return {
    name,
    carrier,
    partner,
    caps: {
      acks: true,
      resumesSession: true,
      replays: true,
      heartbeat: true,
      fallback: false,
      websocketOnly: false,
      sse: false,
      hearsSelf: true,
      streamEnds: false,
      ...caps,
    },
    room(bench, room = uniqueRoom()) {
      return {
        name: room,
        async join(options = {}) {
          const { hold: _hold, waitOpen = true, ...policy } = options;
          const client = bench.track(build(bench, options, { ...fastPolicy(), ...policy }));
          const log = record(client);
          const inbox: string[] = [];
          client.on('news', (text: string) => inbox.push(text));
          client.on('chat', (message: { text: string }) => inbox.push(message.text));
          const nick = `${carrier}-${++nicks}`;
          const enter = async () => {
            await opened(client);
            await client.emitWithAck('join', room, nick);
          };
          if (waitOpen) await enter();
          return { client, log, inbox, nick, enter, say: (text) => client.emit('chat', { text }) };
        },
        async publish(text, event = 'news') {
          const answer = await bench.post('/rt/push', { name: event, args: [text], room });
          expect(answer.status).toBe(200);
          return answer.body.delivered as number;
        },
      };
    },
  };
}

const endpointsClient = (endpoints: (bench: Bench, hold: JoinOptions['hold']) => Endpoint[]): Build => (bench, options, policy) =>
  createClient({ ...policy, endpoints: endpoints(bench, options.hold) });

/** (1) The envelope over WebSocket. */
export const envelopeWebSocket = envelopeKind(
  'envelope over WebSocket',
  'websocket',
  endpointsClient((bench, hold) => [websocket(held(`${bench.ws}/rt`, hold))]),
  { websocketOnly: true },
  () => envelopeSse,
);

/** (2) The envelope over SSE + POST. */
export const envelopeSse = envelopeKind(
  'envelope over SSE+POST',
  'sse',
  endpointsClient((bench, hold) => [sse(held(`${bench.http}/rt`, hold), { postTimeoutMs: POST_TIMEOUT_MS })]),
  { sse: true },
  () => envelopeWebSocket,
);

/** (3) The default: `connect(url)`, the envelope over WebSocket with SSE fallback. */
export const defaultConnect = envelopeKind(
  'connect(url): WebSocket with SSE fallback',
  'websocket',
  (bench, options, policy) => {
    if (options.hold) throw new Error('connect(url) takes a plain URL: no hold');
    return connect(bench.http, policy);
  },
  { fallback: true, sse: true },
  () => envelopeSse,
);

/** (4) Raw strings over the Lucee-style gateway; `raw({ json: true })` so `emit()` works between two clients. */
export const rawGateway: Kind = {
  name: 'raw over the Lucee gateway',
  carrier: 'websocket',
  caps: {
    acks: false,
    resumesSession: false,
    replays: false,
    heartbeat: false,
    fallback: false,
    websocketOnly: true,
    sse: false,
    hearsSelf: false,
    streamEnds: false,
  },
  room(bench) {
    return {
      name: 'chat',
      async join(options = {}) {
        const { hold, waitOpen = true, ...policy } = options;
        const url = held(`${bench.ws}/gateways/chat`, hold);
        const client = bench.track(createClient({ ...fastPolicy(), ...policy, endpoints: [websocket(url, { protocol: raw({ json: true }) })] }));
        const log = record(client);
        const inbox: string[] = [];
        client.on('message', (data) => inbox.push(String(data)));
        const enter = () => opened(client);
        if (waitOpen) await enter();
        return { client, log, inbox, enter, say: (text) => client.send(text) };
      },
      async publish(text, event) {
        const message = event === undefined ? text : JSON.stringify({ event, args: [text] });
        const answer = await bench.post('/gateways/chat/messages', { message });
        expect(answer.status).toBe(200);
        return answer.body.delivered as number;
      },
    };
  },
};

/** (5) Raw over plain CFML-style SSE: `event: cfmlMessage` down, form POSTs up, `Last-Event-ID` replay. */
export const rawSse: Kind = {
  name: 'raw over plain SSE',
  carrier: 'sse',
  caps: {
    acks: false,
    resumesSession: false,
    replays: true,
    heartbeat: false,
    fallback: false,
    websocketOnly: false,
    sse: true,
    hearsSelf: true,
    streamEnds: true,
  },
  room(bench, room = uniqueRoom()) {
    return {
      name: room,
      async join(options = {}) {
        const { hold, waitOpen = true, ...policy } = options;
        const channel = `${bench.http}/sse/${room}`;
        const client = bench.track(
          createClient({ ...fastPolicy(), ...policy, endpoints: [sse(held(channel, hold), { protocol: 'raw', postUrl: channel, events: ['cfmlMessage'], postTimeoutMs: POST_TIMEOUT_MS })] }),
        );
        const log = record(client);
        const inbox: string[] = [];
        client.on('cfmlMessage', (data: string) => inbox.push(data));
        const enter = () => opened(client);
        if (waitOpen) await enter();
        return { client, log, inbox, enter, say: (text) => client.send(text) };
      },
      async publish(text, event) {
        const answer = await bench.post(`/sse/${room}`, event === undefined ? { message: text } : { message: text, event });
        expect(answer.status).toBe(200);
        return answer.body.delivered as number;
      },
    };
  },
};

export const KINDS: readonly Kind[] = [envelopeWebSocket, envelopeSse, defaultConnect, rawGateway, rawSse];
