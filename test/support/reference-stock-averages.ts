/**
 * An independent, naive implementation of the `stock-averages` job (ARCHITECTURE §2, §4) for tests:
 * its own CSV/JSON reading and checks, brute-force window enumeration, BigInt sums. Partitions are
 * processed one after another (late decisions depend only on a record's own partition).
 */
export interface StockReferenceRow {
  symbol: string;
  window_start: string;
  window_end: string;
  avg_price: number;
  min_price: number;
  max_price: number;
  trade_count: number;
  total_quantity: number;
}

export interface StockReferenceResult {
  rows: Map<string, StockReferenceRow>;
  dead: Array<{ reason: 'invalid' | 'late'; partition: number; position: number }>;
  /** Per partition, the max event time of its valid records (-Infinity if none). */
  maxEventMs: Map<number, number>;
}

interface Trade {
  symbol: string;
  price: number;
  quantity: number;
  t: number;
}

function parse(line: string): Trade | undefined {
  let f: unknown[];
  const text = line.trim();
  if (text.startsWith('{')) {
    try {
      const o = JSON.parse(text) as Record<string, unknown>;
      f = [o.stockName, o.tradeType, o.price, o.quantity, o.eventTimeMillis];
    } catch {
      return undefined;
    }
  } else {
    const parts = text.split(',');
    if (parts.length < 5 || parts.length > 6) return undefined;
    const num = (s: string): number | undefined =>
      s.trim() !== '' && !Number.isNaN(Number(s)) ? Number(s) : undefined;
    f = [parts[0]?.trim(), parts[1], num(parts[2] ?? ''), num(parts[3] ?? ''), num(parts[4] ?? '')];
  }
  const [symbol, type, price, quantity, t] = f;
  if (typeof symbol !== 'string' || symbol === '' || [...symbol].length > 16) return undefined;
  if (typeof type !== 'string' || !['BUY', 'SELL'].includes(type.trim().toUpperCase())) return undefined;
  if (typeof price !== 'number' || !(price >= 0) || Math.round(price * 1e6) / 1e6 !== price) return undefined;
  if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity <= 0) return undefined;
  if (typeof t !== 'number' || !Number.isInteger(t) || t < Date.UTC(2000, 0, 1) || t >= Date.UTC(2100, 0, 1))
    return undefined;
  return { symbol, price, quantity, t };
}

export function referenceStockAverages(
  partitions: ReadonlyMap<number, readonly string[]>,
  opts: { windowMs: number; slideMs: number; watermarkMs: number },
): StockReferenceResult {
  const accs = new Map<
    string,
    { symbol: string; start: number; micros: bigint; n: number; min: number; max: number; qty: bigint }
  >();
  const dead: StockReferenceResult['dead'] = [];
  const maxEventMs = new Map<number, number>();
  for (const p of [...partitions.keys()].sort((a, b) => a - b)) {
    let maxSeen = -Infinity;
    (partitions.get(p) ?? []).forEach((line, position) => {
      if (line.trim() === '') return;
      const trade = parse(line);
      if (trade === undefined) {
        dead.push({ reason: 'invalid', partition: p, position });
        return;
      }
      const w = maxSeen - opts.watermarkMs;
      maxSeen = Math.max(maxSeen, trade.t);
      const starts: number[] = [];
      for (let s = Math.floor(trade.t / opts.slideMs) * opts.slideMs; s + opts.windowMs > trade.t; s -= opts.slideMs) {
        if (s + opts.windowMs > w) starts.push(s);
      }
      if (starts.length === 0) {
        dead.push({ reason: 'late', partition: p, position });
        return;
      }
      for (const s of starts) {
        const key = `${trade.symbol}|${s}`;
        const a = accs.get(key) ?? {
          symbol: trade.symbol,
          start: s,
          micros: 0n,
          n: 0,
          min: Infinity,
          max: -Infinity,
          qty: 0n,
        };
        a.micros += BigInt(Math.round(trade.price * 1e6));
        a.n += 1;
        a.min = Math.min(a.min, trade.price);
        a.max = Math.max(a.max, trade.price);
        a.qty += BigInt(trade.quantity);
        accs.set(key, a);
      }
    });
    maxEventMs.set(p, maxSeen);
  }
  const rows = new Map<string, StockReferenceRow>();
  for (const a of accs.values()) {
    const end = a.start + opts.windowMs;
    rows.set(`${a.symbol}|${a.start}|${end}`, {
      symbol: a.symbol,
      window_start: new Date(a.start).toISOString(),
      window_end: new Date(end).toISOString(),
      avg_price: Number(a.micros) / a.n / 1e6,
      min_price: a.min,
      max_price: a.max,
      trade_count: a.n,
      total_quantity: Number(a.qty),
    });
  }
  return { rows, dead, maxEventMs };
}
