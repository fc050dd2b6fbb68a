/** Frame types of the envelope protocol (PROTOCOL.md) and validation of client frames. */

export const PROTOCOL_VERSION = 1;

/** Codes of `error` frames and of `ack.error`. */
export type EnvelopeErrorCode =
  | 'bad-json'
  | 'bad-frame'
  | 'unknown-type'
  | 'unknown-event'
  | 'bad-args'
  | 'not-in-room';

export interface ErrorBody {
  code: string;
  message: string;
}

export interface HelloFrame {
  t: 'hello';
  v: number;
  session?: string;
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
export type ClientFrame = HelloFrame | ClientEventFrame | PongFrame | ClientAckFrame;

export interface WelcomeFrame {
  t: 'welcome';
  v: number;
  session: string;
  resumed: boolean;
  seq: number;
  rcid: number;
  hb: number;
}
export interface ServerEventFrame {
  t: 'event';
  seq: number;
  name: string;
  args: unknown[];
}
export interface ServerAckFrame {
  t: 'ack';
  seq: number;
  cid: number;
  args?: unknown[];
  error?: ErrorBody;
}
export interface PingFrame {
  t: 'ping';
  rcid: number;
}
export interface ErrorFrame {
  t: 'error';
  code: EnvelopeErrorCode;
  message: string;
  cid?: number;
}
export interface ByeFrame {
  t: 'bye';
  code: string;
  message: string;
  retry: boolean;
}
/** Frames that carry `seq` and are kept in the replay window. */
export type SequencedFrame = ServerEventFrame | ServerAckFrame;
export type ServerFrame = WelcomeFrame | SequencedFrame | PingFrame | ErrorFrame | ByeFrame;

export type ParsedFrame = { ok: true; frame: ClientFrame } | { ok: false; error: ErrorFrame };

/** Parses one WebSocket text message into a client frame, or the `error` frame that answers it. */
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
    default:
      return reject('unknown-type', `unknown frame type "${t.slice(0, 40)}"`);
  }
}

function validateHello(value: Record<string, unknown>): ParsedFrame {
  const { v, session, lastSeq } = value;
  if (typeof v !== 'number') return reject('bad-frame', 'hello needs a numeric "v"');
  if (session !== undefined && typeof session !== 'string') return reject('bad-frame', 'hello "session" must be a string');
  if (lastSeq !== undefined && !isNonNegativeInteger(lastSeq)) {
    return reject('bad-frame', 'hello "lastSeq" must be a non-negative integer');
  }
  const frame: HelloFrame = { t: 'hello', v };
  if (session !== undefined) frame.session = session;
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

export function errorFrame(code: EnvelopeErrorCode, message: string, cid?: number): ErrorFrame {
  return cid === undefined ? { t: 'error', code, message } : { t: 'error', code, message, cid };
}

function reject(code: EnvelopeErrorCode, message: string, cid?: number): ParsedFrame {
  return { ok: false, error: errorFrame(code, message, cid) };
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
