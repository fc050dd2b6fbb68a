// Option checks shared by the endpoint builders: bad options throw a TypeError naming the option,
// synchronously, at construction (DESIGN.md principle 8). Kept terse: they ship in the default bundle.

/** Throws `TypeError('unisocket builder(): option "option" must be expected')` unless `ok`. */
export function check(ok: boolean, builder: string, option: string, expected: string): void {
  if (!ok) throw new TypeError(`unisocket ${builder}(): option "${option}" must be ${expected}`);
}

/** Rejects option names the builder does not know (a typo would otherwise be silently ignored). */
export function checkKnown(builder: string, options: object, known: readonly string[]): void {
  check(typeof options == 'object' && options !== null, builder, 'options', 'an object');
  for (const name in options) if (!known.includes(name)) throw new TypeError(`unisocket ${builder}(): unknown option "${name}"`);
}

/** A value source of a non-empty string: a string or a function. */
export const isUrlSource = (value: unknown): boolean => typeof value == 'function' || (typeof value == 'string' && value !== '');
/** An optional value source of a record of strings: undefined, an object of strings or a function. */
export const isRecordSource = (value: unknown): boolean =>
  value === undefined || typeof value == 'function' || (typeof value == 'object' && value !== null && isStrings(Object.values(value)));
/** An optional array of strings. */
export const isStrings = (value: unknown): boolean => value === undefined || (Array.isArray(value) && value.every((item) => typeof item == 'string'));
/** An optional value among `allowed`. */
export const isOneOf = (value: unknown, allowed: readonly unknown[]): boolean => value === undefined || allowed.includes(value);
