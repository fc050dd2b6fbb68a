import { connect, connectSocketIo, createClient, createLogger, sse, websocket, type Client, type PolicyOptions } from '@unisocket/client';
import type { DemoConfig, Tuning } from '../config.js';

/** The connection policy the URL's tuning knobs ask for; everything else keeps the client's defaults. */
export function policyFrom(tuning: Tuning): PolicyOptions {
  const policy: PolicyOptions = {};
  if (tuning.heartbeatTimeoutMs !== undefined) policy.heartbeat = { timeoutMs: tuning.heartbeatTimeoutMs };
  if (tuning.fallbackDelayMs !== undefined) policy.fallbackDelayMs = tuning.fallbackDelayMs;
  if (tuning.connectTimeoutMs !== undefined) policy.connectTimeoutMs = tuning.connectTimeoutMs;
  if (tuning.maxDelayMs !== undefined) policy.backoff = { maxDelayMs: tuning.maxDelayMs, minDelayMs: Math.min(50, tuning.maxDelayMs) };
  if (tuning.reprobeAfterMs !== undefined) policy.reprobeAfterMs = tuning.reprobeAfterMs;
  if (tuning.debug) policy.logger = createLogger();
  return policy;
}

/**
 * One client per transport mode, all against the same server:
 * - `auto`: `connect(nodes)`, the envelope protocol on `/rt` over WebSocket with SSE fallback, on every
 *   node of the server (one node: `connect(server)`; several: the client moves on when its node is lost);
 * - `websocket` / `sse`: the same protocol pinned to one carrier (one endpoint per node);
 * - `socketio`: `connectSocketIo(server)`;
 * - `gateway`: raw strings on the Lucee gateway `ws://server/gateways/{room}`;
 * - `cfml`: raw SSE from `/sse/{room}` (custom `cfmlMessage` events), POSTing `message=` to the same URL.
 */
export function createDemoClient(config: DemoConfig, tuning: Tuning): Client {
  const policy = policyFrom(tuning);
  const { server, room } = config;
  const nodes = config.nodes.length ? config.nodes : [server];
  switch (config.transport) {
    case 'auto':
      return connect(nodes, policy);
    case 'websocket':
      return createClient({ ...policy, endpoints: nodes.map((node) => websocket(`${node}/rt`)) });
    case 'sse':
      return createClient({ ...policy, endpoints: nodes.map((node) => sse(`${node}/rt`)) });
    case 'socketio':
      return connectSocketIo(server, policy);
    case 'gateway':
      return createClient({ ...policy, endpoints: [websocket(`${server}/gateways/${encodeURIComponent(room)}`, { protocol: 'raw' })] });
    case 'cfml': {
      const channel = `${server}/sse/${encodeURIComponent(room)}`;
      return createClient({ ...policy, endpoints: [sse(channel, { protocol: 'raw', postUrl: channel, events: ['cfmlMessage'] })] });
    }
  }
}
