// A randomized fault run against the harness's real socket.io 4 (connection state recovery on): clients
// of every kind sit in one room of `/chat` while a pusher sends numbered messages to it and the harness
// drops, restarts, black-holes and blocks connections. Every message the server acknowledged must reach
// every client, unless that client reported a `gap` (then it re-joins the room, and what was sent
// between its last message before the loss and the re-join is excused). After the faults a final batch
// must reach everyone: a client whose room went silent after a resume fails it.
// The quick seeded run is chaos.test.ts; the long run: `pnpm --filter @unisocket/client chaos:socketio`.
import { request } from 'node:http';
import { startHarness, type Harness } from '@unisocket/harness-server';
import { createClient, type Client } from '../../src/core/client.js';
import { socketio } from '../../src/socketio/endpoint.js';
import type { SocketIoEndpointOptions } from '../../src/socketio/options.js';
import type { ClientOptions } from '../../src/core/options.js';
import { seeded } from '../chaos/prng.js';

export interface ChaosOptions {
  seed: number;
  /** How many faults to inject. */
  faults: number;
  /** Reports progress. */
  log?: (line: string) => void;
}

export interface ClientReport {
  kind: string;
  received: number;
  /** Acknowledged messages that never arrived and no gap excuses. */
  lost: number[];
  /** Of the final batch, what never arrived. */
  finalMissing: number[];
  resumes: number;
  gaps: number;
}

export interface ChaosReport {
  seed: number;
  faults: string[];
  pushed: number;
  clients: ClientReport[];
}

const ROOM = 'chaos';
const FINAL_BATCH = 20;

/** The client kinds: every carrier order, both revisions, and a background re-probe. */
const KINDS: [string, SocketIoEndpointOptions, Partial<ClientOptions>][] = [
  ['polling, upgrade (detect)', {}, {}],
  ['websocket first (v4)', { eio: 4 }, {}],
  ['polling only (v4)', { eio: 4, transports: ['polling'] }, {}],
  ['polling then websocket re-probe (v4)', { eio: 4, transports: ['websocket', 'polling'], upgrade: false }, { reprobeAfterMs: 1500 }],
  ['Engine.IO v3 (no recovery)', { eio: 3 }, {}],
];

interface Member {
  kind: string;
  client: Client;
  seen: Set<number>;
  /** Excused ranges of message numbers (a gap, until the re-join). */
  excused: [from: number, to: number][];
  /** The highest number received so far, and before the last loss of connection. */
  highest: number;
  lastBeforeLoss: number;
  resumes: number;
  gaps: number;
  /** Resolved once the last re-join after a gap is done. */
  rejoined: Promise<unknown>;
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  for (const end = Date.now() + timeoutMs; Date.now() < end; await wait(50)) if (condition()) return true;
  return condition();
}

