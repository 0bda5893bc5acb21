import { fieldError, MILLISECONDS_HINT, SECONDS_HINT, YEAR_2000_MS, YEAR_2100_MS } from '../jobs/validation';
import { quoteTimeMs } from '../jobs/quote-time';
import type { FieldRejection } from './fields';

/** How a time field is written: epoch milliseconds, epoch seconds (may be fractional), or ISO-8601 text. */
export type TimeFormat = 'epoch-ms' | 'epoch-s' | 'iso';

/**
 * A time field as epoch ms in [2000-01-01, 2100-01-01), or why not. ISO text is
 * `YYYY-MM-DD[T| ]hh:mm[:ss[.fff]]` with `Z` or `±hh:mm`, UTC without a zone (see `quote-time.ts`).
 */
export function timeMs(name: string, v: unknown, format: TimeFormat): number | FieldRejection {
  if (format === 'iso') {
    if (typeof v !== 'string') return fieldError(name, v, 'an ISO-8601 time');
    const ms = quoteTimeMs(v, name);
    return typeof ms === 'number' ? ms : { ok: false, detail: ms };
  }
  if (typeof v !== 'number' || !Number.isFinite(v))
    return fieldError(name, v, format === 'epoch-ms' ? 'epoch milliseconds' : 'epoch seconds');
  if (format === 'epoch-ms' && !Number.isSafeInteger(v)) return fieldError(name, v, 'whole epoch milliseconds');
  const ms = format === 'epoch-ms' ? v : Math.round(v * 1000);
  if (ms < YEAR_2000_MS || ms >= YEAR_2100_MS) {
    const other = format === 'epoch-ms' ? v * 1000 : v;
    const hint =
      other >= YEAR_2000_MS && other < YEAR_2100_MS ? (format === 'epoch-ms' ? SECONDS_HINT : MILLISECONDS_HINT) : '';
    return { ok: false, detail: `${name} ${v} is outside 2000-01-01..2100-01-01${hint}` };
  }
  return ms;
}

const DECIMAL_TEXT = /^\s*(-?)(\d+)(?:\.(\d+))?\s*$/;

/**
 * A decimal value as an exact integer of units of 10^-scale (12.34 at scale 2 → 1234), from a
 * JSON number or a decimal text; refuses more digits after the point than `scale`, and values
 * whose units leave the safe-integer range.
 */
export function decimalUnits(name: string, v: unknown, scale: number): number | FieldRejection {
  const factor = 10 ** scale;
  let units: number;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return fieldError(name, v, 'a finite number');
    units = Math.round(v * factor);
    // k / 10^s is the double nearest the decimal literal with s decimals, so this is exact.
    if (units / factor !== v) return fieldError(name, v, `a number with at most ${scale} decimals`);
  } else if (typeof v === 'string') {
    const m = DECIMAL_TEXT.exec(v);
    if (m === null) return fieldError(name, v, 'a decimal number');
    const fraction = m[3] ?? '';
    if (fraction.length > scale) return fieldError(name, v, `a number with at most ${scale} decimals`);
    units = Number(`${m[1] ?? ''}${m[2] ?? ''}${fraction.padEnd(scale, '0')}`);
  } else return fieldError(name, v, 'a decimal number');
  if (!Number.isSafeInteger(units)) return fieldError(name, v, `a decimal number of at most 15 digits`);
  return units === 0 ? 0 : units;
}
