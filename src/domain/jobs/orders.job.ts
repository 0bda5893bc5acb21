import type { TableSchema } from '../table-schema';
import { md5Hex } from '../hashing/md5';
import { decimal, defineJob, eventTime, instant, integer, text, tumbling, writtenAt } from '../sdk';
import type { Decoded } from './job';
import { labelError, REGION_RULE } from './label-rules';
import { jsonIntegerField } from './message-key';
import { ordersGenerator } from './orders.generator';
import { validatedBy } from './validated-input';
import { fieldError, isPlainObject, MILLISECONDS_HINT, parseJson } from './validation';

/**
 * Orders per item, shop and region in tumbling one-minute windows (ARCHITECTURE §4, after the
 * Spark + Kafka + MySQL example): what was spent, sold and ordered. Named by `rowkey`, the MD5 of
 * the window and the group; the table's key is (window_start, rowkey), so rows are stored by window.
 */

/** A validated order. Money is kept in integer cents so sums are exact. */
export interface Order {
  readonly orderid: number;
  readonly itemid: number;
  readonly shopid: number;
  readonly region: string;
  readonly count: number;
  readonly cents: number;
  readonly eventMs: number;
}

/** The fields an order is grouped by, in the order of the group key and of `rowkey`'s text. */
const ORDER_KEY = ['region', 'shopid', 'itemid'] as const;

export type OrderGroup = Pick<Order, (typeof ORDER_KEY)[number]>;

const YEAR_2000_MS = 946_684_800_000;
const YEAR_2100_MS = 4_102_444_800_000;
const MAX_REGION_CHARS = 16;

/** Validation rules of ARCHITECTURE §4; every rejection names the field and the value. */
export function decodeOrder(text: string): Decoded<Order> {
  const parsed = parseJson(text);
  if (!parsed.ok) return parsed;
  const o = parsed.event;
  if (!isPlainObject(o)) return { ok: false, detail: 'record is not a JSON object' };
  return validateOrder(o.orderid, o.itemid, o.shopid, o.region, o.count, o.price, o.timestamp);
}

function validateOrder(
  orderid: unknown,
  itemid: unknown,
  shopid: unknown,
  region: unknown,
  qty: unknown,
  price: unknown,
  timestamp: unknown,
): Decoded<Order> {
  if (!isId(orderid)) return fieldError('orderid', orderid, ID);
  if (!isId(itemid)) return fieldError('itemid', itemid, ID);
  if (!isId(shopid)) return fieldError('shopid', shopid, ID);
  if (typeof region !== 'string') return fieldError('region', region, 'a string');
  if (region.length === 0) return { ok: false, detail: 'region is empty' };
  // region.length counts UTF-16 units; the column counts characters (code points).
  if (region.length > MAX_REGION_CHARS && [...region].length > MAX_REGION_CHARS) {
    return { ok: false, detail: `region has ${[...region].length} characters, at most ${MAX_REGION_CHARS} allowed` };
  }
  const badRegion = labelError('region', region, REGION_RULE);
  if (badRegion !== undefined) return { ok: false, detail: badRegion };
  if (typeof qty !== 'number' || !Number.isSafeInteger(qty) || qty <= 0) {
    return fieldError('count', qty, 'a positive integer');
  }
  if (typeof price !== 'number') return fieldError('price', price, 'a number');
  if (!Number.isFinite(price)) return { ok: false, detail: `price is not finite: ${price}` };
  if (price < 0) return { ok: false, detail: `price is negative: ${price}` };
  const cents = Math.round(price * 100);
  // k/100 rounds to the same double as the decimal literal "k/100", so this is exact for 2 decimals.
  if (cents / 100 !== price) return { ok: false, detail: `price has more than 2 decimals: ${price}` };
  if (!Number.isSafeInteger(cents * qty)) {
    return { ok: false, detail: `price × count is too large to sum exactly: ${price} × ${qty}` };
  }
  if (typeof timestamp !== 'number') return fieldError('timestamp', timestamp, 'a number (epoch seconds)');
  if (!Number.isFinite(timestamp)) return { ok: false, detail: `timestamp is not finite: ${timestamp}` };
  // The range applies to the event time as used: rounded to the millisecond.
  const eventMs = Math.round(timestamp * 1000);
  if (eventMs < YEAR_2000_MS || eventMs >= YEAR_2100_MS) {
    const hint = timestamp >= YEAR_2000_MS && timestamp < YEAR_2100_MS ? MILLISECONDS_HINT : '';
    return { ok: false, detail: `timestamp ${timestamp} is outside 2000-01-01..2100-01-01${hint}` };
  }
  return {
    ok: true,
    event: { orderid, itemid, shopid, region, count: qty, cents, eventMs },
  };
}

