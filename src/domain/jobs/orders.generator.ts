import { HexstreamError } from '../hexstream-error';
import type { RecordGenerator } from './generator-catalog';

/**
 * Seeded sample input for the `orders` job (ARCHITECTURE §4), after the Python mock producer of the
 * Spark+Kafka+MySQL example. Pure and deterministic: equal options give byte-identical lines.
 */
export interface OrderGeneratorOptions {
  /** Number of lines to produce (a non-negative integer). */
  readonly count: number;
  /** PRNG seed (an integer, taken modulo 2^32); it alone fixes the item catalogue (shop and price). */
  readonly seed: number;
  /** Event time of the first order, epoch ms; that first line is always a valid, unjittered order. */
  readonly startMs: number;
  /** Event-time rate: line i has the nominal time `startMs + i * 1000 / ordersPerSecond`. */
  readonly ordersPerSecond: number;
  /** Share (0..1) of lines that are late, duplicate or malformed, in about equal thirds. */
  readonly faultShare: number;
}

export interface GeneratedRecord {
  readonly line: string;
  readonly kind: 'valid' | 'late' | 'duplicate' | 'malformed';
}

const FIRST_ORDER_ID = 1_000_000_000_000;
const FIRST_SHOP_ID = 100_000;
const SHOP_COUNT = 1_200;
const FIRST_ITEM_ID = 100_000;
const ITEM_COUNT = 30_000;
const MAX_CENTS = 10_000;
const MAX_COUNT = 100;
const REGION_WEIGHTS: ReadonlyArray<readonly [string, number]> = [
  ['TW', 6],
  ['ID', 5],
  ['TH', 2],
  ['SG', 1],
  ['VN', 1],
  ['MY', 1],
  ['PH', 1],
];
/*
 * Event time, against the orders job's defaults (1-minute windows, 10 s watermark):
 *
 *   max seen ──────────────────────────────────────┐
 *   valid    |<- ±2 s jitter ->|                   │  at most 4 s behind the max: never late
 *   duplicate: a recent valid line, ≤ 5 s behind   │  its window is still open: a duplicate, not late
 *   late     |<------------ 2..5 min behind ------>│  behind W = max − 10 s and past its window's end
 */
const JITTER_MS = 2_000;
const LATE_MIN_MS = 120_000;
const LATE_SPAN_MS = 180_000;
const DUPLICATE_LOOKBACK = 50;
const DUPLICATE_MAX_AGE_MS = 5_000;

// Lookup tables keep number formatting of fractions out of the hot path; the texts are exactly what
// JSON.stringify prints for cents / 100 and ms / 1000.
const REGION_TABLE: readonly string[] = REGION_WEIGHTS.flatMap(([r, w]) => Array.from({ length: w }, () => r));
const PRICE_TEXT: readonly string[] = Array.from({ length: MAX_CENTS + 1 }, (_, c) => String(c / 100));
const MILLIS_TEXT: readonly string[] = Array.from({ length: 1000 }, (_, r) =>
  r === 0 ? '' : String(r / 1000).slice(1),
);

