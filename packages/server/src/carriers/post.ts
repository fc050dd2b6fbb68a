import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Engine } from '../engine.js';
import { HttpError, readBody, sendJson } from '../http/respond.js';
import { isRecord, validateClientFrame } from '../protocol/frames.js';
import { hashSecret, parseToken } from '../session/token.js';

/**
 * `POST <path>?sessionToken=T`: a batch of client frames (a JSON array, or one object), processed in order;
 * a bad element gets an `error` frame on the downstream and the rest still runs. Answers `{ rcid }`
 * once every event of the batch is claimed. The token is the credential: no `authenticate` here.
 */
export async function servePost(engine: Engine, request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
  const body = await readBody(request, engine.options.maxFrameBytes);
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'bad-json', 'the body is not valid JSON');
  }
  const token = url.searchParams.get('sessionToken');
  if (token === null) throw new HttpError(400, 'bad-request', 'POST needs ?sessionToken=<token from welcome>');
  const parsed = parseToken(token);
  const socket = parsed && engine.sockets.get(parsed.id);
  if (!socket || socket.secretHash !== hashSecret(parsed.secret)) {
    throw new HttpError(404, 'unknown-session', 'no session with this token here: open a new one (or resume it)');
  }
  const frames = Array.isArray(json) ? json : [json];
  if (!frames.every(isRecord)) throw new HttpError(400, 'bad-frame', 'the body must be a frame object or an array of frame objects');
  for (const value of frames) {
    const frame = validateClientFrame(value);
    if (frame.ok) socket.receive(frame.frame);
    else {
      engine.log(`rejected POST frame of session ${socket.id} (${frame.error.code}): ${frame.error.message}`);
      socket.sendError(frame.error);
    }
  }
  await socket.settled();
  sendJson(response, 200, { rcid: socket.rcid });
}
