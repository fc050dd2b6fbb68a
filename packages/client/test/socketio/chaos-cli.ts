// `pnpm --filter @unisocket/client chaos:socketio [--seed N] [--faults N]`: the long randomized fault
// run of chaos.ts (default: 150 faults, about 4 minutes). Exit code 1 when a client lost a message no
// gap excuses, or missed the final batch.
import { WebSocket as NodeWebSocket } from 'ws';
import { runChaos } from './chaos.js';

(globalThis as { WebSocket?: unknown }).WebSocket ??= NodeWebSocket;

const option = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? fallback : Number(process.argv[at + 1]);
};
const seed = option('seed', Date.now() % 100_000);
const faults = option('faults', 150);
console.log(`socket.io chaos: seed ${seed}, ${faults} faults`);
const report = await runChaos({ seed, faults, log: (line) => console.log(line) });
console.log(`\n${report.pushed} messages acknowledged by the server`);
let failed = false;
for (const client of report.clients) {
  const bad = client.lost.length > 0 || client.finalMissing.length > 0;
  failed ||= bad;
  console.log(
    `${bad ? 'FAIL' : 'ok  '} ${client.kind}: received ${client.received}, lost ${client.lost.length}${client.lost.length ? ` (${client.lost.slice(0, 10).join(', ')}…)` : ''}, final batch missing ${client.finalMissing.length}, ${client.resumes} resumes, ${client.gaps} gaps`,
  );
}
console.log(failed ? `\nFAILED (replay with --seed ${seed} --faults ${faults})` : '\npassed');
process.exit(failed ? 1 : 0);
