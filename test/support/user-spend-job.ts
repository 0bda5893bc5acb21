/**
 * A job a user writes outside the repository (`my-job.ts`, importing only from 'hexstream'), the
 * input the tests give it, and the table it must end with, computed here on its own: per customer
 * and minute, how many purchases and their exact total.
 */

/** The user's job file, as written into the user's folder. */
export const USER_JOB_FILE = `import { decimal, defineJob, eventTime, field, instant, integer, json, text, tumbling } from 'hexstream';

export const job = defineJob({
  name: 'customer-spend',
  description: 'Purchases per customer and minute: how many, and their exact total',
  input: json({
    fields: {
      customer: field.string({ maxLength: 32 }),
      amount: field.decimal({ scale: 2, min: 0 }),
      ts: field.time('iso'),
    },
  }),
  time: eventTime('ts'),
  key: ['customer'],
  window: tumbling('1m'),
  watermark: '5s',
  output: 'update',
  aggregate: (a) => ({ purchases: a.count(), spend: a.decimalSum('amount') }),
  table: {
    name: 'customer_spend',
    columns: {
      customer: text(32),
      window_start: instant(),
      window_end: instant(),
      purchases: integer(),
      spend: decimal(14, 2),
    },
    primaryKey: ['customer', 'window_start'],
  },
  row: ({ window, key, agg }) => ({
    customer: key.customer,
    window_start: window.startMs,
    window_end: window.endMs,
    purchases: agg.purchases,
    spend: agg.spend,
  }),
});
`;

/** One row of the table, as `test` writes it to JSON Lines (times ISO-8601, money as exact text). */
export interface SpendRow {
  readonly customer: string;
  readonly window_start: string;
  readonly window_end: string;
  readonly purchases: number;
  readonly spend: string;
}

const START_MS = Date.UTC(2025, 0, 1);
const MINUTE = 60_000;

/** mulberry32: the same numbers for the same seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` records per partition, each partition's customers its own (as a producer keying by
 * customer would place them) and its event times never going back, so no record is late. About
 * one in a hundred is not valid (not JSON, a negative amount, three decimals): a dead letter.
 */
export function spendInput(count: number, seed: number, partitions = 3): Map<number, string[]> {
  const next = random(seed);
  const out = new Map<number, string[]>();
  for (let p = 0; p < partitions; p++) {
    const lines: string[] = [];
    let t = START_MS;
    for (let i = 0; i < count; i++) {
      t += Math.floor(next() * 40);
      const customer = `c${p}-${Math.floor(next() * 12)}`;
      const cents = Math.floor(next() * 100_000);
      const amount = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
      const ts = new Date(t).toISOString();
      const fault = next();
      if (fault < 0.004) lines.push(`{"customer":"${customer}","amount":`);
      else if (fault < 0.007) lines.push(JSON.stringify({ customer, amount: `-${amount}`, ts }));
      else if (fault < 0.01) lines.push(JSON.stringify({ customer, amount: `${amount}5`, ts }));
      else lines.push(JSON.stringify({ customer, amount, ts }));
    }
    out.set(p, lines);
  }
  return out;
}

/**
 * What the input must give: the rows (sorted), how many records are not valid, and their dead
 * letters as `invalid@partition:position` (sorted, as `deadLetterKeys` reads them from a topic).
 */
export function referenceSpend(input: ReadonlyMap<number, readonly string[]>): {
  rows: SpendRow[];
  invalid: number;
  deadLetters: string[];
} {
  const groups = new Map<string, { customer: string; start: number; purchases: number; cents: bigint }>();
  const deadLetters: string[] = [];
  for (const [partition, lines] of input)
    for (const [position, line] of lines.entries()) {
      const m = /^\{"customer":"([^"]+)","amount":"(\d+)\.(\d\d)","ts":"([^"]+)"\}$/.exec(line);
      if (m === null) {
        deadLetters.push(`invalid@${partition}:${position}`);
        continue;
      }
      const [, customer = '', units = '', hundredths = '', ts = ''] = m;
      const start = Math.floor(Date.parse(ts) / MINUTE) * MINUTE;
      const key = `${customer}|${start}`;
      const g = groups.get(key) ?? { customer, start, purchases: 0, cents: 0n };
      g.purchases++;
      g.cents += BigInt(units) * 100n + BigInt(hundredths);
      groups.set(key, g);
    }
  return {
    rows: sortSpend([...groups.values()].map(toRow)),
    invalid: deadLetters.length,
    deadLetters: deadLetters.sort(),
  };
}

function toRow(g: { customer: string; start: number; purchases: number; cents: bigint }): SpendRow {
  return {
    customer: g.customer,
    window_start: new Date(g.start).toISOString(),
    window_end: new Date(g.start + MINUTE).toISOString(),
    purchases: g.purchases,
    spend: `${g.cents / 100n}.${String(g.cents % 100n).padStart(2, '0')}`,
  };
}

/** Rows by customer, then window: lists from different sources compare with `toEqual`. */
export function sortSpend(rows: readonly SpendRow[]): SpendRow[] {
  return [...rows].sort((a, b) =>
    a.customer === b.customer ? a.window_start.localeCompare(b.window_start) : a.customer.localeCompare(b.customer),
  );
}
