/**
 * An independent, deliberately naive computation of the `top-averages` job: for every window end e
 * (a multiple of 10 s) and length L of 60/300/900 s, the quotes q with e − L ≤ q.t < e that were on
 * time for window [e − 900 s, e) of their partition; the top 3 by mean (ties: symbol ascending).
 * Shares no code with the job: its own parsing, BigInt sums, rational comparison.
 *
 * A quote is on time for the window ending at e when e > W of its partition before its record,
 * W = max event time seen − watermark; a record all of whose quotes are late for every window,
 * invalid, or partly rejected, gives one dead letter (reason of its first rejected quote).
 */
export interface TopAverageReferenceRow {
  window_end: number;
  aggregation_type: number;
  rank: number;
  symbol: string;
  average: number;
}

export interface TopAveragesReference {
  rows: Map<string, TopAverageReferenceRow>;
  deadLetters: { reason: 'invalid' | 'late'; partition: number; position: number }[];
}

interface Q {
  symbol: string;
  micros: bigint;
  t: number;
}

const SLIDE = 10_000;
const LONGEST = 900_000;
const SPECS: [number, number][] = [
  [60_000, 1],
  [300_000, 5],
  [900_000, 15],
];

function parsePrice(v: unknown, allowString: boolean): bigint | undefined {
  let text: string;
  if (typeof v === 'number') text = String(v);
  else if (allowString && typeof v === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(v)) text = v.trim();
  else return undefined;
  const m = /^(\d+)(?:\.(\d{1,6}))?$/.exec(text);
  if (m === null) return undefined;
  const micros = BigInt(m[1] as string) * 1_000_000n + BigInt(((m[2] ?? '') + '000000').slice(0, 6));
  return micros <= 1_000_000_000_000_000n ? micros : undefined;
}

function validSymbol(s: unknown): s is string {
  // eslint-disable-next-line no-control-regex -- control characters are what makes a symbol invalid
  return typeof s === 'string' && s.trim() !== '' && [...s].length <= 16 && !/[\u0000-\u001f]/.test(s);
}

function parseTime(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v))
    return v >= Date.UTC(2000, 0, 1) && v < Date.UTC(2100, 0, 1) ? v : undefined;
  return undefined;
}

function parse(line: string, arrivalMs: number | undefined): Q[] | undefined {
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return undefined;
  const rec = o as Record<string, unknown>;
  if ('symbol' in rec || 'price' in rec || 'ts' in rec) {
    const micros = parsePrice(rec.price, false);
    const t = parseTime(rec.ts);
    return validSymbol(rec.symbol) && micros !== undefined && t !== undefined
      ? [{ symbol: rec.symbol, micros, t }]
      : undefined;
  }
  const out: Q[] = [];
  for (const [key, v] of Object.entries(rec)) {
    const quote = typeof v === 'object' && v !== null ? (v as Record<string, unknown>).quote : undefined;
    if (typeof quote !== 'object' || quote === null) return undefined;
    const q = quote as Record<string, unknown>;
    const symbol = q.symbol ?? key;
    const micros = parsePrice(q.latestPrice, true);
    const t = q.latestUpdate !== undefined ? parseTime(q.latestUpdate) : arrivalMs;
    if (symbol !== key || !validSymbol(symbol) || micros === undefined || t === undefined) return undefined;
    out.push({ symbol, micros, t });
  }
  return out.length === 0 ? undefined : out;
}

export function referenceTopAverages(
  partitions: ReadonlyMap<number, readonly string[]>,
  watermarkMs: number,
  arrivalMs?: number,
): TopAveragesReference {
  // window end → quotes on time for it
  const windows = new Map<number, Q[]>();
  const deadLetters: TopAveragesReference['deadLetters'] = [];
  for (const [p, lines] of partitions) {
    let maxT = -Infinity;
    lines.forEach((line, position) => {
      if (line.trim() === '') return;
      const quotes = parse(line, arrivalMs);
      if (quotes === undefined) {
        deadLetters.push({ reason: 'invalid', partition: p, position });
        return;
      }
      const w = maxT - watermarkMs;
      let anyLate = false;
      for (const q of quotes) {
        let onTime = false;
        for (let e = Math.floor(q.t / SLIDE) * SLIDE + SLIDE; e <= q.t + LONGEST; e += SLIDE) {
          if (e - LONGEST > q.t) continue;
          if (e <= w) continue;
          onTime = true;
          const list = windows.get(e) ?? [];
          list.push(q);
          windows.set(e, list);
        }
        if (!onTime) anyLate = true;
      }
      if (anyLate) deadLetters.push({ reason: 'late', partition: p, position });
      for (const q of quotes) maxT = Math.max(maxT, q.t);
    });
  }
  const rows = new Map<string, TopAverageReferenceRow>();
  for (const [e, quotes] of windows) {
    for (const [length, type] of SPECS) {
      const sums = new Map<string, [bigint, bigint]>();
      for (const q of quotes) {
        if (q.t < e - length) continue;
        const s = sums.get(q.symbol) ?? [0n, 0n];
        sums.set(q.symbol, [s[0] + q.micros, s[1] + 1n]);
      }
      const ranked = [...sums].sort(([sa, [xa, na]], [sb, [xb, nb]]) => {
        const diff = xb * na - xa * nb; // b's mean − a's mean, as a rational
        if (diff !== 0n) return diff > 0n ? 1 : -1;
        return sa < sb ? -1 : sa > sb ? 1 : 0;
      });
      ranked.slice(0, 3).forEach(([symbol, [x, n]], i) => {
        rows.set(`${type}|${e}|${i + 1}`, {
          window_end: e,
          aggregation_type: type,
          rank: i + 1,
          symbol,
          average: Number(x) / Number(n) / 1_000_000,
        });
      });
    }
  }
  return { rows, deadLetters };
}