export async function runChaos({ seed, faults, log = () => undefined }: ChaosOptions): Promise<ChaosReport> {
  const random = seeded(seed);
  const between = (min: number, max: number) => Math.round(min + random() * (max - min));
  const harness: Harness = await startHarness({
    port: 0,
    testControls: true,
    testEventDelayMs: -1,
    socketIoPingIntervalMs: 500,
    socketIoPingTimeoutMs: 1000,
    log: () => undefined,
  });
  /**
   * `POST /_control/{name}` on a connection of its own (`fetch` would reuse a pooled one, perhaps one
   * the blackhole silenced), retried while the harness is down (a restart).
   */
  const control = async (name: string, params: Record<string, string> = {}) => {
    const url = `${harness.url}/_control/${name}?${new URLSearchParams(params)}`;
    while (!(await new Promise<boolean>((done) => request(url, { method: 'POST', agent: false }, (res) => res.resume().on('end', () => done(true))).on('error', () => done(false)).end()))) {
      await wait(100);
    }
  };
  const policy: Partial<ClientOptions> = {
    fallbackMemory: false,
    backoff: { initialDelayMs: 100, maxDelayMs: 1000 },
    heartbeat: { timeoutMs: 1000 },
    connectTimeoutMs: 3000,
    ackTimeoutMs: Infinity,
  };
  const open = (options: SocketIoEndpointOptions, extra: Partial<ClientOptions>) =>
    createClient({ ...policy, ...extra, endpoints: socketio(`${harness.url}/chat`, options) });

  /** The highest message number the pusher has emitted so far (acknowledged or not). */
  let emitted = 0;
  const acked = new Set<number>();

  const members: Member[] = KINDS.map(([kind, options, extra], index) => {
    const client = open(options, { ...extra, random: seeded(seed + index + 1) });
    const member: Member = { kind, client, seen: new Set(), excused: [], highest: 0, lastBeforeLoss: 0, resumes: 0, gaps: 0, rejoined: client.emitWithAck('join', ROOM) };
    client.on('chat', (message: { text: number }) => {
      member.seen.add(message.text);
      member.highest = Math.max(member.highest, message.text);
    });
    client.lifecycle.on('close', () => (member.lastBeforeLoss = member.highest));
    client.lifecycle.on('open', ({ resumed, recovered }) => recovered && resumed && member.resumes++);
    client.lifecycle.on('gap', () => {
      member.gaps++;
      const from = member.lastBeforeLoss + 1;
      // What the pusher emits after the re-join's answer arrives reaches the room with this client in it.
      member.rejoined = client.emitWithAck('join', ROOM).then(() => member.excused.push([from, emitted]));
    });
    return member;
  });
  await Promise.all(members.map((member) => member.rejoined));

  const pusher = open({ eio: 4 }, {});
  let pusherRoom = pusher.emitWithAck('join', ROOM);
  pusher.lifecycle.on('gap', () => (pusherRoom = pusher.emitWithAck('join', ROOM)));
  await pusherRoom;
  let pushing = true;
  const push = async (count = Infinity) => {
    for (let sent = 0; sent < count && (pushing || count < Infinity); sent++) {
      await pusherRoom;
      const number = ++emitted;
      await pusher.emitWithAck('chat', { text: number });
      acked.add(number);
      // About 150 a second: enough to land in every fault, without flooding a small machine.
      if (count == Infinity) await wait(5);
    }
  };
  const pushed = push();

  const injected: string[] = [];
  for (let index = 0; index < faults; index++) {
    await wait(between(100, 1200));
    const pick = random();
    let fault: string;
    if (pick < 0.3) {
      fault = 'drop';
      await control('drop');
    } else if (pick < 0.55) {
      const downMs = between(100, 1500);
      fault = `restart ${downMs} ms`;
      await control('restart', { downMs: `${downMs}` });
      await wait(downMs);
    } else if (pick < 0.75) {
      const holdMs = between(300, 3000);
      fault = `blackhole ${holdMs} ms`;
      await control('blackhole');
      await wait(holdMs);
      await control('reset');
    } else {
      const mode = (['refuse', 'hang', 'accept-then-kill', 'accept-silent'] as const)[between(0, 3)]!;
      const holdMs = between(300, 3000);
      fault = `block-websocket ${mode} ${holdMs} ms`;
      await control('block-websocket', { mode, afterMs: `${between(50, 500)}` });
      await wait(holdMs);
      await control('reset');
    }
    injected.push(fault);
    log(`fault ${index + 1}/${faults}: ${fault} (${acked.size} acknowledged so far)`);
  }
  await control('reset');
  pushing = false;
  await pushed;

  // Everyone back, in the room again after any gap, then one last batch that everyone must see.
  await until(() => [...members.map((member) => member.client), pusher].every((client) => client.state.status == 'open'), 30_000);
  await Promise.all(members.map((member) => member.rejoined));
  await pusherRoom;
  const finalFrom = emitted + 1;
  await push(FINAL_BATCH);
  const finalNumbers = Array.from({ length: FINAL_BATCH }, (_, index) => finalFrom + index);
  await until(() => members.every((member) => finalNumbers.every((number) => member.seen.has(number))), 10_000);

  const report: ChaosReport = {
    seed,
    faults: injected,
    pushed: acked.size,
    clients: members.map(({ kind, seen, excused, resumes, gaps }) => ({
      kind,
      received: seen.size,
      lost: [...acked].filter((number) => number < finalFrom && !seen.has(number) && !excused.some(([from, to]) => number >= from && number <= to)),
      finalMissing: finalNumbers.filter((number) => !seen.has(number)),
      resumes,
      gaps,
    })),
  };
  for (const client of [...members.map((member) => member.client), pusher]) client.close();
  await harness.close();
  return report;
}
