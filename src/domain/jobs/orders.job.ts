import { combineAll, count, max, min, sumInteger } from '../aggregation/combiners';
import { md5Hex } from '../hashing/md5';
import type { TableSchema } from '../table-schema';
import type { Decoded, JobDefinition } from './job';
import { labelError, REGION_RULE } from './label-rules';
import { fieldError, isPlainObject, MILLISECONDS_HINT, parseJson } from './validation';
import { jsonIntegerField } from './message-key';
import { ordersGenerator } from './orders.generator';

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

export interface OrderGroup {
  readonly region: string;
  readonly shopid: number;
  readonly itemid: number;
}

const YEAR_2000_MS = 946_684_800_000;
const YEAR_2100_MS = 4_102_444_800_000;
const MAX_REGION_CHARS = 16;

const orderCombiner = combineAll({
  expenditureCents: sumInteger<Order>((o) => o.cents * o.count),
  itemsSold: sumInteger<Order>((o) => o.count),
  // Duplicates are removed before aggregation and an id stays remembered while any window of its
  // first record is open, so within one row every accepted order has a distinct id: a count is the
  // distinct count, without keeping a set of ids per row.
  orders: count<Order>(),
  firstEventMs: min<Order>((o) => o.eventMs),
  lastEventMs: max<Order>((o) => o.eventMs),
});
type OrderAccumulator = ReturnType<typeof orderCombiner.create>;

export const aggOrderWindowTable: TableSchema = {
  name: 'agg_order_window',
  primaryKey: ['rowkey'],
  columns: [
    { name: 'rowkey', type: { kind: 'text', maxLength: 32, fixedLength: true } },
    { name: 'window_start', type: { kind: 'instant' } },
    { name: 'window_end', type: { kind: 'instant' } },
    { name: 'region', type: { kind: 'text', maxLength: 16 } },
    { name: 'shop_id', type: { kind: 'integer', bits: 64 } },
    { name: 'item_id', type: { kind: 'integer', bits: 64 } },
    { name: 'total_expenditure', type: { kind: 'decimal', precision: 20, scale: 2 } },
    { name: 'total_items_sold', type: { kind: 'integer', bits: 64 } },
    { name: 'total_orders', type: { kind: 'integer', bits: 64 } },
    { name: 'first_event_at', type: { kind: 'instant' } },
    { name: 'last_event_at', type: { kind: 'instant' } },
    { name: 'updated_at', type: { kind: 'writtenAt' } },
  ],
};

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

export const ordersJob: JobDefinition<Order, OrderGroup, OrderAccumulator> = {
  name: 'orders',
  description: 'Orders per item, shop and region in 1-minute windows: spend, items, orders (Spark+Kafka+MySQL)',
  table: aggOrderWindowTable,
  defaults: {
    window: { kind: 'fixed', lengthMs: 60_000, slideMs: 60_000 },
    watermarkMs: 10_000,
    outputMode: 'update',
    sampleFile: 'orders.jsonl',
  },
  // Keyed by shop: an order that fails validation still goes with its shop's records.
  io: { topic: 'orders', bounded: false, partitionKey: jsonIntegerField('shopid'), generator: ordersGenerator },
  decode: decodeOrder,
  eventTimeMs: (o) => o.eventMs,
  groupKey: (o) => `${o.region}|${o.shopid}|${o.itemid}`,
  groupFields: (o) => ({ region: o.region, shopid: o.shopid, itemid: o.itemid }),
  dedupe: { field: 'orderid', id: (o) => o.orderid },
  combiner: orderCombiner,
  rowKey: (w, g) => orderRowKey(w.startMs, w.endMs, g),
  toRow: (w, g, acc, rowKey) => {
    const r = orderCombiner.extract(acc);
    return {
      key: rowKey,
      finalAtMs: w.endMs,
      values: {
        rowkey: rowKey,
        window_start: w.startMs,
        window_end: w.endMs,
        region: g.region,
        shop_id: g.shopid,
        item_id: g.itemid,
        total_expenditure: r.expenditureCents,
        total_items_sold: r.itemsSold,
        total_orders: r.orders,
        first_event_at: r.firstEventMs,
        last_event_at: r.lastEventMs,
      },
    };
  },
};

const ID = 'a non-negative safe integer';

function isId(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** `rowkey`: lowercase hex MD5 of `${window_start_ms}|${window_end_ms}|${region}|${shopid}|${itemid}`. */
export function orderRowKey(startMs: number, endMs: number, g: OrderGroup): string {
  return md5Hex(`${startMs}|${endMs}|${g.region}|${g.shopid}|${g.itemid}`);
}

/** The job as the built-in catalog finds it. */
export { ordersJob as job };
