import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ChatApp, PushRequest } from './chat-app.js';
import { dispatchClientFrame } from './dispatch.js';
import { isRecord, validateClientFrame } from './frames.js';
import { HttpError, readBody } from '../http-util.js';
import type { JsonResponder } from './http.js';
import type { SessionStore } from './session-store.js';

export interface PostDeps {
  store: SessionStore;
  app: ChatApp;
  responder: JsonResponder;
  maxBytes: number;
  log: (line: string) => void;
}

/**
 * `POST /rt?session=S`: a batch of client frames (a JSON array, or one object), processed in order.
 * A bad element gets an `error` frame on the downstream and the rest still runs; answers `{ rcid }`.
 */
export async function serveUpstreamPost(deps: PostDeps, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const { store, app, responder, log } = deps;
  const id = url.searchParams.get('session');
  const json = await readJson(deps, req);
  if (id === null) throw new HttpError(400, 'bad-request', 'POST /rt needs ?session=<id> from welcome');
  const session = store.get(id);
  if (!session) throw new HttpError(404, 'unknown-session', `unknown session "${id.slice(0, 40)}": open a new one`);
  const frames = Array.isArray(json) ? json : [json];
  if (!frames.every(isRecord)) throw new HttpError(400, 'bad-frame', 'the body must be a frame object or an array of frame objects');
  for (const value of frames) {
    const parsed = validateClientFrame(value);
    if (parsed.ok) {
      dispatchClientFrame(app, session, parsed.frame, log);
    } else {
      log(`envelope: rejected POST frame of session ${id} (${parsed.error.code}): ${parsed.error.message}`);
      session.sendError(parsed.error);
    }
  }
  responder.send(res, 200, { rcid: session.rcid });
}

/** `POST /rt/push` `{ name, args?, room? }`: emits an event from outside; answers `{ delivered }`. */
export async function servePush(deps: PostDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const push = toPushRequest(await readJson(deps, req));
  if (typeof push === 'string') throw new HttpError(400, 'bad-request', push);
  deps.responder.send(res, 200, { delivered: deps.app.push(push) });
}

function toPushRequest(json: unknown): PushRequest | string {
  if (!isRecord(json)) return 'the body must be {"name": string, "args"?: [], "room"?: string}';
  const { name, args, room } = json;
  if (typeof name !== 'string' || name === '') return '"name" must be a non-empty string';
  if (args !== undefined && !Array.isArray(args)) return '"args" must be an array';
  if (room !== undefined && typeof room !== 'string') return '"room" must be a string';
  const push: PushRequest = { name, args: args ?? [] };
  if (room !== undefined) push.room = room;
  return push;
}

/** Reads and parses the JSON body; throws the 413 / 400 to answer. */
async function readJson(deps: PostDeps, req: IncomingMessage): Promise<unknown> {
  let text: string;
  try {
    text = (await readBody(req, deps.maxBytes)).toString('utf8');
  } catch (error) {
    if (!(error instanceof HttpError) || error.code !== 'too-large') throw error;
    throw new HttpError(error.status, error.code, `the body is over the frame limit of ${deps.maxBytes} bytes`, error.headers);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, 'bad-json', 'the body is not valid JSON');
  }
}
