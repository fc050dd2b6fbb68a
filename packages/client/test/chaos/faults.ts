// Seeded fault plans over the harness's `/_control` faults.
import { post } from './http.js';

export type FaultName = 'drop' | 'restart' | 'blackhole' | 'refuse-websocket' | 'hang-websocket' | 'sse-204' | 'sse-500';

/** One fault: when it starts (ms after the run began), and how long it is held before `reset` (0: a one-off). */
export interface PlannedFault {
  name: FaultName;
  atMs: number;
  holdMs: number;
  /** `restart` only: how long the server stays down. */
  downMs?: number;
}

/**
 * `count` faults drawn from `names` with `random`: each starts 0.8-2 s after the previous one ended,
 * and is held 0.3-1.5 s (a restart stays down as long). The same seed gives the same plan.
 */
export function planFaults(random: () => number, count: number, names: readonly FaultName[]): PlannedFault[] {
  const plan: PlannedFault[] = [];
  let at = 500;
  for (let i = 0; i < count; i++) {
    at += 800 + Math.round(random() * 1200);
    const name = names[Math.floor(random() * names.length)]!;
    const holdMs = name == 'drop' ? 0 : 300 + Math.round(random() * 1200);
    plan.push(name == 'restart' ? { name, atMs: at, holdMs: 0, downMs: holdMs } : { name, atMs: at, holdMs });
    at += holdMs;
  }
  return plan;
}

const ACTIONS: Record<FaultName, [control: string, params: Record<string, unknown>]> = {
  drop: ['drop', {}],
  restart: ['restart', {}],
  blackhole: ['blackhole', {}],
  'refuse-websocket': ['block-websocket', { mode: 'refuse' }],
  'hang-websocket': ['block-websocket', { mode: 'hang' }],
  'sse-204': ['sse-status', { status: '204' }],
  'sse-500': ['sse-status', { status: '500' }],
};

/**
 * Starts `fault` on the harness at `base`. A blocked carrier (WebSocket refused or hung, SSE answered
 * 204 or 500) also drops every connection, so that the clients meet the block when they reconnect
 * (an established connection would not notice it).
 */
export async function inject(base: string, fault: PlannedFault): Promise<void> {
  const [control, params] = ACTIONS[fault.name];
  await post(`${base}/_control/${control}`, fault.name == 'restart' ? { downMs: fault.downMs } : params);
  if (/websocket|sse/.test(fault.name)) await post(`${base}/_control/drop`, {});
}

/** Ends every fault (a blackhole's connections are cut then). */
export const reset = (base: string): Promise<void> => post(`${base}/_control/reset`, {});
