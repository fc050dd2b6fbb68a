import type { FrameTail } from '../adapters/adapter.js';

/** Frames of the envelope protocol (PROTOCOL.md): validation of client frames, encoding of server frames. */

export const PROTOCOL_VERSION = 1;

/** Codes of `error` frames (and of `ack.error` for the first three's siblings below). */
export type FrameErrorCode = 'bad-json' | 'bad-frame' | 'unknown-type';

export interface ErrorBody {
  code: string;
  message: string;
}

export interface HelloFrame {
  t: 'hello';
  v: number;
  token?: string;
  lastSeq?: number;
}
export interface ClientEventFrame {
  t: 'event';
  cid: number;
  name: string;
  args: unknown[];
  ack: boolean;
}
export interface PongFrame {
  t: 'pong';
}
/** The client's answer to a server `event` that carried `ack: n`. */
export interface ClientAckFrame {
  t: 'ack';
  ack: number;
  args: unknown[];
}
/** The client is done with the session: it ends now instead of waiting, detached, for a resume. */
export interface ClientByeFrame {
  t: 'bye';
}
export type ClientFrame = HelloFrame | ClientEventFrame | PongFrame | ClientAckFrame | ClientByeFrame;

export type ParsedFrame = { ok: true; frame: ClientFrame } | { ok: false; error: ErrorBody & { cid?: number } };

/** Parses one WebSocket text message into a client frame, or the error that answers it. */
export function parseClientText(text: string): ParsedFrame {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return reject('bad-json', 'the frame is not valid JSON');
  }
  return validateClientFrame(value);
}

/** Checks an already parsed JSON value (one element of a POST batch, or a WebSocket message). */
export function validateClientFrame(value: unknown): ParsedFrame {
  if (!isRecord(value)) return reject('bad-frame', 'a frame must be a JSON object');
  const t = value['t'];
  if (typeof t !== 'string') return reject('bad-frame', 'a frame needs a string field "t"');
  switch (t) {
    case 'hello':
      return validateHello(value);
    case 'event':
      return validateEvent(value);
    case 'pong':
      return { ok: true, frame: { t: 'pong' } };
    case 'ack':
      return validateClientAck(value);
    case 'bye':
      return { ok: true, frame: { t: 'bye' } };
    default:
      return reject('unknown-type', `unknown frame type "${t.slice(0, 40)}"`);
  }
}

function validateHello(value: Record<string, unknown>): ParsedFrame {
  const { v, token, lastSeq } = value;
  if (typeof v !== 'number') return reject('bad-frame', 'hello needs a numeric "v"');
  if (token !== undefined && typeof token !== 'string') return reject('bad-frame', 'hello "token" must be a string');
  if (lastSeq !== undefined && !isNonNegativeInteger(lastSeq)) return reject('bad-frame', 'hello "lastSeq" must be a non-negative integer');
  const frame: HelloFrame = { t: 'hello', v };
  if (token !== undefined) frame.token = token;
  if (lastSeq !== undefined) frame.lastSeq = lastSeq;
  return { ok: true, frame };
}

function validateEvent(value: Record<string, unknown>): ParsedFrame {
  const { cid, name, args, ack } = value;
  if (!isPositiveInteger(cid)) return reject('bad-frame', 'event "cid" must be a positive integer');
  if (typeof name !== 'string' || name === '') return reject('bad-frame', 'event "name" must be a non-empty string', cid);
  if (!Array.isArray(args)) return reject('bad-frame', 'event "args" must be an array', cid);
  if (ack !== undefined && typeof ack !== 'boolean') return reject('bad-frame', 'event "ack" must be true when present', cid);
  return { ok: true, frame: { t: 'event', cid, name, args, ack: ack === true } };
}

function validateClientAck(value: Record<string, unknown>): ParsedFrame {
  const { ack, args } = value;
  if (!isPositiveInteger(ack)) return reject('bad-frame', 'ack "ack" must be a positive integer');
  if (args !== undefined && !Array.isArray(args)) return reject('bad-frame', 'ack "args" must be an array');
  return { ok: true, frame: { t: 'ack', ack, args: args ?? [] } };
}

function reject(code: FrameErrorCode, message: string, cid?: number): ParsedFrame {
  return { ok: false, error: cid === undefined ? { code, message } : { code, message, cid } };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isPositiveInteger(value: unknown): value is number {
  return isNonNegativeInteger(value) && value > 0;
}

// Server frames. Unsequenced ones are whole texts; sequenced ones are a FrameTail (`{"seq":N` + tail).

export interface Welcome {
  session: string;
  token: string;
  resumed: boolean;
  seq: number;
  rcid: number;
  hb: number;
}

export function welcomeText(welcome: Welcome): string {
  return JSON.stringify({ t: 'welcome', v: PROTOCOL_VERSION, ...welcome });
}

export function pingText(rcid: number): string {
  return `{"t":"ping","rcid":${rcid}}`;
}

export function errorText(error: ErrorBody & { cid?: number }): string {
  return JSON.stringify({ t: 'error', ...error });
}

/** `bye` codes of PROTOCOL.md. */
export type ByeCode = 'replaced' | 'unsupported-version' | 'session-ended' | 'server-closing' | 'slow-consumer';

export function byeText(code: ByeCode, message: string, retry: boolean): string {
  return JSON.stringify({ t: 'bye', code, message, retry });
}

/** The wire text of a sequenced frame. */
export function sequencedText(seq: number, frame: FrameTail): string {
  return `{"seq":${seq}${frame.tail}`;
}

function tail(text: string): FrameTail {
  return { tail: text, bytes: Buffer.byteLength(text) };
}

/**
 * A server `event` frame. Throws a TypeError when `args` cannot be JSON (a cycle, a BigInt): the
 * caller's bug, reported where it happened rather than as a frame the client cannot read.
 */
export function eventTail(name: string, args: readonly unknown[], ackId?: number): FrameTail {
  let json: string;
  try {
    json = JSON.stringify(args);
  } catch (cause) {
    throw new TypeError(`unisocket: the arguments of "${name}" are not JSON: ${(cause as Error).message}`, { cause });
  }
  return tail(`,"t":"event","name":${JSON.stringify(name)},"args":${json}${ackId === undefined ? '' : `,"ack":${ackId}`}}`);
}

/** The answer to client event `cid`: its args, or its error. */
export function ackTail(cid: number, outcome: { args: readonly unknown[] } | { error: ErrorBody }): FrameTail {
  const body = 'error' in outcome ? `"error":${JSON.stringify({ code: outcome.error.code, message: outcome.error.message })}` : `"args":${JSON.stringify(outcome.args)}`;
  return tail(`,"t":"ack","cid":${cid},${body}}`);
}
