import { createHash } from 'node:crypto';
import type { ReferenceRow } from './reference-orders';

/** Test inputs are written on this day unless a full ISO instant is given. */
const DAY = '2025-01-01';

/**
 * Epoch milliseconds of a time of day on 2025-01-01 (`'00:01:10'`, `'00:00:59.999'`) or of a full ISO
 * instant (`'2025-01-01T00:00:05Z'`). Uses `Date.parse` only, never the code under test.
 */
export function ms(time: string): number {
  const text = time.includes('T') ? time : `${DAY}T${time}Z`;
  const value = Date.parse(text);
  if (Number.isNaN(value)) throw new Error(`not a time: ${time}`);
  return value;
}

/** ISO-8601 UTC with milliseconds, as the result table and dead-letter details render instants. */
export function iso(time: string): string {
  return new Date(ms(time)).toISOString();
}

export interface OrderSpec {
  readonly orderid: number;
  readonly itemid?: number;
  readonly shopid?: number;
  readonly region?: string;
  readonly count?: number;
  readonly price?: number;
  /** Event time, see `ms`. */
  readonly t: string;
}

/** One order record as the `orders` job reads it: a JSON line with the timestamp in epoch seconds. */
export function order(spec: OrderSpec): string {
  return JSON.stringify({
    orderid: spec.orderid,
    itemid: spec.itemid ?? 1,
    shopid: spec.shopid ?? 1,
    region: spec.region ?? 'TW',
    count: spec.count ?? 1,
    price: spec.price ?? 1,
    timestamp: ms(spec.t) / 1000,
  });
}

export interface RowSpec {
  /** `[start, end)` of the window, see `ms`. */
  readonly window: readonly [string, string];
  readonly region?: string;
  readonly shopid?: number;
  readonly itemid?: number;
  /** Σ price × count as `"x.yy"`. */
  readonly expenditure: string;
  readonly items: number;
  readonly orders: number;
  readonly first: string;
  readonly last: string;
}

/** An expected `agg_order_window` row in the reference's shape, its rowkey hashed by node:crypto. */
export function row(spec: RowSpec): ReferenceRow {
  const start = ms(spec.window[0]);
  const end = ms(spec.window[1]);
  const region = spec.region ?? 'TW';
  const shopid = spec.shopid ?? 1;
  const itemid = spec.itemid ?? 1;
  return {
    rowkey: createHash('md5').update(`${start}|${end}|${region}|${shopid}|${itemid}`, 'utf8').digest('hex'),
    window_start: new Date(start).toISOString(),
    window_end: new Date(end).toISOString(),
    region,
    shop_id: shopid,
    item_id: itemid,
    total_expenditure: spec.expenditure,
    total_items_sold: spec.items,
    total_orders: spec.orders,
    first_event_at: iso(spec.first),
    last_event_at: iso(spec.last),
  };
}
