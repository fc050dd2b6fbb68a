import type { IncomingMessage, ServerResponse } from 'node:http';
import { defaultFaults } from './context.js';
import { guardControl } from './control-access.js';
import type { Faults, HarnessContext, HarnessModule, SseFaults, WebSocketBlockMode } from './context.js';
import { HttpError, pathSegments, readFields, requireMethod, sendJson } from './http-util.js';
import { openReleaseGate, type ReleaseGate } from './release-gate.js';
import type { TcpTracker } from './tcp-tracker.js';

/** What the control module may do to the server beyond the shared fault state. */
export interface ControlActions {
  readonly tracker: TcpTracker;
  /** Drops everything and stops listening for `downMs` (or until `gate` is released), then listens again on the same port. */
  restart(downMs: number, gate?: ReleaseGate): void;
}

const BLOCK_MODES: readonly WebSocketBlockMode[] = ['off', 'refuse', 'hang', 'accept-then-kill', 'accept-silent'];
const LINE_ENDINGS: readonly SseFaults['lineEnding'][] = ['lf', 'crlf', 'cr'];
const MAX_DELAY_MS = 600_000;
/** How long a held restart stays down when nobody releases it (a test runner that died mid-test). */
const HOLD_LIMIT_MS = 60_000;

type Params = (name: string) => unknown;

/**
 * Fault injection under `/_control/*`, present only with `--test-controls` (otherwise 404).
 * Parameters come from the query string or a JSON/form body (the body wins); every answer is
 * `{"faults": {...}}` with the new fault state, plus what the action did.
 */
export function createControlModule(ctx: HarnessContext, actions: ControlActions): HarnessModule {
  const faults = ctx.faults;

  type Done = Record<string, unknown>;
  const handlers: Record<string, (param: Params, req: IncomingMessage, res: ServerResponse) => Done | Promise<Done>> = {
    drop: (_param, req) => ({ dropped: actions.tracker.drop(req.socket) }),
    'block-websocket': (param) => {
      const mode = oneOf(param('mode'), BLOCK_MODES, 'mode');
      faults.blockWebSocketAfterMs = integer(param('afterMs'), 300, 'afterMs');
      faults.blockWebSocket = mode;
      return {};
    },
    blackhole: (_param, req) => ({ blackholed: actions.tracker.blackhole(req.socket) }),
    restart: async (param, _req, res) => {
      const hold = param('hold') !== undefined && boolean(param('hold'), 'hold');
      const downMs = integer(param('downMs'), hold ? HOLD_LIMIT_MS : 1000, 'downMs');
      // Held: down until a POST to the gate's URL (a port of its own: this one refuses connections meanwhile).
      const gate = hold ? await openReleaseGate(ctx.options.host) : undefined;
      // Answer first (or once the caller went away); the restart then takes this connection down too.
      res.once('close', () => actions.restart(downMs, gate));
      return { restarting: true, downMs, ...(gate && { release: gate.url }) };
    },
    'sse-status': (param) => {
      const status = String(param('status') ?? '');
      faults.sse.status = status === '204' ? 204 : status === '500' ? 500 : oneOf(status, ['ok', 'wrong-type'] as const, 'status');
      return {};
    },
    'sse-format': (param) => {
      const next = { ...faults.sse };
      if (param('lineEnding') !== undefined) next.lineEnding = oneOf(param('lineEnding'), LINE_ENDINGS, 'lineEnding');
      if (param('bom') !== undefined) next.bom = boolean(param('bom'), 'bom');
      if (param('comments') !== undefined) next.comments = boolean(param('comments'), 'comments');
      Object.assign(faults.sse, next);
      return {};
    },
    delay: (param) => {
      faults.firstByteDelayMs = integer(param('firstByteMs'), 0, 'firstByteMs');
      return {};
    },
    reset: () => {
      Object.assign(faults, defaultFaults());
      return { unblackholed: actions.tracker.endBlackhole() };
    },
  };

  return {
    name: 'control',
    async handleRequest(req, res, url) {
      const [root, action, ...rest] = pathSegments(url);
      if (root !== '_control') return false;
      if (!ctx.options.testControls) {
        throw new HttpError(404, 'not-found', 'test controls are off (start the harness with --test-controls)');
      }
      guardControl(req, res, ctx.options.controlOrigins);
      if (action === undefined || action === 'faults') {
        requireMethod(req, 'GET');
        sendJson(res, 200, { faults });
        return true;
      }
      const handler = rest.length === 0 ? handlers[action] : undefined;
      if (!handler) {
        throw new HttpError(404, 'not-found', `unknown control [${action}]; available: ${Object.keys(handlers).join(', ')}`);
      }
      requireMethod(req, 'POST');
      const body = await readFields(req, ctx.options.maxFrameBytes);
      const param: Params = (name) => (Object.hasOwn(body, name) ? body[name] : (url.searchParams.get(name) ?? undefined));
      const done = await handler(param, req, res);
      ctx.log(`control: ${action} ${JSON.stringify(done)} → faults ${JSON.stringify(faults)}`);
      sendJson(res, 200, { ...done, faults: snapshot(faults) });
      return true;
    },
  };
}

function snapshot(faults: Faults): Faults {
  return { ...faults, sse: { ...faults.sse } };
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], name: string): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new HttpError(400, 'bad-parameter', `[${name}] must be one of ${allowed.join(', ')}; got ${JSON.stringify(value)}`);
}

function integer(value: unknown, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const number = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(number) || number < 0 || number > MAX_DELAY_MS) {
    throw new HttpError(400, 'bad-parameter', `[${name}] must be an integer from 0 to ${MAX_DELAY_MS}; got ${JSON.stringify(value)}`);
  }
  return number;
}

function boolean(value: unknown, name: string): boolean {
  if (value === true || value === 'true' || value === '1') return true;
  if (value === false || value === 'false' || value === '0') return false;
  throw new HttpError(400, 'bad-parameter', `[${name}] must be true or false; got ${JSON.stringify(value)}`);
}
