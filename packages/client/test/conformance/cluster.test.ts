// connect([urlA, urlB]) against two real harness processes on one real Redis (`pnpm harness --redis`):
// node A is SIGKILLed under the client, which moves to node B and resumes its session there. A backend
// pushes numbered messages through node B the whole time; the client sends numbered messages too.
import { afterEach, describe, expect, it } from 'vitest';
import { startHarnessCluster, type HarnessCluster } from '../../../../scripts/harness-cluster.mjs';
import { connect, type Client } from '../../src/index.js';
import { memoryStorage, record } from './fixture.js';

let cluster: HarnessCluster | undefined;
const clients: Client[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await cluster?.stop();
  cluster = undefined;
});

interface ServerEvents {
  tick(n: number): void;
  chat(message: { text: string; from: string }): void;
}
interface ClientEvents {
  join(room: string, nick?: string): { room: string; members: string[] };
  chat(message: { text: string }): { ok: boolean };
}

function clusterClient(urls: string[]) {
  const client = connect<ServerEvents, ClientEvents>(urls, { fallbackMemory: { storage: memoryStorage() } });
  clients.push(client);
  const ticks: number[] = [];
  const chats: string[] = [];
  client.on('tick', (n) => void ticks.push(n));
  client.on('chat', (message) => void chats.push(`${message.from}: ${message.text}`));
  return { client, log: record(client), ticks, chats };
}

const post = async (url: string, path: string, body: unknown) => {
  const response = await fetch(`${url}${path}`, { method: 'POST', body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
};

describe.each([
  { carrier: 'websocket', blockWebSocket: false },
  { carrier: 'sse', blockWebSocket: true },
])('connect([A, B]) over $carrier: node A killed under the client', ({ carrier, blockWebSocket }) => {
  it('moves to node B and resumes the session: nothing lost, nothing twice, in order, both ways', async () => {
    cluster = await startHarnessCluster({ args: ['--test-controls'] });
    const [a, b] = [cluster.nodes[0]!, cluster.nodes[1]!];
    // Behind a proxy that refuses WebSockets, the client rides SSE + POST on both nodes.
    if (blockWebSocket) for (const node of [a, b]) await post(node.url, '/_control/block-websocket?mode=refuse', {});
    const ann = clusterClient([a.url, b.url]);
    await ann.client.emitWithAck('join', 'ticker', 'ann');
    expect(ann.log.of('open')[0]).toMatchObject({ endpoint: `${carrier} ${a.url}/rt`, resumed: false });
    // Ben listens on node B, where Ann's chat must arrive exactly once whatever happens to node A.
    const ben = clusterClient([b.url]);
    await ben.client.emitWithAck('join', 'ticker', 'ben');

    const total = 50;
    let pushed = 0;
    const producer = (async () => {
      while (pushed < total) await post(b.url, '/rt/push', { name: 'tick', args: [++pushed], room: 'ticker' });
    })();
    await expect.poll(() => ann.ticks.length).toBeGreaterThanOrEqual(10);
    const mark = ann.log.mark();
    await a.kill();
    // Written while the client has no node: they wait in the outbox and go out once, on node B.
    for (let n = 1; n <= 5; n++) ann.client.emit('chat', { text: `message ${n}` });
    await producer;

    await expect.poll(() => ann.log.of('open', mark).length, { timeout: 10_000 }).toBe(1);
    expect(ann.log.of('open', mark)[0]).toMatchObject({ endpoint: `${carrier} ${b.url}/rt`, resumed: true, recovered: true });
    expect(ann.log.of('gap')).toEqual([]);
    await expect.poll(() => ann.ticks.length, { timeout: 10_000 }).toBe(total);
    expect(ann.ticks).toEqual(Array.from({ length: total }, (_, index) => index + 1));
    const sent = Array.from({ length: 5 }, (_, index) => `ann: message ${index + 1}`);
    await expect.poll(() => ben.chats, { timeout: 10_000 }).toEqual(sent);
    await expect.poll(() => ann.chats).toEqual(sent);
  });
});
