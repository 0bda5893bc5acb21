import { YEAR_2000_MS, YEAR_2100_MS } from './validation';

/**
 * The `ts` of a quote (`top-price`, `price-stats`, and the same for `top-averages`), as epoch
 * milliseconds or the reason it is not a time. Accepted:
 *
 * - a number of epoch **milliseconds** or epoch **seconds** (may be fractional). Both ranges are
 *   told apart by the valid period itself: 2000..2100 is 946,684,800..4,102,444,800 in seconds and
 *   946,684,800,000..4,102,444,800,000 in milliseconds, so no number is valid in both;
 * - an ISO-8601 text `YYYY-MM-DD[T| ]hh:mm[:ss[.f{1,3}]]` with `Z` or `±hh:mm`, UTC when it has no
 *   zone — which includes the `YYYY-MM-DD hh:mm:ss.fff` of the prices exercise.
 *
 * The result is rounded to the nearest millisecond and lies in [2000-01-01, 2100-01-01).
 */
export function quoteTimeMs(ts: unknown, field = 'ts'): number | string {
  if (typeof ts === 'number') {
    if (!Number.isFinite(ts)) return `field "${field}" must be a finite number, got ${ts}`;
    if (ts >= YEAR_2000_MS && ts < YEAR_2100_MS) return Math.round(ts);
    const fromSeconds = Math.round(ts * 1000);
    if (fromSeconds >= YEAR_2000_MS && fromSeconds < YEAR_2100_MS) return fromSeconds;
    return `${field} ${ts} is outside 2000-01-01..2100-01-01 as epoch seconds and as epoch milliseconds`;
  }
  if (typeof ts === 'string') {
    if (!ISO.test(ts))
      return `field "${field}" must be epoch seconds, epoch milliseconds or an ISO-8601 time, got ${JSON.stringify(ts.length > 40 ? `${ts.slice(0, 40)}…` : ts)}`;
    const iso = ts.replace(' ', 'T');
    const ms = Date.parse(ZONE.test(iso) ? iso : `${iso}Z`);
    // Date.parse rolls 2025-02-30 over to March: the fields themselves must be a real date and time.
    if (Number.isNaN(ms) || !isRealDateTime(iso)) return `field "${field}" is not a valid time: ${JSON.stringify(ts)}`;
    if (ms < YEAR_2000_MS || ms >= YEAR_2100_MS)
      return `${field} ${JSON.stringify(ts)} is outside 2000-01-01..2100-01-01`;
    return ms;
  }
  if (ts === undefined) return `missing field "${field}"`;
  return `field "${field}" must be epoch seconds, epoch milliseconds or an ISO-8601 time, got ${ts === null ? 'null' : Array.isArray(ts) ? 'an array' : typeof ts}`;
}

const ISO = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?$/;
const ZONE = /(Z|[+-]\d{2}:\d{2})$/;

function isRealDateTime(iso: string): boolean {
  const field = (from: number, to: number): number => Number(iso.slice(from, to) || '0');
  const [y, m, d, hh, mm, ss] = [field(0, 4), field(5, 7), field(8, 10), field(11, 13), field(14, 16), field(17, 19)];
  const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth && hh < 24 && mm < 60 && ss < 60 && zoneIsReal(iso);
}

function zoneIsReal(iso: string): boolean {
  const zone = /([+-])(\d{2}):(\d{2})$/.exec(iso);
  return zone === null || (Number(zone[2]) < 24 && Number(zone[3]) < 60);
}

/** `2025-01-01 00:00:01.500`: the prices exercise's own format, in UTC. */
export function formatQuoteTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}
