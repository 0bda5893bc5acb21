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
  reason: 'invalid' | 'late' | 'duplicate' | 'error';
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

export interface Acc {
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

export interface ValidOrder {
  orderid: number;
  itemid: number;
  shopid: number;
  region: string;
  count: number;
  price: number;
  t: number;
}

export function referenceOrders(
  partitions: ReadonlyMap<number, readonly (string | undefined)[]>,
  opts: ReferenceOptions,
): ReferenceResult {
  const reference = new OrderReference(opts);
  for (const p of [...partitions.keys()].sort((a, b) => a - b)) {
    (partitions.get(p) ?? []).forEach((text, position) => reference.add(p, position, text));
  }
  const rows = new Map<string, ReferenceRow>();
  for (const a of reference.openAccs()) {
    const row = referenceRow(a);
    rows.set(row.rowkey, row);
  }
  return {
    rows,
    deadLetters: reference.deadLetters,
    accepted: reference.accepted,
    blank: reference.blank,
    maxEventMs: reference.maxSeen,
  };
}

/**
 * The reference one record at a time. With `onFinal`, a row whose window has closed in its
 * partition (that partition's watermark passed its end) is handed over and forgotten, and so is an
 * id no longer remembered: memory stays bounded however long the input. That holds only when every
 * group's records are in one partition (a producer keying by shop, as the tests do).
 */
export class OrderReference {
  readonly deadLetters: ReferenceDeadLetter[] = [];
  readonly maxSeen = new Map<number, number>();
  accepted = 0;
  blank = 0;
  private readonly accs = new Map<string, Acc>();
  private readonly seen = new Map<number, { partition: number; lastEnd: number }>();
  /** With `onFinal`: per partition, window end → what closes there (row keys, remembered ids). */
  private readonly closing = new Map<number, Map<number, { keys: string[]; ids: number[] }>>();
  /** Per partition, the earliest end in `closing` (nothing to hand over before the watermark reaches it). */
  private readonly nextEnd = new Map<number, number>();

  constructor(
    private readonly opts: ReferenceOptions,
    private readonly onFinal?: (row: ReferenceRow) => void,
  ) {}

  /** Rows not handed over (all of them without `onFinal`). */
  openAccs(): IterableIterator<Acc> {
    return this.accs.values();
  }

  /** Hands over every row still held: the end of the input. */
  finish(): void {
    for (const a of this.accs.values()) this.onFinal?.(referenceRow(a));
    this.accs.clear();
    this.seen.clear();
    this.closing.clear();
    this.nextEnd.clear();
  }

  add(p: number, position: number, text: string | undefined): void {
    const { opts } = this;
    if (text !== undefined && text.trim() === '') {
      this.blank++;
      return;
    }
    const order =
      text === undefined || Buffer.byteLength(text) > (opts.maxRecordBytes ?? 1024 * 1024) ? undefined : validate(text);
    if (order === undefined) {
      this.deadLetters.push({ reason: 'invalid', partition: p, position });
      return;
    }
    const w = this.watermark(p);
    const windows: number[] = [];
    for (let s = Math.floor(order.t / opts.slideMs) * opts.slideMs; s + opts.windowMs > order.t; s -= opts.slideMs)
      windows.push(s);
    const open = windows.filter((s) => !(w >= s + opts.windowMs));
    if (open.length === 0) {
      this.deadLetters.push({ reason: 'late', partition: p, position });
      return this.advance(p, order.t);
    }
    const earlier = this.seen.get(order.orderid);
    if (earlier !== undefined && this.watermark(earlier.partition) < earlier.lastEnd) {
      this.deadLetters.push({ reason: 'duplicate', partition: p, position });
      return this.advance(p, order.t);
    }
    const lastEnd = Math.max(...windows) + opts.windowMs;
    this.seen.set(order.orderid, { partition: p, lastEnd });
    this.closingAt(p, lastEnd)?.ids.push(order.orderid);
    for (const s of open) {
      const key = `${s}|${order.region}|${order.shopid}|${order.itemid}`;
      let acc = this.accs.get(key);
      if (acc === undefined) {
        acc = {
          start: s,
          end: s + opts.windowMs,
          region: order.region,
          shop: order.shopid,
          item: order.itemid,
          cents: 0n,
          items: 0n,
          orders: new Set(),
          first: Infinity,
          last: -Infinity,
        };
        this.accs.set(key, acc);
        this.closingAt(p, acc.end)?.keys.push(key);
      }
      acc.cents += BigInt(Math.round(order.price * 100)) * BigInt(order.count);
      acc.items += BigInt(order.count);
      acc.orders.add(order.orderid);
      acc.first = Math.min(acc.first, order.t);
      acc.last = Math.max(acc.last, order.t);
    }
    this.accepted++;
    this.advance(p, order.t);
  }

  private watermark(p: number): number {
    return (this.maxSeen.get(p) ?? -Infinity) - this.opts.watermarkMs;
  }

