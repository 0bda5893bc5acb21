/**
 * The orders job as it was written by hand, before it was written with `defineJob`: its decoder and
 * validation, key, de-duplication, combiner and row, copied unchanged. Kept only as the bench's
 * baseline (`npm run bench`, case (c)): the test pipeline runs it and the built-in orders job on the
 * same input, to show what the SDK costs. Nothing else uses it.
 *
 * What is configuration rather than code — name, table, windows, watermark, output mode, sample and
 * I/O — is taken from the built-in job, so that both run exactly the same job and differ only in the
 * code that decodes, groups, aggregates and builds rows.
 */
import { combineAll, count, max, min, sumInteger } from '../src/domain/aggregation/combiners';
import { md5Hex } from '../src/domain/hashing/md5';
import type { Decoded, JobDefinition } from '../src/domain/jobs/job';
import { labelError, REGION_RULE } from '../src/domain/jobs/label-rules';
import { ordersJob } from '../src/domain/jobs/orders.job';
import { fieldError, isPlainObject, MILLISECONDS_HINT, parseJson } from '../src/domain/jobs/validation';

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

export const legacyOrdersJob: JobDefinition<Order, OrderGroup, OrderAccumulator> = {
  // The built-in job's configuration; every piece of its code is replaced below, and the hooks the
  // hand-written job did not have are switched off.
  ...ordersJob,
  decodeMany: undefined,
  toRows: undefined,
  rowsCarryKeys: false,
  stateShape: undefined,
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
