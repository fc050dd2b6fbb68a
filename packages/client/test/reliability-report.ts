import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** RELIABILITY.md at the repository root. */
export const RELIABILITY_MD = fileURLToPath(new URL('../../../RELIABILITY.md', import.meta.url));

/**
 * Replaces what stands between `<!-- name:start -->` and `<!-- name:end -->` in RELIABILITY.md with
 * `content`, keeping everything else (the hand-written parts); the markers are appended when missing.
 */
export function writeSection(name: string, content: string): void {
  const [start, end] = [`<!-- ${name}:start -->`, `<!-- ${name}:end -->`];
  const text = existsSync(RELIABILITY_MD) ? readFileSync(RELIABILITY_MD, 'utf8') : '# Reliability\n';
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  const next = from >= 0 && to > from ? `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}` : `${text.trimEnd()}\n\n${start}\n${content}\n${end}\n`;
  writeFileSync(RELIABILITY_MD, next);
}
