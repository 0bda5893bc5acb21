import { HexstreamError } from '../hexstream-error';
import type { Decoded } from './job';
import { jsonStructureError } from './json-structure';
import { labelError, SYMBOL_RULE } from './label-rules';

/** Event times must fall in [2000-01-01, 2100-01-01) (epoch ms). */
export const YEAR_2000_MS = 946_684_800_000;
export const YEAR_2100_MS = 4_102_444_800_000;

/** Appended to a time out of range that would be in range in the other unit. */
export const MILLISECONDS_HINT = ' (looks like epoch milliseconds; epoch seconds are expected)';
export const SECONDS_HINT = ' (looks like epoch seconds; epoch milliseconds are expected)';

/** A CSV field as a number when it is one; anything else stays a string, to be named in the error. */
export function csvNumber(field: string): number | string {
  const t = field.trim();
  return /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t) ? Number(t) : t;
}

/** A ticker symbol: a non-empty string of at most `maxChars` characters (code points) of `SYMBOL_RULE`. */
export function symbolError(
  field: string,
  symbol: unknown,
  maxChars: number,
): { ok: false; detail: string } | undefined {
  if (typeof symbol !== 'string') return fieldError(field, symbol, 'a string');
  if (symbol.length === 0) return { ok: false, detail: `${field} is empty` };
  const chars = symbol.length > maxChars ? [...symbol].length : symbol.length;
  if (chars > maxChars) return { ok: false, detail: `${field} has ${chars} characters, at most ${maxChars} allowed` };
  const bad = labelError(field, symbol, SYMBOL_RULE);
  return bad === undefined ? undefined : { ok: false, detail: bad };
}

/** Checks the options every sample generator shares; CONFIG_INVALID names the bad one. */
export function checkGeneratorOptions(count: number, eventsPerSecond: number, faultShare: number, what: string): void {
  if (!Number.isSafeInteger(count) || count < 0)
    throw new HexstreamError('CONFIG_INVALID', `count must be a non-negative integer: ${count}`);
  if (!(eventsPerSecond > 0))
    throw new HexstreamError('CONFIG_INVALID', `${what} per second must be > 0: ${eventsPerSecond}`);
  if (!(faultShare >= 0 && faultShare <= 1))
    throw new HexstreamError('CONFIG_INVALID', `fault share must be in 0..1: ${faultShare}`);
}

/**
 * JSON.parse that returns a dead-letter detail instead of throwing, and refuses what no record of
 * any job looks like: nesting deeper than `MAX_JSON_DEPTH`, prototype keys (see `json-structure.ts`).
 */
export function parseJson(text: string): Decoded<unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (e) {
    // V8 quotes a few characters of the input: a control or format character (NUL, BOM) is shown by its code.
    return { ok: false, detail: `not valid JSON: ${printable(e instanceof Error ? e.message : String(e))}` };
  }
  const refused = jsonStructureError(value);
  return refused === undefined ? { ok: true, event: value } : { ok: false, detail: refused };
}

/** Control and format characters (NUL, BOM, bidi overrides) as `U+0000`: a detail is one line of visible text. */
export function printable(text: string): string {
  return text.replace(
    /[\p{Cc}\p{Cf}\u2028\u2029]/gu,
    (c) => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`,
  );
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Names a field, what it should be and a short rendering of what it was. */
export function fieldError(field: string, value: unknown, expected: string): { ok: false; detail: string } {
  if (value === undefined) return { ok: false, detail: `missing field "${field}"` };
  return { ok: false, detail: `field "${field}" must be ${expected}, got ${describe(value)}` };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string')
    return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}

/** Field `field` as epoch ms, or an ISO-8601 time (`2025-01-01T00:00:00.5Z`, or `2025-01-01 00:00:00.500` as UTC); else why not. */
export function timeField(field: string, ts: unknown): number | string {
  let ms: number;
  if (typeof ts === 'number') {
    if (!Number.isSafeInteger(ts)) return `field "${field}" must be whole epoch milliseconds, got ${ts}`;
    ms = ts;
  } else if (
    typeof ts === 'string' &&
    /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?$/.test(ts)
  ) {
    const iso = ts.replace(' ', 'T');
    ms = Date.parse(/(Z|[+-]\d{2}:\d{2})$/.test(iso) ? iso : `${iso}Z`);
    // Date.parse rolls 2025-02-30 over to March: the fields themselves must be a real date and time.
    if (Number.isNaN(ms) || !isRealDateTime(iso)) return `field "${field}" is not a valid time: ${JSON.stringify(ts)}`;
  } else {
    return ts === undefined
      ? `missing field "${field}"`
      : `field "${field}" must be epoch milliseconds or an ISO-8601 time, got ${JSON.stringify(ts)}`;
  }
  if (ms < YEAR_2000_MS || ms >= YEAR_2100_MS)
    return `${field} ${String(ts)} is outside 2000-01-01..2100-01-01${ms >= YEAR_2000_MS / 1000 && ms < YEAR_2100_MS / 1000 ? SECONDS_HINT : ''}`;
  return ms;
}

function isRealDateTime(iso: string): boolean {
  const [y, m, d, hh, mm, ss] = [
    iso.slice(0, 4),
    iso.slice(5, 7),
    iso.slice(8, 10),
    iso.slice(11, 13),
    iso.slice(14, 16),
    iso.slice(17, 19) || '0',
  ].map(Number) as [number, number, number, number, number, number];
  const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth && hh < 24 && mm < 60 && ss < 60;
}
