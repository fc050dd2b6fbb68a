import { createHash, randomBytes } from 'node:crypto';

/**
 * Session ids and resume tokens. A token is `<id>.<secret>`: the public id (12 random bytes) and a
 * 128-bit secret, both base64url (so neither holds `.` or `:`, the separators of tokens and SSE ids).
 * Stores keep only `hashSecret(secret)`: whoever reads a store, a log or a URL with a session id in it
 * cannot resume that session, read its replay or post as it.
 */

/** A new public session id. */
export function newSessionId(): string {
  return randomBytes(12).toString('base64url');
}

/** A new 128-bit secret. */
export function newSecret(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * What stores keep of a secret: the first 128 bits of its SHA-256, base64url (22 characters). As many
 * bits as the secret has, so finding a secret that matches a stored hash is no easier than guessing the
 * secret; and every session keeps one in memory (on its socket and in the memory adapter's record), where
 * the whole digest's 43 characters cost 24 bytes more. Comparing two hashes with `===` leaks nothing useful.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest().toString('base64url', 0, 16);
}

export function formatToken(id: string, secret: string): string {
  return `${id}.${secret}`;
}

const TOKEN = /^([A-Za-z0-9_-]{1,64})\.([A-Za-z0-9_-]{1,128})$/;

/** Splits a token; undefined for anything that is not one (a new session, never an error). */
export function parseToken(token: string | null | undefined): { id: string; secret: string } | undefined {
  const match = token ? TOKEN.exec(token) : null;
  return match ? { id: match[1]!, secret: match[2]! } : undefined;
}
