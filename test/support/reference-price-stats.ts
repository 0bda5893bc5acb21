/**
 * An independent, naive implementation of the `price-stats` job for tests: its own parsing, all
 * prices of a symbol in an array, then the textbook two-pass mean and sample standard deviation in
 * floating point, and the outliers by |price − mean| > 3·stddev.
 */
export interface PriceStatsReferenceRow {
  symbol: string;
  count: number;
  min: number;
  max: number;
  mean: number;
  stddev: number;
  outliers: Array<{ ts: string; price: number }>;
}

export interface PriceStatsReference {
  /** Valid messages. */
  readonly messages: number;
  readonly rows: Map<string, PriceStatsReferenceRow>;
  readonly invalid: string[];
}

export function referencePriceStats(partitions: ReadonlyMap<number, readonly string[]>): PriceStatsReference {
  const bySymbol = new Map<string, Array<{ ts: string; price: number }>>();
  const invalid: string[] = [];
  let messages = 0;
  for (const [p, lines] of partitions) {
    lines.forEach((line, position) => {
      if (line.trim() === '') return;
      let o: Record<string, unknown>;
      try {
        o = JSON.parse(line) as Record<string, unknown>;
      } catch {
        invalid.push(`${p}:${position}`);
        return;
      }
      const { ts, symbol, price } = o ?? {};
      const okTs =
        typeof ts === 'string' &&
        /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/.test(ts) &&
        new Date(`${ts.replace(' ', 'T')}Z`).toISOString() === `${ts.replace(' ', 'T')}Z`;
      if (!okTs || typeof symbol !== 'string' || symbol === '' || typeof price !== 'number' || price < 0) {
        invalid.push(`${p}:${position}`);
        return;
      }
      messages++;
      const list = bySymbol.get(symbol) ?? [];
      list.push({ ts, price });
      bySymbol.set(symbol, list);
    });
  }
  const rows = new Map<string, PriceStatsReferenceRow>();
  for (const [symbol, list] of bySymbol) {
    const prices = list.map((x) => x.price);
    const n = prices.length;
    const mean = prices.reduce((a, b) => a + b, 0) / n;
    const stddev = n < 2 ? 0 : Math.sqrt(prices.reduce((a, x) => a + (x - mean) * (x - mean), 0) / (n - 1));
    const outliers =
      n < 2
        ? []
        : list
            .filter((x) => Math.abs(x.price - mean) > 3 * stddev)
            .sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : a.price - b.price));
    rows.set(symbol, { symbol, count: n, min: Math.min(...prices), max: Math.max(...prices), mean, stddev, outliers });
  }
  return { messages, rows, invalid };
}
