// A herd of clients through one outage, in compressed time: how often each knocks while the server
// is down, and how their arrivals spread once it is back. Ours: the client's own connection code
// (`connect()`'s two endpoints, library defaults) on one shared fake clock, every attempt refused at
// once while the server is down and welcomed at once after. socket.io-client: its own `Backoff`
// class, driven as its Manager drives it. 1,000 real clients in one process on this 2-core machine
// would measure the bench process's CPU, not the policy (each refused round is two connections);
// the real recovery of one client is the `recovery` group's.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { createClient, type Client } from '@unisocket/client';
import { createFakeClock, createFakeEndpoint, createFakeEnvironment, type FakeEndpoint, type FakeTransport } from '@unisocket/client/testing';

export interface HerdTrial {
  clients: number;
  /** Per client: reconnect rounds started while the server was down (ours: each tries the WebSocket, then SSE). */
  rounds: number[];
  /** Per client: connections tried while the server was down. */
  connections: number[];
  /** Per client: ms from the server being back to the client being connected again (the policy's wait; connecting itself takes no time here). */
  arrivals: number[];
}

const WELCOME = JSON.stringify({ t: 'welcome', v: 1, session: 's', token: 'k', resumed: false, seq: 0, rcid: 0, hb: 60_000 });
/** When the outage starts, in the compressed time: everyone is connected by then. */
const FAULT_AT = 10_000;

/** What one client tried while the server was down. */
interface Tried {
  /** Rounds started (each starts with the WebSocket). */
  rounds: number;
  /** Connections refused. */
  connections: number;
}

/** An endpoint of `kind` whose transports are refused while `down()` holds and welcomed otherwise, at once; counts what was tried. */
function serverEndpoint(kind: 'websocket' | 'sse', down: () => boolean, tried: Tried): FakeEndpoint {
  const endpoint = createFakeEndpoint({ kind, label: `${kind} herd` });
  const create = endpoint.createTransport.bind(endpoint);
  endpoint.createTransport = (context) => {
    const transport = create(context) as FakeTransport;
    transport.open = () => {
      if (down()) {
        tried.connections++;
        if (kind == 'websocket') tried.rounds++;
        transport.onclose?.({ reason: 'refused', wasOpen: false, message: 'the server is down' });
      } else {
        transport.accept();
        transport.receive(WELCOME);
      }
    };
    return transport;
  };
  return endpoint;
}

export function oursHerd(clients: number, outageMs: number): HerdTrial {
  const clock = createFakeClock();
  const backAt = FAULT_AT + outageMs;
  const down = () => clock.now() >= FAULT_AT && clock.now() < backAt;
  const herd: { client: Client; ws: FakeEndpoint; tried: Tried; arrival?: number }[] = [];
  for (let i = 0; i < clients; i++) {
    const tried: Tried = { rounds: 0, connections: 0 };
    const ws = serverEndpoint('websocket', down, tried);
    const sse = serverEndpoint('sse', down, tried);
    // `connect()`'s endpoints and defaults; its own random jitter per client.
    const client = createClient({ endpoints: [ws, sse], clock, environment: createFakeEnvironment(), fallbackMemory: false, autoConnect: false });
    const member: (typeof herd)[number] = { client, ws, tried };
    client.lifecycle.on('open', () => void (clock.now() >= backAt && (member.arrival ??= clock.now() - backAt)));
    client.connect();
    herd.push(member);
  }
  clock.advance(FAULT_AT);
  for (const member of herd) if (member.client.state.status == 'open') member.ws.last?.drop({ reason: 'network' });
  clock.advance(outageMs + 60_000);
  for (const member of herd) member.client.close();
  return {
    clients,
    rounds: herd.map((member) => member.tried.rounds),
    connections: herd.map((member) => member.tried.connections),
    arrivals: herd.flatMap((member) => (member.arrival === undefined ? [] : [member.arrival])),
  };
}

interface Backoff {
  duration(): number;
}

/** socket.io-client's own `Backoff` (build/esm/contrib/backo2.js), loaded by path (the package does not export it). */
export async function socketIoBackoff(): Promise<new (options: { min: number; max: number; jitter: number }) => Backoff> {
  const pkg = createRequire(import.meta.url).resolve('socket.io-client/package.json');
  const module = (await import(pathToFileURL(pkg.replace(/package\.json$/, 'build/esm/contrib/backo2.js')).href)) as { Backoff: new (options: { min: number; max: number; jitter: number }) => Backoff };
  return module.Backoff;
}

/**
 * socket.io-client's Manager after a lost connection, with its defaults (reconnectionDelay 1 s,
 * reconnectionDelayMax 5 s, randomizationFactor 0.5): each attempt after `backoff.duration()`, the
 * next scheduled when one fails; the first after the server is back connects.
 */
export async function socketIoHerd(clients: number, outageMs: number): Promise<HerdTrial> {
  const Backoff = await socketIoBackoff();
  const trial: HerdTrial = { clients, rounds: [], connections: [], arrivals: [] };
  for (let i = 0; i < clients; i++) {
    const backoff = new Backoff({ min: 1000, max: 5000, jitter: 0.5 });
    let at = backoff.duration();
    let attempts = 0;
    for (; at < outageMs; at += backoff.duration()) attempts++;
    trial.rounds.push(attempts);
    trial.connections.push(attempts);
    trial.arrivals.push(at - outageMs);
  }
  return trial;
}
