// What one ack costs our client while many requests await theirs: the envelope over a fake
// transport (no network, no server), `awaiting` requests kept outstanding, and each step answers the
// oldest (acks come in order, as from an envelope server) and issues a new request.
import { createClient } from '@unisocket/client';
import { createFakeEndpoint, createFakeEnvironment } from '@unisocket/client/testing';

const welcome = JSON.stringify({ t: 'welcome', v: 1, session: 's', token: 'k', resumed: false, seq: 0, rcid: 0, hb: 60_000 });

/**
 * CPU µs per step (an ack received and settled, a new request sent) over `steps` steps with `awaiting`
 * outstanding: the process's own CPU time (`process.cpuUsage()`), so other processes on a shared
 * machine do not count (wall time there can be ten times longer, and varies from run to run).
 */
export async function ackCost(awaiting: number, steps: number): Promise<number> {
  const endpoint = createFakeEndpoint();
  const client = createClient({
    endpoints: [endpoint],
    environment: createFakeEnvironment(),
    fallbackMemory: false,
    heartbeat: false,
    ackTimeoutMs: Infinity,
    outbox: { maxMessages: Infinity, maxBytes: Infinity },
    autoConnect: false,
  });
  client.connect();
  const transport = endpoint.last!;
  transport.accept();
  transport.receive(welcome);
  try {
    const ignore = () => undefined;
    for (let i = 0; i < awaiting; i++) client.emitWithAck('work', i).catch(ignore);
    await Promise.resolve();
    // The server's acks, in order, prepared before the clock starts.
    const acks = Array.from({ length: 2 * steps }, (_, i) => `{"t":"ack","seq":${i + 1},"cid":${i + 1},"args":[${i}]}`);
    const run = async (from: number) => {
      for (let i = from; i < from + steps; i++) {
        transport.receive(acks[i]!);
        client.emitWithAck('work', i).catch(ignore);
      }
      await new Promise((resolve) => setImmediate(resolve)); // the settled Promises run their callbacks
    };
    // As many steps first, untimed: the garbage of filling the window is collected before the clock starts.
    await run(0);
    const start = process.cpuUsage();
    await run(steps);
    const { user, system } = process.cpuUsage(start);
    return (user + system) / steps;
  } finally {
    client.close();
  }
}
