/** How a duration is written, for help and error messages. */
export const DURATION_SYNTAX = 'a number and a unit: 500ms, 10s, 1.5s, 2m, 1h, 1d (or 0)';

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses `500ms`, `10s`, `1.5s`, `2m`, `1h`, `1d` (or a bare `0`) into whole milliseconds.
 * Returns `undefined` for anything else, so callers can name the flag in their error.
 */
export function parseDuration(text: string): number | undefined {
  const m = /^\s*(\d+)(?:\.(\d+))?\s*(ms|s|m|h|d)\s*$/.exec(text);
  if (m === null) return text.trim() === '0' ? 0 : undefined;
  // Exact decimal arithmetic: "4.1h" is 14,760,000 ms, not whatever 4.1 * 3,600,000 rounds to.
  const fraction = m[2] ?? '';
  const scaled = BigInt(`${m[1] as string}${fraction}`) * BigInt(UNITS[m[3] as string] as number);
  const divisor = 10n ** BigInt(fraction.length);
  if (scaled % divisor !== 0n) return undefined;
  const ms = Number(scaled / divisor);
  return Number.isSafeInteger(ms) ? ms : undefined;
}

export function formatDuration(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
