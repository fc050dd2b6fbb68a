import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HarnessContext, HarnessModule } from '../context.js';
import { guardControl } from '../control-access.js';
import { HttpError, pathSegments, readFields, requireMethod, sendJson } from '../http-util.js';
import { rejectUpgrade } from '../upgrade-faults.js';
import { Gateway, GatewayListenerError, GatewayNotRunningError } from './gateway.js';
import { DEFAULT_GATEWAYS } from './listeners.js';
import type { GatewayListener } from './listeners.js';

const LIFECYCLE_ACTIONS = ['start', 'stop', 'restart'] as const;
type LifecycleAction = (typeof LIFECYCLE_ACTIONS)[number];

/**
 * Lucee WebSocket gateways: `ws://HOST/gateways/{id}`, `GET /gateways[/{id}]`,
 * `POST /gateways/{id}/messages` (sendGatewayMessage) and `POST /gateways/{id}/{start|stop|restart}`.
 * Every configured gateway starts `running`.
 */
export function createGatewayModule(ctx: HarnessContext, listeners: Readonly<Record<string, GatewayListener>> = DEFAULT_GATEWAYS): HarnessModule {
  const gateways = new Map<string, Gateway>();
  for (const [id, listener] of Object.entries(listeners)) {
    const gateway = new Gateway(id, listener, ctx.options.maxFrameBytes, (line) => ctx.log(line));
    gateways.set(id, gateway);
  }

  /** Lucee's lookup: the id is lower-cased and trimmed; an unknown one names every instance. */
  function lookup(rawId: string): Gateway {
    const id = rawId.toLowerCase().trim();
    const gateway = gateways.get(id);
    if (!gateway) {
      throw new HttpError(
        404,
        'unknown-gateway',
        `there is no gateway instance with id [${id}], available gateway instances are [${[...gateways.keys()].join(', ')}]`,
      );
    }
    return gateway;
  }

  async function sendGatewayMessage(req: IncomingMessage, res: ServerResponse, gateway: Gateway): Promise<void> {
    if (!gateway.running) throw new HttpError(409, 'gateway-not-running', new GatewayNotRunningError(gateway.id).message);
    const fields = await readFields(req, ctx.options.maxFrameBytes);
    const { message, connections } = fields;
    if (typeof message !== 'string') {
      throw new HttpError(400, 'bad-message', 'the data struct must contain a string key [message]');
    }
    if (connections !== undefined && !(Array.isArray(connections) && connections.every((id) => typeof id === 'string'))) {
      throw new HttpError(400, 'bad-connections', '[connections] must be an array of connection ids (strings)');
    }
    try {
      sendJson(res, 200, { delivered: gateway.send(message, connections) });
    } catch (error) {
      if (error instanceof GatewayNotRunningError) throw new HttpError(409, error.code, error.message);
      if (error instanceof GatewayListenerError) throw new HttpError(500, error.code, error.message);
      throw error;
    }
  }

  function lifecycle(res: ServerResponse, gateway: Gateway, action: LifecycleAction): void {
    gateway[action]();
    sendJson(res, 200, gateway.status());
  }

  return {
    name: 'gateways',
    async handleRequest(req, res, url) {
      const [root, rawId, action, ...rest] = pathSegments(url);
      if (root !== 'gateways' || rest.length > 0) return false;
      if (rawId === undefined) {
        requireMethod(req, 'GET');
        sendJson(res, 200, { gateways: [...gateways.values()].map((gateway) => gateway.status()) });
        return true;
      }
      const gateway = lookup(rawId);
      if (action === undefined) {
        requireMethod(req, 'GET');
        sendJson(res, 200, gateway.status());
      } else if (action === 'messages') {
        requireMethod(req, 'POST');
        await sendGatewayMessage(req, res, gateway);
      } else if ((LIFECYCLE_ACTIONS as readonly string[]).includes(action)) {
        // Stopping a gateway is a control: no web page of another origin may do it.
        guardControl(req, res, ctx.options.controlOrigins);
        requireMethod(req, 'POST');
        lifecycle(res, gateway, action as LifecycleAction);
      } else {
        throw new HttpError(404, 'not-found', `unknown gateway action [${action}]; use messages, start, stop or restart`);
      }
      return true;
    },
    handleUpgrade(req, socket, head, url) {
      let segments: string[];
      try {
        segments = pathSegments(url);
      } catch {
        return false;
      }
      const [root, rawId, ...rest] = segments;
      if (root !== 'gateways' || rawId === undefined || rest.length > 0) return false;
      let gateway: Gateway;
      try {
        gateway = lookup(rawId);
      } catch (error) {
        ctx.log(`gateways: upgrade refused: ${(error as Error).message}`);
        rejectUpgrade(socket, 404, 'unknown-gateway', (error as Error).message);
        return true;
      }
      if (!gateway.running) {
        ctx.log(`gateways: upgrade to ${gateway.id} refused (${gateway.status().state})`);
        rejectUpgrade(socket, 503, 'gateway-not-running', `Gateway [${gateway.id}] is not running`);
      } else {
        gateway.accept(req, socket, head);
      }
      return true;
    },
    close() {
      for (const gateway of gateways.values()) gateway.close();
    },
  };
}
