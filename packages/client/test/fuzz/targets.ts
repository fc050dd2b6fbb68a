// The parsers the fuzz suite feeds, each through the public API: a client built with `createClient`
// and the real endpoint builders, whose platform (`WebSocket`, `fetch`) is a fake the target writes
// frames into. A target keeps a connection open: after a frame that ended it (a bye, an Engine.IO
// close, a sequence gap), it lets the client reconnect and handshakes again.
import { createClient, sse, socketio, websocket, type Client } from '../../src/index.js';
import { createFakeClock, createFakeEnvironment } from '../../src/testing/index.js';
import { fakeFetch, fakeWebSocket, settle } from './fakes.js';
import { int, mixed, pick, randomBytes, randomText, randomValue, type Frame, type Random } from './frames.js';

export interface Driver {
  readonly client: Client;
  /** Makes sure a connection is open (connects again after a frame ended it). */
  ready(): Promise<void>;
  /** Feeds one frame; resolves once the client has processed it. */
  feed(frame: Frame): Promise<void> | void;
  /** Feeds a known good frame; resolves with whether the application received it (the parser still works). */
  probe(): Promise<boolean>;
}

export interface FuzzTarget {
  readonly name: string;
  /** What is fed, for the report. */
  readonly feeds: string;
  generate(random: Random): Frame;
  start(random: Random): Driver;
}

const encoder = new TextEncoder();
const json = JSON.stringify;

/** Options every fuzzed client shares: time by hand (reconnects are advanced, not waited for), no storage. */
function fuzzClient(random: Random, endpoints: Parameters<typeof createClient>[0]['endpoints'], platform: Parameters<typeof createClient>[0]['platform']) {
  const clock = createFakeClock();
  const client = createClient({ endpoints, platform, clock, random, environment: createFakeEnvironment(), fallbackMemory: false, autoConnect: false });
  client.connect();
  /** Lets the client through its reconnect wait (and a closed one connect again, as an application would). */
  const reconnect = async () => {
    for (let i = 0; i < 50 && client.state.status != 'open'; i++) {
      if (client.state.status == 'closed') client.connect();
      if (client.state.status == 'reconnecting' || client.state.status == 'suspended') clock.advance(client.state.delayMs);
      await settle();
      if (client.state.status == 'connecting' || client.state.status == 'reconnecting') return;
    }
  };
  return { client, clock, reconnect };
}

/**
 * Whether `name` arrives within a few turns after `send`, tried three times: a protocol may rightly
 * swallow the first good frame after a bad one (a binary packet still waiting for its attachment).
 */
async function arrives(client: Client, name: string, send: () => void): Promise<boolean> {
  let got = false;
  const off = client.on(name, () => void (got = true));
  for (let attempt = 0; attempt < 3 && !got; attempt++) {
    send();
    for (let i = 0; i < 5 && !got; i++) await settle();
  }
  off();
  return got;
}

