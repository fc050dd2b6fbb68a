// Frame generators for the fuzz suite: frames valid by construction, mutations of them (validity
// unknown), random text and bytes, and frames bad by construction (each must become a typed error).

/** One frame for a parser; `bad`: invalid by construction, so the client must report an error for it. */
export interface Frame {
  data: string | Uint8Array;
  bad?: boolean;
}

export type Random = () => number;

export const int = (random: Random, below: number): number => Math.floor(random() * below);
export const pick = <T>(random: Random, list: readonly T[]): T => list[int(random, list.length)]!;

/** Characters that break parsers: JSON syntax, digits, separators, line ends, NUL, Engine.IO's record separator, non-ASCII, lone surrogates. */
const NASTY = [...'{}[]":,0123456789-+.eE tfnul\\/', '\r', '\n', '\r\n', '\0', '\x1e', '\t', 'é', '✓', '😀', '\ud800', '\udfff', 'b', 'x', '_placeholder', 'null', 'true'];

export function randomText(random: Random, max = 40): string {
  let text = '';
  for (let n = int(random, max); n > 0; n--) text += random() < 0.6 ? pick(random, NASTY) : String.fromCharCode(32 + int(random, 95));
  return text;
}

export function randomBytes(random: Random, max = 64): Uint8Array {
  const bytes = new Uint8Array(int(random, max));
  for (let i = 0; i < bytes.length; i++) bytes[i] = int(random, 256);
  return bytes;
}

/** A JSON value of any shape, sometimes deep or large. */
export function randomValue(random: Random, depth = 0): unknown {
  const roll = int(random, depth > 3 ? 6 : 9);
  switch (roll) {
    case 0:
      return null;
    case 1:
      return random() < 0.5;
    case 2:
      return pick(random, [0, -1, 1.5, 2 ** 53, -(2 ** 31), 1e308, 42]);
    case 3:
    case 4:
      return randomText(random, 20);
    case 5:
      return pick(random, ['', 'message', 'welcome', '__proto__', 'constructor', 'toString']);
    case 6:
    case 7:
      return Array.from({ length: int(random, 4) }, () => randomValue(random, depth + 1));
    default: {
      const object: Record<string, unknown> = {};
      for (let n = int(random, 4); n > 0; n--) object[pick(random, ['t', 'name', 'args', 'seq', 'cid', 'ack', 'session', '__proto__', 'rcid', 'hb', randomText(random, 6)])] = randomValue(random, depth + 1);
      return object;
    }
  }
}

/** A mutation of `text`: a character changed, a slice cut, duplicated or moved, nasty text inserted, or the end cut off. */
export function mutate(random: Random, text: string): string {
  const at = int(random, text.length + 1);
  const to = at + int(random, text.length - at + 1);
  switch (int(random, 6)) {
    case 0:
      return text.slice(0, at) + pick(random, NASTY) + text.slice(at + 1);
    case 1:
      return text.slice(0, at) + text.slice(to);
    case 2:
      return text.slice(0, to) + text.slice(at, to) + text.slice(to);
    case 3:
      return text.slice(0, at) + randomText(random, 8) + text.slice(at);
    case 4:
      return text.slice(0, at);
    default:
      return text.slice(at, to) + text.slice(0, at) + text.slice(to);
  }
}

/** Mixes: half valid frames, a third mutations of valid frames (a few mutated again), the rest bad by construction or random. */
export function mixed(random: Random, valid: () => string, bad: () => string, extra?: () => Frame): Frame {
  const roll = random();
  if (roll < 0.45) return { data: valid() };
  if (roll < 0.8) {
    let text = mutate(random, valid());
    while (random() < 0.3) text = mutate(random, text);
    return { data: text };
  }
  if (roll < 0.92) return { data: bad(), bad: true };
  return extra?.() ?? { data: randomText(random, 60) };
}
