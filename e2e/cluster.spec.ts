import { MISSING_REDIS, redisServerPath } from '../scripts/redis.mjs';
import { startHarnessCluster, type HarnessCluster } from '../scripts/harness-cluster.mjs';
import { expect, numbered, test, uniqueRoom, type ChatPage } from './fixtures.js';

// Two harness nodes on one real Redis (`pnpm harness --redis`), started by this spec so that it can
// SIGKILL one: Ann's page lists node A first, Ben's node B, so each starts on its own node. Node A dies
// mid-conversation; Ann's page moves to node B and resumes its session. Both keep chatting; every
// numbered message arrives exactly once, in order, on both pages, and Ann's page shows the move.
let cluster: HarnessCluster | undefined;

test.beforeAll(async () => {
  // CI installs redis-server (.ci/run); a machine without it skips this spec with the reason.
  if (!redisServerPath() && !process.env.CI) return;
  cluster = await startHarnessCluster({ args: ['--heartbeat-ms', '1000'] });
});
test.afterAll(async () => {
  await cluster?.stop();
});

const hostOf = (url: string) => new URL(url).host;

test('two people chat across two nodes; the node one of them is on is killed: both keep chatting, nothing lost or twice', async ({ openChat }, testInfo) => {
  test.skip(!cluster, MISSING_REDIS);
  const [a, b] = [cluster!.nodes[0]!, cluster!.nodes[1]!];
  const room = uniqueRoom('cluster');
  const open = async (nick: string, servers: string[]): Promise<ChatPage> => {
    const page = await openChat({ transport: 'auto', room, nick, query: { server: servers.join(',') } });
    await page.expectOpen('websocket');
    await page.expectJoined();
    return page;
  };
  const ann = await open('ann', [a.url, b.url]);
  const ben = await open('ben', [b.url, a.url]);
  await expect(ann.field('node')).toHaveText(hostOf(a.url));
  await expect(ben.field('node')).toHaveText(hostOf(b.url));
  await ann.expectMember('ben');

  await ann.sendAll(numbered('A', 1, 3));
  await ben.sendAll(numbered('B', 1, 3));
  await ann.expectSequence('B-', numbered('B', 1, 3));
  await ben.expectSequence('A-', numbered('A', 1, 3));

  // Node A dies as a crashed machine would: no close frame, no goodbye.
  await a.kill();
  // Typed at once, before Ann's page may have noticed anything.
  await ann.send('A-4');
  await ben.send('B-4');

  // Ann's page moved to node B, resumed its session, and says so.
  await ann.expectOpen('websocket', 15_000);
  await expect(ann.field('node')).toHaveText(new RegExp(`^${hostOf(b.url)} \\(moved from ${hostOf(a.url)} at .*, session resumed\\)$`));
  await expect(ann.field('node')).toHaveAttribute('data-moved', 'true');
  await expect.poll(() => ann.events('open')).toContainEqual(`websocket ${b.url}/rt, session resumed, recovered`);
  await ann.screenshot(testInfo, 'cluster-moved');

  await ann.sendAll(numbered('A', 5, 6));
  await ben.sendAll(numbered('B', 5, 6));
  for (const page of [ann, ben]) {
    await page.expectSequence('A-', numbered('A', 1, 6));
    await page.expectSequence('B-', numbered('B', 1, 6));
    // Every own message came back through the room exactly once.
    await expect.poll(() => page.ownStatuses()).toEqual(Array(6).fill('delivered'));
  }
  // Ben never saw Ann leave: her session went on, on the other node.
  await expect(ben.page.getByTestId('notice').filter({ hasText: /ann left/ })).toHaveCount(0);
  await expect(ben.field('node')).toHaveText(hostOf(b.url));
});
