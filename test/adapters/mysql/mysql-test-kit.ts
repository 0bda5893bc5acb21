import { orderRowKey } from '../../../src/domain/jobs/orders.job';
import type { ResultRow } from '../../../src/domain/records';
import type { TableSchema } from '../../../src/domain/table-schema';
import type { TriggerCommit } from '../../../src/domain/pipeline/pipeline-output';
import { engineCheckpoint } from '../../contracts/output.contract';
import type { TestDatabase } from '../../support/mariadb';

/**
 * Reads a result table back in the rendered JSON shape of the sink contract: timestamps as ISO-8601
 * with milliseconds and 'Z', decimals as exact strings, integers as numbers while exact (strings
 * beyond 2^53). Keyed as the job keys its rows (see {@link renderedRowKey}).
 */
export async function readRenderedTable(
  db: TestDatabase,
  table: TableSchema,
): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const row of await db.query(`SELECT * FROM \`${table.name}\``)) {
    const rendered: Record<string, unknown> = {};
    for (const c of table.columns) rendered[c.name] = renderValue(row[c.name], c.type.kind);
    out.set(renderedRowKey(table, rendered), rendered);
  }
  return out;
}

/** A rendered row's key as the job makes it: its primary key's values joined by '|', instants as epoch milliseconds. */
export function renderedRowKey(table: TableSchema, rendered: Readonly<Record<string, unknown>>): string {
  return table.primaryKey
    .map((name) => {
      const kind = table.columns.find((c) => c.name === name)?.type.kind;
      const v = rendered[name];
      return kind === 'instant' ? String(Date.parse(String(v))) : asText(v);
    })
    .join('|');
}

/** A driver value as text (strings, numbers and bigints as they print; anything else as JSON). */
function asText(v: unknown): string {
  if (typeof v === 'string') return v;
  return typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
}

function renderValue(v: unknown, kind: TableSchema['columns'][number]['type']['kind']): unknown {
  if (v === null || v === undefined) return null;
  switch (kind) {
    case 'instant':
    case 'writtenAt':
      // dateStrings: 'YYYY-MM-DD HH:MM:SS.mmm', in UTC (DATETIME as written, TIMESTAMP via the UTC session).
      return `${asText(v).replace(' ', 'T')}Z`;
    case 'integer': {
      const n = Number(v);
      return Number.isSafeInteger(n) ? n : asText(v);
    }
    case 'double':
      return Number(v);
    case 'decimal':
    case 'text':
    case 'longText':
      return asText(v);
  }
}

export const MINUTE = 60_000;
export const W0 = Date.UTC(2026, 0, 2, 3, 4, 0, 0);

/** An `agg_order_window` row for window `W0 + i minutes`. */
export function orderRow(
  i: number,
  more: { region?: string; cents?: number | bigint; items?: number } = {},
): ResultRow {
  const start = W0 + i * MINUTE;
  const group = { region: more.region ?? 'de', shopid: i, itemid: 7 };
  const key = orderRowKey(start, start + MINUTE, group);
  return {
    key: `${start}|${key}`,
    finalAtMs: start + MINUTE,
    values: {
      rowkey: key,
      window_start: start,
      window_end: start + MINUTE,
      region: group.region,
      shop_id: group.shopid,
      item_id: group.itemid,
      total_expenditure: more.cents ?? 1999,
      total_items_sold: more.items ?? 1,
      total_orders: 1,
      first_event_at: start + 1,
      last_event_at: start + 59_999,
    },
  };
}

export function trigger(
  sequence: number,
  rows: readonly ResultRow[],
  positions: ReadonlyMap<number, number>,
  watermarks: ReadonlyMap<number, number> = new Map(),
): TriggerCommit {
  return {
    sequence,
    rows,
    deadLetters: [],
    positions,
    watermarks,
    closedUpToMs: -Infinity,
    checkpoint: engineCheckpoint(positions, watermarks, -Infinity),
  };
}

/** The rejection of `promise`, failing the test if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
}

/** A driver-like error with the errno/code fields mysql2 sets. */
export function driverError(message: string, fields: { errno?: number; code?: string }): Error {
  return Object.assign(new Error(message), fields);
}