  private closingAt(p: number, end: number): { keys: string[]; ids: number[] } | undefined {
    if (this.onFinal === undefined) return undefined;
    let ends = this.closing.get(p);
    if (ends === undefined) this.closing.set(p, (ends = new Map<number, { keys: string[]; ids: number[] }>()));
    let at = ends.get(end);
    if (at === undefined) {
      ends.set(end, (at = { keys: [], ids: [] }));
      if (end < (this.nextEnd.get(p) ?? Infinity)) this.nextEnd.set(p, end);
    }
    return at;
  }

  private advance(p: number, t: number): void {
    const before = this.watermark(p);
    this.maxSeen.set(p, Math.max(this.maxSeen.get(p) ?? -Infinity, t));
    const w = this.watermark(p);
    const ends = this.closing.get(p);
    if (this.onFinal === undefined || ends === undefined || w === before || w < (this.nextEnd.get(p) ?? Infinity))
      return;
    let next = Infinity;
    for (const [end, at] of ends) {
      if (w < end) {
        next = Math.min(next, end);
        continue;
      }
      for (const key of at.keys) {
        const acc = this.accs.get(key);
        if (acc !== undefined) this.onFinal(referenceRow(acc));
        this.accs.delete(key);
      }
      for (const id of at.ids) if (this.seen.get(id)?.lastEnd === end) this.seen.delete(id);
      ends.delete(end);
    }
    this.nextEnd.set(p, next);
  }
}

/** Window bounds as ISO strings: few distinct ones, each converted once (millions of rows in a soak). */
const windowIsos = new Map<number, string>();
function windowIso(ms: number): string {
  let iso = windowIsos.get(ms);
  if (iso === undefined) {
    if (windowIsos.size > 10_000) windowIsos.clear();
    windowIsos.set(ms, (iso = new Date(ms).toISOString()));
  }
  return iso;
}

/** The row of one window and group, as the table holds it. */
export function referenceRow(a: Acc): ReferenceRow {
  const rowkey = createHash('md5').update(`${a.start}|${a.end}|${a.region}|${a.shop}|${a.item}`, 'utf8').digest('hex');
  return {
    rowkey,
    window_start: windowIso(a.start),
    window_end: windowIso(a.end),
    region: a.region,
    shop_id: a.shop,
    item_id: a.item,
    total_expenditure: `${a.cents / 100n}.${(a.cents % 100n).toString().padStart(2, '0')}`,
    total_items_sold: Number(a.items),
    total_orders: a.orders.size,
    first_event_at: new Date(a.first).toISOString(),
    last_event_at: new Date(a.last).toISOString(),
  };
}

/** No object or array deeper than 16 levels, no key that names a prototype, at any depth. */
function badShape(v: unknown, depth: number): boolean {
  if (typeof v !== 'object' || v === null) return false;
  if (depth > 16) return true;
  if (!Array.isArray(v) && Object.keys(v).some((k) => k === '__proto__' || k === 'constructor' || k === 'prototype'))
    return true;
  return Object.values(v).some((child) => badShape(child, depth + 1));
}

/** The validation rules of ARCHITECTURE §4, written out plainly: the order, or undefined when it is invalid. */
export function validate(text: string): ValidOrder | undefined {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o) || badShape(o, 1)) return undefined;
  const r = o as Record<string, unknown>;
  const isId = (v: unknown): v is number =>
    typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= Number.MAX_SAFE_INTEGER;
  if (!isId(r.orderid) || !isId(r.itemid) || !isId(r.shopid)) return undefined;
  if (typeof r.region !== 'string' || r.region.length === 0 || Array.from(r.region).length > 16) return undefined;
  // Letters, marks, digits, space, - _ . / only; no space at either end.
  if (!/^[\p{L}\p{M}\p{Nd} ._/-]+$/u.test(r.region) || r.region.trim() !== r.region) return undefined;
  if (typeof r.count !== 'number' || !Number.isInteger(r.count) || r.count < 1 || r.count > Number.MAX_SAFE_INTEGER)
    return undefined;
  if (typeof r.price !== 'number' || !Number.isFinite(r.price) || r.price < 0) return undefined;
  const decimals = /^\d+(?:\.(\d+))?$/.exec(String(r.price));
  if (decimals === null || (decimals[1] ?? '').length > 2) return undefined;
  if (Math.round(r.price * 100) * r.count > Number.MAX_SAFE_INTEGER) return undefined;
  if (typeof r.timestamp !== 'number' || !Number.isFinite(r.timestamp)) return undefined;
  const t = Math.round(r.timestamp * 1000);
  if (t < Date.UTC(2000, 0, 1) || t >= Date.UTC(2100, 0, 1)) return undefined;
  return {
    orderid: r.orderid,
    itemid: r.itemid,
    shopid: r.shopid,
    region: r.region,
    count: r.count,
    price: r.price,
    t,
  };
}
