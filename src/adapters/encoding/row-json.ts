import type { ColumnValue, ResultRow } from '../../domain/records';
import type { ColumnSpec, TableSchema } from '../../domain/table-schema';

/**
 * Renders result rows as JSON objects with the table's column names: timestamps as ISO-8601 UTC
 * with milliseconds, decimals as exact strings (`"1234.50"`, as mysql2 returns DECIMAL), integers
 * and floats as numbers. Columns set by the sink (`updated_at`) take `writtenAtMs`.
 */
export function rowRenderer(table: TableSchema): (row: ResultRow, writtenAtMs: number) => string {
  const names = table.columns.map((c) => c.name);
  const values = table.columns.map((c) => columnValue(c));
  // Cloning an object that already has every key keeps one stable shape, which JSON.stringify
  // serialises on its fast path; adding keys one by one would not.
  const template: Record<string, string | number | null> = {};
  for (const name of names) template[name] = null;
  return (row, writtenAtMs) => {
    const out = { ...template };
    for (let i = 0; i < names.length; i++) out[names[i] as string] = (values[i] as ColumnValueOf)(row, writtenAtMs);
    return JSON.stringify(out);
  };
}

type ColumnValueOf = (row: ResultRow, writtenAtMs: number) => string | number | null;

function columnValue(column: ColumnSpec): ColumnValueOf {
  const name = column.name;
  const t = column.type;
  switch (t.kind) {
    case 'instant':
    case 'writtenAt': {
      const iso = isoFormatter();
      const setBySink = t.kind === 'writtenAt';
      return (row, writtenAtMs) => {
        const ms = setBySink ? writtenAtMs : row.values[name];
        return typeof ms === 'number' && Number.isFinite(ms) ? iso(ms) : null;
      };
    }
    case 'decimal':
      return (row) => formatScaled(row.values[name] ?? 0, t.scale);
    case 'text':
    case 'longText':
      return (row) => String(row.values[name] ?? '');
    case 'integer':
    case 'double':
      return (row) => jsonNumber(row.values[name]);
  }
}

function jsonNumber(v: ColumnValue | undefined): number | string | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  // A bigint beyond 2^53 is written as an exact string rather than a rounded number.
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  return v === undefined ? null : v;
}

/**
 * ISO-8601 with milliseconds. Timestamps of one row and its neighbours share their minute, so the
 * `YYYY-MM-DDTHH:MM:` prefix is cached and only seconds and milliseconds are formatted.
 */
export function isoFormatter(): (ms: number) => string {
  let minute = NaN;
  let prefix = '';
  return (ms) => {
    if (!Number.isInteger(ms)) return new Date(ms).toISOString();
    const m = Math.floor(ms / 60_000);
    if (m !== minute) {
      const full = new Date(ms).toISOString();
      // Years outside 0000–9999 have a longer form: do not cache those.
      if (full.length !== 24) return full;
      minute = m;
      prefix = full.slice(0, 17);
    }
    const rest = ms - m * 60_000;
    const sec = Math.floor(rest / 1000);
    const milli = rest - sec * 1000;
    return `${prefix}${sec < 10 ? '0' : ''}${sec}.${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
  };
}

/** An integer scaled by 10^scale, as an exact decimal string: (123456, 2) → "1234.56". */
export function formatScaled(value: ColumnValue, scale: number): string {
  if (typeof value === 'number' && Number.isSafeInteger(value) && scale === 2) {
    const abs = Math.abs(value);
    const frac = abs % 100;
    return `${value < 0 ? '-' : ''}${(abs - frac) / 100}.${frac < 10 ? '0' : ''}${frac}`;
  }
  const n = typeof value === 'bigint' ? value : BigInt(typeof value === 'number' ? value : Number(value));
  const negative = n < 0n;
  const digits = (negative ? -n : n).toString().padStart(scale + 1, '0');
  const text =
    scale === 0 ? digits : `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  return negative ? `-${text}` : text;
}
