import type { FrameTail } from '../adapter.js';

// The cluster stream (`P bus`, see scripts.ts): every operation that decides what a session is sent,
// in the one order Redis applied them. A session's frames and their `seq` are a function of this
// stream and the session's own history in it, so any node can compute them again from a checkpoint.
//
// An entry's fields are `k KIND` then values by position (names `a`, `b`, `c`, `d`):
//   c  ID NODE            session ID created on NODE (its first checkpoint is this entry)
//   j  ID ROOM            ID joined ROOM          l  ID ROOM   ID left ROOM
//   a  ID TAIL BYTES      a frame for ID alone (an emit, an ack)
//   b  TAIL BYTES ROOMS EXCEPT   a broadcast: ROOMS and EXCEPT are JSON arrays ('' = none)
//   o  ID NODE            NODE took ID over (a resume)
//   e  ID REASON OWNER    ID ended (REASON `gap`) while OWNER owned it

/** A stream entry id `MS-N`, as two numbers (compared in that order). */
export type StreamId = string;

export type Entry =
  | { id: StreamId; kind: 'c' | 'o'; session: string; node: string }
  | { id: StreamId; kind: 'j' | 'l'; session: string; room: string }
  | { id: StreamId; kind: 'a'; session: string; frame: FrameTail }
  | { id: StreamId; kind: 'b'; frame: FrameTail; rooms: readonly string[]; except: readonly string[] }
  | { id: StreamId; kind: 'e'; session: string; reason: 'gap'; node: string };

/** What a session's frames depend on: its `seq`, the stream position it has seen up to, its rooms. */
export interface SessionState {
  seq: number;
  pos: StreamId;
  /** Join order. */
  rooms: string[];
}

/** A stored point of a session's history: `[seq, pos, rooms]` (see `SessionState`). */
export type Checkpoint = [seq: number, pos: StreamId, rooms: string[]];

/**
 * Negative, 0, positive as `a` is before, at, after `b`. Without allocating (it runs once per entry
 * and session): ids have no leading zeros, so a longer number is a larger one, and two numbers of one
 * length compare as text.
 */
export function compareIds(a: StreamId, b: StreamId): number {
  if (a === b) return 0;
  const dashA = a.indexOf('-');
  const dashB = b.indexOf('-');
  if (dashA !== dashB) return dashA - dashB;
  for (let i = 0; i < dashA; i++) {
    const difference = a.charCodeAt(i) - b.charCodeAt(i);
    if (difference !== 0) return difference;
  }
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : 1;
}

const list = (json: string | undefined): string[] => (json ? (JSON.parse(json) as string[]) : []);

/** An entry as Redis answers it (`[id, [field, value, …]]`); undefined for a kind this version does not know. */
export function parseEntry([id, fields]: [string, string[]]): Entry | undefined {
  const [, kind, , a = '', , b = '', , c, , d] = fields;
  switch (kind) {
    case 'c':
    case 'o':
      return { id, kind, session: a, node: b };
    case 'j':
    case 'l':
      return { id, kind, session: a, room: b };
    case 'a':
      return { id, kind, session: a, frame: { tail: b, bytes: Number(c) } };
    case 'b':
      return { id, kind, frame: { tail: a, bytes: Number(b) }, rooms: list(c), except: list(d) };
    case 'e':
      return { id, kind, session: a, reason: 'gap', node: c ?? '' };
    default:
      return undefined;
  }
}

/** Whether a broadcast to `rooms` except `except` reaches session `id` in `joined` (a session id counts as a room of that session). */
export function reaches(id: string, joined: readonly string[], rooms: readonly string[], except: readonly string[]): boolean {
  return (rooms.length === 0 || inAny(id, joined, rooms)) && !inAny(id, joined, except);
}

/** Whether one of `names` is session `id` or a room in `joined`. */
function inAny(id: string, joined: readonly string[], names: readonly string[]): boolean {
  for (const name of names) if (name === id || joined.includes(name)) return true;
  return false;
}

/**
 * Applies one entry, after `state.pos`, to session `id`'s state: answers the frame it adds to the
 * session (its `seq` is then `state.seq`), `moved` when another node than `node` took the session
 * over, `ended` when it ended, or undefined (nothing for this session). A change of rooms replaces
 * `state.rooms` (a new array), so a caller can compare before and after.
 */
export function step(state: SessionState, id: string, entry: Entry, node: string): FrameTail | 'moved' | 'ended' | undefined {
  state.pos = entry.id;
  switch (entry.kind) {
    case 'b':
      if (!reaches(id, state.rooms, entry.rooms, entry.except)) return undefined;
      state.seq++;
      return entry.frame;
    case 'a':
      if (entry.session !== id) return undefined;
      state.seq++;
      return entry.frame;
    case 'j':
      if (entry.session === id && !state.rooms.includes(entry.room)) state.rooms = [...state.rooms, entry.room];
      return undefined;
    case 'l':
      if (entry.session === id) state.rooms = state.rooms.filter((room) => room !== entry.room);
      return undefined;
    case 'o':
      return entry.session === id && entry.node !== node ? 'moved' : undefined;
    case 'e':
      return entry.session === id ? 'ended' : undefined;
    default:
      return undefined;
  }
}

/**
 * The checkpoints worth keeping once `latest` is added: a resume from `lastSeq` starts at the newest
 * checkpoint whose `seq` is at most `lastSeq`, and only a `lastSeq` within `replayFrames` of the
 * session's `seq` can resume, so a checkpoint followed by one at or below both its own `seq` and that
 * window's start is never the one a resume needs.
 */
export function keepCheckpoints(checkpoints: readonly Checkpoint[], latest: Checkpoint, replayFrames: number): Checkpoint[] {
  const all = [...checkpoints, latest];
  const floor = latest[0] - replayFrames;
  return all.filter((checkpoint, index) => !all.slice(index + 1).some((later) => later[0] <= Math.max(checkpoint[0], floor)));
}

/** The checkpoint a resume from `lastSeq` starts from (the newest at or below it), if any. */
export function checkpointFor(checkpoints: readonly Checkpoint[], lastSeq: number): Checkpoint | undefined {
  let best: Checkpoint | undefined;
  for (const checkpoint of checkpoints) if (checkpoint[0] <= lastSeq && (!best || compareIds(checkpoint[1], best[1]) > 0)) best = checkpoint;
  return best;
}
