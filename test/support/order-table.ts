import type { ColumnValue, ResultRow } from '../../src/domain/records';
import type { TestDatabase } from './mariadb';
import type { ReferenceDeadLetter, ReferenceRow } from './reference-orders';

/**
 * Converts engine output rows of the `orders` job into the reference's shape (timestamps as ISO
 * strings, money as an exact `"x.yy"` string), so results compare with `toEqual`.
 */
export function toReferenceRow(r: ResultRow): ReferenceRow {
  const v = r.values;
  return {
    rowkey: text(v, 'rowkey'),
    window_start: instant(v, 'window_start'),
    window_end: instant(v, 'window_end'),
    region: text(v, 'region'),
    shop_id: integer(v, 'shop_id'),
    item_id: integer(v, 'item_id'),
    total_expenditure: money(v, 'total_expenditure'),
    total_items_sold: integer(v, 'total_items_sold'),
    total_orders: integer(v, 'total_orders'),
    first_event_at: instant(v, 'first_event_at'),
    last_event_at: instant(v, 'last_event_at'),
  };
}

/** Rows in a stable order (window, region, shop, item), for comparing lists that have no defined order. */
export function sortRows(rows: Iterable<ReferenceRow>): ReferenceRow[] {
  return [...rows].sort(
    (a, b) =>
      compare(a.window_start, b.window_start) ||
      compare(a.window_end, b.window_end) ||
      compare(a.region, b.region) ||
      a.shop_id - b.shop_id ||
      a.item_id - b.item_id,
  );
}

/** A sink's orders rows as the reference holds them: by `rowkey` (a row's key also holds its window start). */
export function byRowkey(rows: Iterable<ResultRow>): Map<string, ReferenceRow> {
  return new Map([...rows].map((r) => [String(r.values['rowkey']), toReferenceRow(r)]));
}

/** What one trigger emitted, converted and sorted. */
export function emitted(out: { readonly rows: readonly ResultRow[] }): ReferenceRow[] {
  return sortRows(out.rows.map(toReferenceRow));
}

/** A sink table (key → last row written), converted and sorted. */
export function tableOf(table: ReadonlyMap<string, ResultRow>): ReferenceRow[] {
  for (const [key, r] of table) if (key !== r.key) throw new Error(`table key ${key} holds row ${r.key}`);
  return sortRows([...table.values()].map(toReferenceRow));
}

/** The table an upserting sink ends with after applying every trigger in order: last value per key. */
export function upsertAll(outputs: readonly { readonly rows: readonly ResultRow[] }[]): ReferenceRow[] {
  const table = new Map<string, ResultRow>();
  for (const out of outputs) for (const r of out.rows) table.set(r.key, r);
  return tableOf(table);
}

/** Dead letters reduced to what the reference knows, sorted by partition and position. */
export function deadLetterKeys(letters: readonly ReferenceDeadLetter[]): ReferenceDeadLetter[] {
  return letters
    .map(({ reason, partition, position }) => ({ reason, partition, position }))
    .sort((a, b) => a.partition - b.partition || a.position - b.position);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function value(values: Readonly<Record<string, ColumnValue>>, name: string): ColumnValue {
  const v = values[name];
  if (v === undefined) throw new Error(`row has no column ${name}`);
  return v;
}

function text(values: Readonly<Record<string, ColumnValue>>, name: string): string {
  const v = value(values, name);
  if (typeof v !== 'string') throw new Error(`column ${name} is not a string: ${String(v)}`);
  return v;
}

function integer(values: Readonly<Record<string, ColumnValue>>, name: string): number {
  const v = value(values, name);
  const n = typeof v === 'bigint' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n))
    throw new Error(`column ${name} is not a safe integer: ${String(v)}`);
  return n;
}

function instant(values: Readonly<Record<string, ColumnValue>>, name: string): string {
  return new Date(integer(values, name)).toISOString();
}

/** Integer cents → `"x.yy"`, exactly (BigInt, no floating point). */
function money(values: Readonly<Record<string, ColumnValue>>, name: string): string {
  const v = value(values, name);
  if (typeof v === 'string' || (typeof v === 'number' && !Number.isSafeInteger(v))) {
    throw new Error(`column ${name} is not integer cents: ${String(v)}`);
  }
  const cents = BigInt(v);
  const sign = cents < 0n ? '-' : '';
  const abs = cents < 0n ? -cents : cents;
  return `${sign}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}

/** A row of `agg_order_window` as MariaDB or PostgreSQL return it (values as text, UTC instants) in the reference's shape. */
export function sqlOrderRow(r: Record<string, unknown>): ReferenceRow {
  const iso = (v: unknown): string => `${String(v).replace(' ', 'T')}Z`;
  return {
    rowkey: String(r['rowkey']),
    window_start: iso(r['window_start']),
    window_end: iso(r['window_end']),
    region: String(r['region']),
    shop_id: Number(r['shop_id']),
    item_id: Number(r['item_id']),
    total_expenditure: String(r['total_expenditure']),
    total_items_sold: Number(r['total_items_sold']),
    total_orders: Number(r['total_orders']),
    first_event_at: iso(r['first_event_at']),
    last_event_at: iso(r['last_event_at']),
  };
}

/** `agg_order_window` read with `query` (MariaDB or PostgreSQL values as text), keyed by row key, in the reference's shape. */
export async function orderTable(
  query: (sql: string) => Promise<Array<Record<string, unknown>>>,
  select = 'SELECT * FROM agg_order_window',
): Promise<Map<string, ReferenceRow>> {
  const rows = await query(select);
  return new Map(rows.map((r) => [String(r['rowkey']), sqlOrderRow(r)]));
}

/** The `agg_order_window` table of a MariaDB test database. */
export function mysqlOrderTable(db: TestDatabase): Promise<Map<string, ReferenceRow>> {
  return orderTable((sql) => db.query(sql));
}
