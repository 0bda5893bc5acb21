import type { ColumnValue, ResultRow } from '../../domain/records';
import type { ColumnSpec, TableSchema } from '../../domain/table-schema';

/**
 * Renders result rows as JSON objects with the table's column names: timestamps as ISO-8601 UTC
 * with milliseconds, decimals as exact strings (`"1234.50"`, as mysql2 returns DECIMAL), integers
 * and floats as numbers. Columns set by the sink (`updated_at`) take `writtenAtMs`.
 */
export function rowRenderer(table: TableSchema): (row: ResultRow, writtenAtMs: number) => string {
  const parts = table.columns.map((c) => columnRenderer(c));
  return (row, writtenAtMs) => {
    let out = '{';
    for (let i = 0; i < parts.length; i++) out += (i === 0 ? '' : ',') + (parts[i] as ColumnRenderer)(row, writtenAtMs);
    return `${out}}`;
  };
}

type ColumnRenderer = (row: ResultRow, writtenAtMs: number) => string;

function columnRenderer(column: ColumnSpec): ColumnRenderer {
  const name = column.name;
  const prefix = `${JSON.stringify(name)}:`;
  const t = column.type;
  switch (t.kind) {
    case 'timestamp': {
      // Windows repeat the same instants row after row: remember the last one rendered.
      let lastMs = NaN;
      let lastText = '';
      return (row, writtenAtMs) => {
        const ms = t.setBySink === true ? writtenAtMs : row.values[name];
        if (ms !== lastMs) {
          lastMs = typeof ms === 'number' ? ms : NaN;
          lastText = typeof ms === 'number' && Number.isFinite(ms) ? `"${new Date(ms).toISOString()}"` : 'null';
        }
        return prefix + lastText;
      };
    }
    case 'decimal':
      return (row) => prefix + `"${formatScaled(row.values[name] ?? 0, t.scale)}"`;
    case 'text':
      return (row) => prefix + JSON.stringify(String(row.values[name] ?? ''));
    case 'integer':
    case 'float':
      return (row) => prefix + renderNumber(row.values[name]);
  }
}

function renderNumber(v: ColumnValue | undefined): string {
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null';
  return v === undefined ? 'null' : JSON.stringify(v);
}

/** An integer scaled by 10^scale, as an exact decimal string: (123456, 2) → "1234.56". */
export function formatScaled(value: ColumnValue, scale: number): string {
  const n = typeof value === 'bigint' ? value : BigInt(typeof value === 'number' ? value : Number(value));
  const negative = n < 0n;
  const digits = (negative ? -n : n).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  return negative ? `-${text}` : text;
}