// The envelope (PROTOCOL.md) over a WebSocket.
const envelope: FuzzTarget = {
  name: 'envelope',
  feeds: 'JSON frames on an open envelope WebSocket',
  generate(random) {
    const valid = () =>
      pick(random, [
        () => json({ t: 'event', name: pick(random, ['news', 'chat', 'q']), args: [randomValue(random)] }),
        () => json({ t: 'event', name: 'q', args: [], ack: int(random, 1000) }),
        () => json({ t: 'ack', cid: int(random, 50), args: [randomValue(random)] }),
        () => json({ t: 'ack', cid: int(random, 50), error: { code: 'x', message: 'no' } }),
        () => json({ t: 'ping', rcid: int(random, 50) }),
        () => json({ t: 'error', code: 'bad-frame', message: randomText(random, 10) }),
        () => json({ t: 'welcome', v: 1, session: 's', token: 'k', resumed: random() < 0.5, seq: 0, rcid: 0, hb: int(random, 10_000) }),
        () => json({ t: 'bye', code: 'going', message: 'bye', retry: true }),
      ])();
    const bad = () =>
      pick(random, [
        () => `#${randomText(random)}`,
        () => json(randomValue(random, 3)).replace(/^\{/, '[') || 'null',
        () => json({ t: randomText(random, 6) + '?', name: 'x' }),
        () => json({ t: 'event', name: int(random, 9), args: [] }),
        () => json({ t: 'ack', cid: 'one', args: [] }),
        () => json({ t: 'welcome', session: 's', token: 7, resumed: true }),
      ])();
    return mixed(random, valid, bad, () => ({ data: randomBytes(random) }));
  },
  start(random) {
    const { WebSocket, sockets } = fakeWebSocket();
    const { client, reconnect } = fuzzClient(random, [websocket('ws://fuzz.test/rt')], { WebSocket });
    return {
      client,
      async ready() {
        await reconnect();
        const socket = sockets.at(-1);
        if (socket && socket.readyState == 0 && client.state.status != 'open') {
          socket.accept();
          socket.message(json({ t: 'welcome', v: 1, session: 's', token: 'k', resumed: false, seq: 0, rcid: 0, hb: 5000 }));
        }
      },
      feed: ({ data }) => sockets.at(-1)?.message(typeof data == 'string' ? data : data.buffer),
      probe: () => arrives(client, 'probe', () => sockets.at(-1)?.message(json({ t: 'event', name: 'probe', args: [1] }))),
    };
  },
};

// SSE over fetch, the raw protocol: chunks of an event stream; now and then the stream ends and the
// client reconnects with the fuzzed Last-Event-ID (through a fetch that refuses invalid headers, as browsers do).
const END = 'END OF STREAM';
const sseStream: FuzzTarget = {
  name: 'SSE',
  feeds: 'chunks of an event stream over fetch (raw protocol), the stream ended every ~500 chunks',
  generate(random) {
    if (random() < 0.002) return { data: END };
    const line = () => randomText(random, 12).replace(/[\r\n]/g, '');
    const valid = () =>
      pick(random, [
        () => `data: ${line()}\n\n`,
        () => `event: ${pick(random, ['cfmlMessage', 'message', line()])}\ndata: ${line()}\n\n`,
        () => `id: ${line()}\n`,
        () => `retry: ${int(random, 5000)}\n`,
        () => `: ${line()}\n`,
        () => `data: ${line()}\r\ndata: ${line()}\r\n\r\n`,
        () => 'data',
        () => '\r',
      ])();
    const bad = () => pick(random, [`\nx${line().replace(/:/g, '')}: ${line()}\n`, `\nretry: ${int(random, 99)}x\n`]);
    return mixed(random, valid, bad, () => ({ data: randomBytes(random) }));
  },
  start(random) {
    let write: ((chunk: Uint8Array) => void) | undefined;
    let end: (() => void) | undefined;
    const fetch = fakeFetch((_url, init) => {
      new Headers(init.headers); // a header value a browser would refuse (Last-Event-ID above U+00FF) throws here, as in fetch()
      let controller!: ReadableStreamDefaultController<Uint8Array>;
      const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
      // A stream the client gave up (aborted) takes nothing more: those chunks are simply dropped.
      write = (chunk) => {
        try {
          controller.enqueue(chunk);
        } catch {
          // closed
        }
      };
      end = () => {
        try {
          controller.close();
        } catch {
          // closed
        }
      };
      return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
    });
    const { client, reconnect } = fuzzClient(random, [sse('http://fuzz.test/events', { protocol: 'raw', firstByteTimeoutMs: 0 })], { fetch });
    return {
      client,
      async ready() {
        await reconnect();
        for (let i = 0; i < 5 && client.state.status != 'open'; i++) await settle();
      },
      async feed({ data }) {
        if (data == END) end?.();
        else write?.(typeof data == 'string' ? encoder.encode(data) : data);
        await settle();
      },
      probe: () => arrives(client, 'message', () => write?.(encoder.encode('\n\ndata: probe\n\n'))),
    };
  },
};

/** Socket.IO packets (protocol v5) as Engine.IO v4 `message` packets carry them, valid ones. */
const socketIoPacket = (random: Random) =>
  pick(random, [
    () => `2${json(['news', randomValue(random)])}`,
    () => `2/other,${json(['news'])}`,
    () => `2${int(random, 99)}${json(['q', randomValue(random)])}`,
    () => `3${int(random, 20)}${json([randomValue(random)])}`,
    () => `51-${json(['news', { _placeholder: true, num: 0 }])}`,
  ])();

/** Engine.IO long-polling payloads of one revision. */
function pollingTarget(eio: 3 | 4): FuzzTarget {
  const frame = (packets: string[]) => (eio == 3 ? packets.map((packet) => `${packet.length}:${packet}`).join('') : packets.join('\x1e'));
  const handshake = `0${json({ sid: 'fuzz', upgrades: [], pingInterval: 25_000, pingTimeout: 20_000, maxPayload: 100_000 })}`;
  return {
    name: `Engine.IO v${eio} polling`,
    feeds: `polling payloads (${eio == 3 ? '`<length>:<packet>` framing' : 'packets joined by \\x1e'}) carrying Socket.IO packets`,
    generate(random) {
      const packet = () =>
        pick(random, [() => `4${socketIoPacket(random)}`, () => '6', () => '2', () => `b${btoa(String.fromCharCode(...randomBytes(random, 8)))}`, () => (random() < 0.1 ? '1' : '6')])();
      const valid = () => frame(Array.from({ length: 1 + int(random, 3) }, packet));
      const bad = () =>
        eio == 3
          ? pick(random, [`9:4${json(['x'])}`, `x:4hello`, `0:`, `${int(random, 9) + 20}:4short`])
          : pick(random, [`9${randomText(random, 4)}`, 'b!!!not base64', `z`, `4${socketIoPacket(random)}\x1e7x`]);
      return mixed(random, valid, bad);
    },
    start(random) {
      /** The answer the poll in flight waits for. */
      let answer: ((body: string) => void) | undefined;
      let polled: (() => void) | undefined;
      const fetch = fakeFetch((url, init) => {
        if (init.method == 'POST') return new Response('ok');
        if (!url.searchParams.has('sid')) {
          // A new session: the handshake, then the namespace's CONNECT answer (v4: a sid in it).
          const connect = eio == 3 ? '40' : `40${json({ sid: 'nsp' })}`;
          return new Response(eio == 3 ? frame([handshake, connect]) : handshake);
        }
        polled?.();
        return new Promise<Response>((resolve) => (answer = (body) => resolve(new Response(body))));
      });
      const { client, reconnect } = fuzzClient(random, socketio('http://fuzz.test/', { eio, transports: ['polling'], upgrade: false }), { fetch });
      /** Resolves when the next poll is in flight (the previous answer was processed), or after a few turns. */
      const nextPoll = () =>
        Promise.race([new Promise<void>((resolve) => (polled = resolve)), (async () => {
          for (let i = 0; i < 20; i++) await settle();
        })()]);
      let connected = false;
      return {
        client,
        async ready() {
          await reconnect();
          for (let i = 0; i < 20 && client.state.status != 'open'; i++) {
            // v4: the CONNECT answer comes on the first poll after the handshake.
            if (eio == 4 && answer && !connected) {
              connected = true;
              const give = answer;
              answer = undefined;
              give(`40${json({ sid: 'nsp' })}`);
            }
            await settle();
          }
          if (client.state.status != 'open') connected = false;
        },
        async feed({ data }) {
          const give = answer;
          answer = undefined;
          const next = nextPoll();
          give?.(typeof data == 'string' ? data : String.fromCharCode(...data));
          await next;
          if (client.state.status != 'open') connected = false;
        },
        probe: () =>
          arrives(client, 'probe', () => {
            const give = answer;
            answer = undefined;
            give?.(frame([`4${`2${json(['probe', 1])}`}`]));
          }),
      };
    },
  };
}

// Socket.IO packets over an Engine.IO v4 WebSocket: text frames (Engine.IO packets around Socket.IO packets) and binary attachments.
const socketIoWebSocket: FuzzTarget = {
  name: 'Socket.IO packets',
  feeds: 'Engine.IO v4 WebSocket frames carrying Socket.IO v5 packets, binary attachments among them',
  generate(random) {
    const valid = () =>
      pick(random, [
        () => `4${socketIoPacket(random)}`,
        () => `4${socketIoPacket(random)}`,
        () => '2',
        () => '6',
        () => (random() < 0.1 ? pick(random, ['41', `44${json({ message: 'no' })}`, '1']) : '3'),
      ])();
    const bad = () => pick(random, [`4${int(random, 3) + 7}${randomText(random, 5)}`, `42["news"`, `42[1]`, `9${randomText(random, 5)}`, `4x`, `43`]);
    return mixed(random, valid, bad, () => ({ data: randomBytes(random) }));
  },
  start(random) {
    const { WebSocket, sockets } = fakeWebSocket();
    const { client, reconnect } = fuzzClient(random, socketio('http://fuzz.test/', { eio: 4, transports: ['websocket'] }), { WebSocket });
    return {
      client,
      async ready() {
        await reconnect();
        // The endpoint resolves its query (auth) first: the socket comes a few turns later.
        for (let i = 0; i < 10 && client.state.status != 'open'; i++) {
          const socket = sockets.at(-1);
          if (socket?.readyState == 0) {
            socket.accept();
            socket.message(`0${json({ sid: 'fuzz', upgrades: [], pingInterval: 25_000, pingTimeout: 20_000 })}`);
            socket.message(`40${json({ sid: 'nsp' })}`);
          }
          await settle();
        }
      },
      feed: ({ data }) => sockets.at(-1)?.message(typeof data == 'string' ? data : data.buffer),
      probe: () => arrives(client, 'probe', () => sockets.at(-1)?.message(`42${json(['probe', 1])}`)),
    };
  },
};

export const FUZZ_TARGETS: readonly FuzzTarget[] = [envelope, sseStream, pollingTarget(3), pollingTarget(4), socketIoWebSocket];