/** mulberry32: a small, fast 32-bit PRNG giving numbers in [0, 1). The seed is taken modulo 2^32. */
export function createRng(seed: number): () => number {
  let a = seed >>> 0;
  return (): number => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Yields `count` JSON lines `{orderid, itemid, shopid, region, count, price, timestamp}` (timestamp in
 * epoch seconds with millisecond precision), with `faultShare` of them late, duplicate or malformed.
 * Options are checked when called, not on the first `next()`.
 */
export function generateOrders(options: OrderGeneratorOptions): Generator<GeneratedRecord, void, undefined> {
  checkOptions(options);
  return run(options);
}

function* run(options: OrderGeneratorOptions): Generator<GeneratedRecord, void, undefined> {
  const stream = new OrderStream(createRng(options.seed));
  const intervalMs = 1000 / options.ordersPerSecond;
  const { faultShare } = options;
  for (let i = 0; i < options.count; i++) {
    const nominalMs = options.startMs + i * intervalMs;
    if (i === 0) {
      yield { line: stream.valid(nominalMs, 0), kind: 'valid' };
      continue;
    }
    const u = stream.rng();
    if (u >= faultShare) {
      yield { line: stream.valid(nominalMs, JITTER_MS), kind: 'valid' };
      continue;
    }
    // Reuse the draw: given u < faultShare, u / faultShare is uniform in [0, 1).
    const fault = Math.floor((u / faultShare) * 3);
    if (fault === 0) {
      yield { line: stream.late(nominalMs), kind: 'late' };
    } else if (fault === 1) {
      const line = stream.duplicate();
      yield line === undefined
        ? { line: stream.valid(nominalMs, JITTER_MS), kind: 'valid' }
        : { line, kind: 'duplicate' };
    } else {
      yield { line: stream.malformed(nominalMs), kind: 'malformed' };
    }
  }
}

interface Draft {
  orderid: number;
  itemid: number;
  shopid: number;
  region: string;
  count: number;
  cents: number;
  ms: number;
}

/** State of one stream: the catalogue, the next order id, the max event time, recent valid lines. */
class OrderStream {
  private readonly shopOf = new Uint32Array(ITEM_COUNT);
  private readonly centsOf = new Uint16Array(ITEM_COUNT);
  private readonly recentLines: string[] = new Array<string>(DUPLICATE_LOOKBACK).fill('');
  private readonly recentMs = new Float64Array(DUPLICATE_LOOKBACK);
  private recentCount = 0;
  private nextOrderId = FIRST_ORDER_ID;
  private maxSeenMs = -Infinity;

  constructor(readonly rng: () => number) {
    for (let i = 0; i < ITEM_COUNT; i++) {
      this.shopOf[i] = FIRST_SHOP_ID + Math.floor(rng() * SHOP_COUNT);
      this.centsOf[i] = 1 + Math.floor(rng() * MAX_CENTS);
    }
  }

  valid(nominalMs: number, jitterMs: number): string {
    const d = this.draft(nominalMs + (this.rng() * 2 - 1) * jitterMs);
    const line = orderLine(d);
    const slot = this.recentCount++ % DUPLICATE_LOOKBACK;
    this.recentLines[slot] = line;
    this.recentMs[slot] = d.ms;
    if (d.ms > this.maxSeenMs) this.maxSeenMs = d.ms;
    return line;
  }

  late(nominalMs: number): string {
    const refMs = Math.max(nominalMs, this.maxSeenMs);
    return orderLine(this.draft(refMs - LATE_MIN_MS - this.rng() * LATE_SPAN_MS));
  }

  /** A recent valid line still inside the watermark, or undefined when there is none. */
  duplicate(): string | undefined {
    const n = Math.min(this.recentCount, DUPLICATE_LOOKBACK);
    if (n === 0) return undefined;
    const newest = (this.recentCount - 1) % DUPLICATE_LOOKBACK;
    const picked = (newest - Math.floor(this.rng() * n) + DUPLICATE_LOOKBACK) % DUPLICATE_LOOKBACK;
    for (const slot of [picked, newest]) {
      if (this.recentMs[slot] >= this.maxSeenMs - DUPLICATE_MAX_AGE_MS) return this.recentLines[slot];
    }
    return undefined;
  }

  malformed(nominalMs: number): string {
    const d = this.draft(nominalMs + (this.rng() * 2 - 1) * JITTER_MS);
    const corrupt = MALFORMED[Math.floor(this.rng() * MALFORMED.length)];
    return corrupt(d, this.rng);
  }

  /** A new order (it takes the next id) at `ms`, rounded to the millisecond. */
  private draft(ms: number): Draft {
    const item = Math.floor(this.rng() * ITEM_COUNT);
    return {
      orderid: this.nextOrderId++,
      itemid: FIRST_ITEM_ID + item,
      shopid: this.shopOf[item],
      region: REGION_TABLE[Math.floor(this.rng() * REGION_TABLE.length)],
      count: 1 + Math.floor(this.rng() * MAX_COUNT),
      cents: this.centsOf[item],
      ms: Math.round(ms),
    };
  }
}

function orderLine(d: Draft): string {
  return `{"orderid":${d.orderid},"itemid":${d.itemid},"shopid":${d.shopid},"region":"${d.region}","count":${d.count},"price":${PRICE_TEXT[d.cents]},"timestamp":${secondsText(d.ms)}}`;
}

function secondsText(ms: number): string {
  if (ms < 0) return String(ms / 1000);
  const s = Math.floor(ms / 1000);
  return `${s}${MILLIS_TEXT[ms - s * 1000]}`;
}

type Field = [name: string, json: string];

function fields(d: Draft): Field[] {
  return [
    ['orderid', String(d.orderid)],
    ['itemid', String(d.itemid)],
    ['shopid', String(d.shopid)],
    ['region', JSON.stringify(d.region)],
    ['count', String(d.count)],
    ['price', PRICE_TEXT[d.cents]],
    ['timestamp', secondsText(d.ms)],
  ];
}

function withField(d: Draft, name: string, json: string): string {
  return objectText(fields(d).map((f): Field => (f[0] === name ? [name, json] : f)));
}

function objectText(fs: readonly Field[]): string {
  return `{${fs.map(([name, json]) => `"${name}":${json}`).join(',')}}`;
}

function pick<T>(rng: () => number, choices: readonly T[]): T {
  return choices[Math.floor(rng() * choices.length)];
}

/** Each turns a drafted order into one kind of line that the orders job must reject as invalid. */
const MALFORMED: ReadonlyArray<(d: Draft, rng: () => number) => string> = [
  (d) => {
    const line = orderLine(d);
    return line.slice(0, line.length >> 1);
  },
  (d, rng) => pick(rng, ['[1,2]', '"text"', '42', 'null', 'true', `[${orderLine(d)}]`]),
  (d, rng) => {
    const fs = fields(d);
    fs.splice(Math.floor(rng() * fs.length), 1);
    return objectText(fs);
  },
  (d, rng) =>
    withField(
      d,
      'price',
      `${Math.floor(d.cents / 100)}.${String(d.cents % 100).padStart(2, '0')}${1 + Math.floor(rng() * 9)}`,
    ),
  (d) => withField(d, 'count', String(-d.count)),
  (d) => withField(d, 'count', `"${d.count}"`),
  (d) => withField(d, 'region', '""'),
  (d, rng) =>
    withField(d, 'region', `"${d.region}_${'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.slice(0, 14 + Math.floor(rng() * 8))}"`),
  (d) => withField(d, 'timestamp', String(d.ms)),
  (d, rng) =>
    pick(rng, [
      `orderid=${d.orderid};itemid=${d.itemid};price=${PRICE_TEXT[d.cents]}`,
      `<order id="${d.orderid}"/>`,
      `#${Math.floor(rng() * 0xffffffff).toString(16)} garbage`,
    ]),
];

function checkOptions(o: OrderGeneratorOptions): void {
  const fail = (name: string, expected: string, value: number): never => {
    throw new HexstreamError('CONFIG_INVALID', `orders generator: ${name} must be ${expected}, got ${value}`);
  };
  if (!Number.isSafeInteger(o.count) || o.count < 0) fail('count', 'a non-negative integer', o.count);
  if (!Number.isSafeInteger(o.seed)) fail('seed', 'an integer', o.seed);
  if (!Number.isSafeInteger(o.startMs) || o.startMs < 0)
    fail('startMs', 'a non-negative integer (epoch ms)', o.startMs);
  if (!Number.isFinite(o.ordersPerSecond) || o.ordersPerSecond <= 0)
    fail('ordersPerSecond', 'a positive number', o.ordersPerSecond);
  if (!(o.faultShare >= 0 && o.faultShare <= 1)) fail('faultShare', 'between 0 and 1', o.faultShare);
}

/** `produce --job orders`: the job's `io.generator`. */
export const ordersGenerator: RecordGenerator = (o) =>
  generateOrders({
    count: o.count,
    seed: o.seed,
    startMs: o.startMs,
    ordersPerSecond: o.eventsPerSecond,
    faultShare: o.faultShare,
  });
