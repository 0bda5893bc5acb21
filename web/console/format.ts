/** Numbers and times as the console shows them. */

const whole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

export function count(n: number): string {
  return whole.format(n);
}

/** A figure that may be fractional, `—` when there is none. */
export function amount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return Math.abs(n) >= 100 ? whole.format(n) : decimal.format(n);
}

const prices = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 4 });

/** A price or a mean of prices: two to four decimals. */
export function price(n: number): string {
  return Number.isFinite(n) ? prices.format(n) : '—';
}

/** Milliseconds as a duration: `850 ms`, `12.5 s`, `3.2 min`, `5.1 h`. */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const a = Math.abs(ms);
  if (a < 1000) return `${Math.round(ms)} ms`;
  if (a < 120_000) return `${decimal.format(ms / 1000)} s`;
  if (a < 7_200_000) return `${decimal.format(ms / 60_000)} min`;
  if (a < 172_800_000) return `${decimal.format(ms / 3_600_000)} h`;
  return `${decimal.format(ms / 86_400_000)} d`;
}

/** An instant as ISO-8601 UTC with milliseconds. */
export function instant(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : '—';
}

/** `HH:MM:SS` UTC, for chart axes. */
export function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

/** `HH:MM` UTC. */
export function minute(ms: number): string {
  return new Date(ms).toISOString().slice(11, 16);
}
