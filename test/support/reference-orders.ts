import { createHash } from 'node:crypto';

/**
 * An independent, deliberately naive implementation of the `orders` job's semantics
 * (ARCHITECTURE §2 and §4), used as the expected result in tests. It shares no code with the engine:
 * brute-force window enumeration, BigInt money, node:crypto MD5, its own validation.
 *
 * Partitions are processed one after another; that equals any interleaving as long as a repeated
 * orderid stays within one partition (late decisions only depend on the record's own partition).
 */
export interface ReferenceRow {
  rowkey: string;
  window_start: string;
  window_end: string;
  region: string;
  shop_id: number;
  item_id: number;
  total_expenditure: string;
  total_items_sold: number;
  total_orders: number;
  first_event_at: string;
  last_event_at: string;
}

export interface ReferenceDeadLetter {
  reason: 'invalid' | 'late' | 'duplicate';
  partition: number;
  position: number;
}

export interface ReferenceResult {
  rows: Map<string, ReferenceRow>;
  deadLetters: ReferenceDeadLetter[];
  accepted: number;
  blank: number;
  /** Per partition with a valid record, the highest event time of its valid records (accepted, late or duplicate). */
  maxEventMs: Map<number, number>;
}

export interface ReferenceOptions {
  windowMs: number;
  slideMs: number;
  watermarkMs: number;
  /** Longer records (UTF-8 bytes) are invalid; default 1 MiB, as `--max-record-bytes`. */
  maxRecordBytes?: number;
}

interface Acc {
  start: number;
  end: number;
  region: string;
  shop: number;
  item: number;
  cents: bigint;
  items: bigint;
  orders: Set<number>;
  first: number;
  last: number;
}

interface ValidOrder {
  orderid: number;
  itemid: number;
  shopid: number;
  region: string;
  count: number;
  price: number;
  t: number;
}

export function referenceOrders(partitions: ReadonlyMap<number, readonly (string | undefined)[]>, opts: ReferenceOptions): ReferenceResult {
  const accs = new Map<string, Acc>();
  const deadLetters: ReferenceDeadLetter[] = [];
  const maxSeen = new Map<number, number>();
  const seen = new Map<number, { partition: number; lastEnd: number }>();
  const watermark = (p: number): number => (maxSeen.get(p) ?? -Infinity) - opts.watermarkMs;
  let accepted = 0;
  let blank = 0;

  for (const p of [...partitions.keys()].sort((a, b) => a - b)) {
    (partitions.get(p) ?? []).forEach((text, position) => {
      if (text !== undefined && text.trim() === '') {
        blank++;
        return;
      }
      const order = text === undefined || Buffer.byteLength(text) > (opts.maxRecordBytes ?? 1024 * 1024) ? undefined : validate(text);
      if (order === undefined) {
        deadLetters.push({ reason: 'invalid', partition: p, position });
        return;
      }
      const w = watermark(p);
      const windows: number[] = [];
      for (let s = Math.floor(order.t / opts.slideMs) * opts.slideMs; s + opts.windowMs > order.t; s -= opts.slideMs) windows.push(s);
      const open = windows.filter((s) => !(w >= s + opts.windowMs));
      const advance = (): void => {
        maxSeen.set(p, Math.max(maxSeen.get(p) ?? -Infinity, order.t));
      };
      if (open.length === 0) {
        deadLetters.push({ reason: 'late', partition: p, position });
        return advance();
      }
      const earlier = seen.get(order.orderid);
      if (earlier !== undefined && watermark(earlier.partition) < earlier.lastEnd) {
        deadLetters.push({ reason: 'duplicate', partition: p, position });
        return advance();
      }
      seen.set(order.orderid, { partition: p, lastEnd: Math.max(...windows) + opts.windowMs });
      for (const s of open) {
        const key = `${s}|${order.region}|${order.shopid}|${order.itemid}`;
        let acc = accs.get(key);
        if (acc === undefined) {
          acc = { start: s, end: s + opts.windowMs, region: order.region, shop: order.shopid, item: order.itemid, cents: 0n, items: 0n, orders: new Set(), first: Infinity, last: -Infinity };
          accs.set(key, acc);
        }
        acc.cents += BigInt(Math.round(order.price * 100)) * BigInt(order.count);
        acc.items += BigInt(order.count);
        acc.orders.add(order.orderid);
        acc.first = Math.min(acc.first, order.t);
        acc.last = Math.max(acc.last, order.t);
      }
      accepted++;
      advance();
    });
  }

  const rows = new Map<string, ReferenceRow>();
  for (const a of accs.values()) {
    const rowkey = createHash('md5').update(`${a.start}|${a.end}|${a.region}|${a.shop}|${a.item}`, 'utf8').digest('hex');
    const whole = a.cents / 100n;
    const frac = (a.cents % 100n).toString().padStart(2, '0');
    rows.set(rowkey, {
      rowkey,
      window_start: new Date(a.start).toISOString(),
      window_end: new Date(a.end).toISOString(),
      region: a.region,
      shop_id: a.shop,
      item_id: a.item,
      total_expenditure: `${whole}.${frac}`,
      total_items_sold: Number(a.items),
      total_orders: a.orders.size,
      first_event_at: new Date(a.first).toISOString(),
      last_event_at: new Date(a.last).toISOString(),
    });
  }
  return { rows, deadLetters, accepted, blank, maxEventMs: maxSeen };
}

/** No object or array deeper than 16 levels, no key that names a prototype, at any depth. */
function badShape(v: unknown, depth: number): boolean {
  if (typeof v !== 'object' || v === null) return false;
  if (depth > 16) return true;
  if (!Array.isArray(v) && Object.keys(v).some((k) => k === '__proto__' || k === 'constructor' || k === 'prototype')) return true;
  return Object.values(v).some((child) => badShape(child, depth + 1));
}

/** The validation rules of ARCHITECTURE §4, written out plainly. */
function validate(text: string): ValidOrder | undefined {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o) || badShape(o, 1)) return undefined;
  const r = o as Record<string, unknown>;
  const isId = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= Number.MAX_SAFE_INTEGER;
  if (!isId(r.orderid) || !isId(r.itemid) || !isId(r.shopid)) return undefined;
  if (typeof r.region !== 'string' || r.region.length === 0 || Array.from(r.region).length > 16) return undefined;
  // Letters, marks, digits, space, - _ . / only; no space at either end.
  if (!/^[\p{L}\p{M}\p{Nd} ._/-]+$/u.test(r.region) || r.region.trim() !== r.region) return undefined;
  if (typeof r.count !== 'number' || !Number.isInteger(r.count) || r.count < 1 || r.count > Number.MAX_SAFE_INTEGER) return undefined;
  if (typeof r.price !== 'number' || !Number.isFinite(r.price) || r.price < 0) return undefined;
  const decimals = /^\d+(?:\.(\d+))?$/.exec(String(r.price));
  if (decimals === null || (decimals[1] ?? '').length > 2) return undefined;
  if (Math.round(r.price * 100) * r.count > Number.MAX_SAFE_INTEGER) return undefined;
  if (typeof r.timestamp !== 'number' || !Number.isFinite(r.timestamp)) return undefined;
  const t = Math.round(r.timestamp * 1000);
  if (t < Date.UTC(2000, 0, 1) || t >= Date.UTC(2100, 0, 1)) return undefined;
  return { orderid: r.orderid, itemid: r.itemid, shopid: r.shopid, region: r.region, count: r.count, price: r.price, t };
}