const ID = 'a non-negative safe integer';

function isId(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

export const ordersJob = defineJob({
  name: 'orders',
  description: 'Orders per item, shop and region in 1-minute windows: spend, items, orders (Spark+Kafka+MySQL)',
  input: validatedBy(decodeOrder),
  time: eventTime('eventMs'),
  key: ORDER_KEY,
  dedupe: 'orderid',
  window: tumbling('1m'),
  watermark: '10s',
  output: 'update',
  aggregate: (a) => ({
    expenditureCents: a.decimalSum((o) => o.cents * o.count),
    itemsSold: a.decimalSum('count'),
    // Duplicates are removed before aggregation and an id stays remembered while any window of its
    // first record is open, so within one row every accepted order has a distinct id: a count is the
    // distinct count, without keeping a set of ids per row.
    orders: a.count(),
    firstEventMs: a.min('eventMs'),
    lastEventMs: a.max('eventMs'),
  }),
  table: {
    name: 'agg_order_window',
    columns: {
      rowkey: text(32, { fixed: true }),
      window_start: instant(),
      window_end: instant(),
      region: text(MAX_REGION_CHARS),
      shop_id: integer(64),
      item_id: integer(64),
      total_expenditure: decimal(20, 2),
      total_items_sold: integer(64),
      total_orders: integer(64),
      first_event_at: instant(),
      last_event_at: instant(),
      updated_at: writtenAt(),
    },
    // Window first: new windows' rows go to the end of the key (a clustered index, InnoDB's, stays
    // appended to instead of split at random places by the MD5). rowkey alone is unique, as it
    // determines the window; it stays the rows' name on Kafka (io.outputMessageKey).
    primaryKey: ['window_start', 'rowkey'],
  },
  row: ({ window, key, agg }) => ({
    rowkey: orderRowKey(window.startMs, window.endMs, key),
    window_start: window.startMs,
    window_end: window.endMs,
    region: key.region,
    shop_id: key.shopid,
    item_id: key.itemid,
    total_expenditure: agg.expenditureCents,
    total_items_sold: agg.itemsSold,
    total_orders: agg.orders,
    first_event_at: agg.firstEventMs,
    last_event_at: agg.lastEventMs,
  }),
  // Keyed by shop: an order that fails validation still goes with its shop's records.
  io: {
    sample: 'orders.jsonl',
    outputMessageKey: 'rowkey',
    partitionKey: jsonIntegerField('shopid'),
    generator: ordersGenerator,
  },
});

/** The job as the built-in catalog finds it. */
export const job = ordersJob;

export const aggOrderWindowTable: TableSchema = ordersJob.table;

/** `rowkey`: lowercase hex MD5 of `${window_start_ms}|${window_end_ms}|${region}|${shopid}|${itemid}`. */
export function orderRowKey(startMs: number, endMs: number, g: OrderGroup): string {
  // The key fields in ORDER_KEY's order, spelled out: this runs once per row written.
  return md5Hex(`${startMs}|${endMs}|${g.region}|${g.shopid}|${g.itemid}`);
}
