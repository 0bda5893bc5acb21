import type { ColumnValue } from '../../domain/records';

const DAY_MS = 86_400_000;
/**
 * 0000-01-01T00:00:00.000Z and 10000-01-01T00:00:00.000Z: MySQL's DATETIME holds the years between,
 * and both databases' literal (`YYYY-MM-DD`) has four digits for the year.
 */
const FIRST_DATETIME_MS = -62_167_219_200_000;
const END_DATETIME_MS = 253_402_300_800_000;

/** Epoch ms → 'YYYY-MM-DD HH:MM:SS.mmm' (UTC), the literal of a DATETIME(3) (and, zoned, of a TIMESTAMPTZ(3)). */
export function datetimeText(v: ColumnValue): string | undefined {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < FIRST_DATETIME_MS || v >= END_DATETIME_MS)
    return undefined;
  const iso = new Date(v).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
}

const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/**
 * {@link datetimeText} for a stream of values: timestamps of neighbouring rows share their day (and
 * window bounds their exact value), so the `YYYY-MM-DD ` prefix of the last day and the text of the
 * last value are kept, and only the time of day is formatted, from lookup tables.
 */
export function datetimeFormatter(): (v: ColumnValue) => string | undefined {
  let lastMs = NaN;
  let lastText = '';
  let day = NaN;
  let dayPrefix = '';
  return (v) => {
    if (v === lastMs) return lastText;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < FIRST_DATETIME_MS || v >= END_DATETIME_MS)
      return undefined;
    const d = Math.floor(v / DAY_MS);
    if (d !== day) {
      day = d;
      dayPrefix = `${new Date(d * DAY_MS).toISOString().slice(0, 10)} `;
    }
    let rest = v - d * DAY_MS;
    const hours = Math.floor(rest / 3_600_000);
    rest -= hours * 3_600_000;
    const minutes = Math.floor(rest / 60_000);
    rest -= minutes * 60_000;
    const seconds = Math.floor(rest / 1000);
    const millis = rest - seconds * 1000;
    lastText = `${dayPrefix}${TWO_DIGITS[hours] as string}:${TWO_DIGITS[minutes] as string}:${TWO_DIGITS[seconds] as string}.${THREE_DIGITS[millis] as string}`;
    lastMs = v;
    return lastText;
  };
}
