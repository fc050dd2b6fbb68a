import { envelope } from './envelope.js';
import type { Protocol } from './protocol.js';
import { raw } from './raw.js';

/** What an endpoint's `protocol` option accepts: a built-in protocol's name or a {@link Protocol}. */
export type ProtocolOption = 'envelope' | 'raw' | Protocol;

/**
 * Maps an endpoint's `protocol` option to a {@link Protocol}; `undefined` means `'envelope'`.
 * Throws a `TypeError` naming `builder` for anything else.
 */
export function resolveProtocol(option: ProtocolOption | undefined, builder: string): Protocol {
  if (option == null || option == 'envelope') return envelope;
  if (option == 'raw') return raw();
  if (typeof option == 'object' && typeof option.create == 'function') return option;
  throw new TypeError(`unisocket ${builder}(): option "protocol" must be 'envelope', 'raw' or a Protocol`);
}
