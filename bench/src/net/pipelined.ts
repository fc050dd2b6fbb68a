// Pipelined acked envelope events in Node against the harness: our client next to a bare `ws`
// WebSocket speaking the envelope frames by hand (hello, events with cids, counting acks).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type * as UnisocketClient from '@unisocket/client';
import WebSocket from 'ws';
import { clientSourceEntry } from '../bundler.js';
import { PAYLOAD } from '../page/payload.js';

type ClientModule = typeof UnisocketClient;

/**
 * Our client as a Node app runs it: one ES module bundled by esbuild from the source (as a library
 * build or an app's bundler compiles it), not the TypeScript the bench itself runs under `tsx`, whose
 * development transform (names kept on every closure, source maps) would be measured too.
 */
export async function loadClientBuild(): Promise<ClientModule> {
  const dir = mkdtempSync(join(tmpdir(), 'unisocket-bench-'));
  try {
    const file = join(dir, 'client.mjs');
    const { outputFiles } = await build({ entryPoints: [clientSourceEntry], bundle: true, format: 'esm', platform: 'node', target: 'node20', write: false, logLevel: 'silent' });
    writeFileSync(file, outputFiles[0]!.contents);
    return (await import(pathToFileURL(file).href)) as ClientModule;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const TIMEOUT_MS = 60_000;

const withTimeout = <T>(promise: Promise<T>, what: string): Promise<T> =>
  Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: not within ${TIMEOUT_MS} ms`)), TIMEOUT_MS).unref())]);

/** One side of a round: wall time to the last ack, and the CPU time the bench process (the client) spent meanwhile. */
export interface PipelinedRun {
  ms: number;
  cpuUs: number;
}

const timed = async (work: () => Promise<void>): Promise<PipelinedRun> => {
  const [start, cpu] = [performance.now(), process.cpuUsage()];
  await work();
  const { user, system } = process.cpuUsage(cpu);
  return { ms: performance.now() - start, cpuUs: user + system };
};

/** Issues `n` `emitWithAck('echo')` without waiting and awaits every ack, with `client` from {@link loadClientBuild}. */
export async function oursPipelined({ createClient, websocket }: ClientModule, harnessUrl: string, n: number): Promise<PipelinedRun> {
  const client = createClient({ endpoints: [websocket(`${harnessUrl.replace(/^http/, 'ws')}/rt`)], platform: { WebSocket: WebSocket as unknown as typeof globalThis.WebSocket }, fallbackMemory: false });
  try {
    await withTimeout(new Promise<void>((resolve) => client.lifecycle.once('open', () => resolve())), 'open');
    for (let i = 0; i < 20; i++) await client.emitWithAck('echo', PAYLOAD);
    return await timed(async () => {
      const acks: Promise<unknown>[] = [];
      for (let i = 0; i < n; i++) acks.push(client.emitWithAck('echo', PAYLOAD));
      await withTimeout(Promise.all(acks), 'acks');
    });
  } finally {
    client.close();
  }
}

/**
 * The same with a bare `ws` WebSocket speaking the envelope by hand, as the Chromium page's `bare-ws`
 * peer does (`page/anchors.ts`): `hello`, then per request an event frame asking for an ack and a
 * Promise its ack resolves (a Map from cid to resolver): what an acked request needs at the least.
 */
export async function barePipelined(harnessUrl: string, n: number): Promise<PipelinedRun> {
  const socket = new WebSocket(`${harnessUrl.replace(/^http/, 'ws')}/rt`);
  try {
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.once('open', () => socket.send(JSON.stringify({ t: 'hello', v: 1 })));
        socket.once('message', () => resolve());
      }),
      'welcome',
    );
    const acks = new Map<number, (args: unknown) => void>();
    let cid = 0;
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { t: string; cid: number; args?: unknown[] };
      if (frame.t != 'ack') return;
      acks.get(frame.cid)?.(frame.args?.[0]);
      acks.delete(frame.cid);
    });
    const ask = (args: unknown[]) =>
      new Promise<unknown>((done) => {
        acks.set(++cid, done);
        socket.send(JSON.stringify({ t: 'event', cid, name: 'echo', args, ack: true }));
      });
    for (let i = 0; i < 20; i++) await ask([PAYLOAD]);
    return await timed(async () => {
      const answers: Promise<unknown>[] = [];
      for (let i = 0; i < n; i++) answers.push(ask([PAYLOAD]));
      await withTimeout(Promise.all(answers), 'acks');
    });
  } finally {
    socket.close();
  }
}
