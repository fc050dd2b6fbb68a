// Number formatting for the report: one place, so every table rounds the same way.

const nf = (digits: number) => new Intl.NumberFormat('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** `12,345` */
export const int = (value: number): string => (Number.isFinite(value) ? nf(0).format(value) : '–');

/** Milliseconds with a precision that fits their size: `0.21 ms`, `12.3 ms`, `1,234 ms`. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return '–';
  const digits = Math.abs(value) < 1 ? 3 : Math.abs(value) < 10 ? 2 : Math.abs(value) < 100 ? 1 : 0;
  return `${nf(digits).format(value)} ms`;
}

/** Microseconds, two decimals: `4.05 µs`. */
export const us = (value: number): string => (Number.isFinite(value) ? `${nf(2).format(value)} µs` : '–');

/** Kilobytes of 1,000 bytes, one decimal: `13.1 KB`. */
export const kb = (bytes: number): string => (Number.isFinite(bytes) ? `${nf(1).format(bytes / 1000)} KB` : '–');

/** Mebibytes, two decimals: `3.25 MiB`. */
export const mib = (bytes: number): string => (Number.isFinite(bytes) ? `${nf(2).format(bytes / 1024 / 1024)} MiB` : '–');

/** A ratio: `1.04x`. */
export const ratio = (value: number): string => (Number.isFinite(value) ? `${nf(2).format(value)}x` : '–');

/** Rate per second: `12,345/s`. */
export const rate = (perSecond: number): string => (Number.isFinite(perSecond) ? `${int(perSecond)}/s` : '–');

/** `median (min–max)` for spreads. */
export const range = (median: string, min: string, max: string): string => `${median} (${min} – ${max})`;
