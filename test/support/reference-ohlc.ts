/**
 * An independent, naive implementation of the `ohlc` job for tests: its own parsing and checks, all
 * trades of a bar kept and sorted by (event time, arrival) at the end. Partitions are processed one
 * after another; with trades keyed by symbol, a bar's trades all come from one partition.
 */
export interface OhlcReferenceRow {
  symbol: string;
  window_start: string;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export function referenceOhlc(
  partitions: ReadonlyMap<number, readonly string[]>,
  opts: { windowMs: number; watermarkMs: number },
): { rows: Map<string, OhlcReferenceRow>; dead: string[] } {
  const bars = new Map<
    string,
    { symbol: string; start: number; trades: Array<{ t: number; arrival: number; price: number; volume: number }> }
  >();
  const dead: string[] = [];
  let arrival = 0;
  for (const p of [...partitions.keys()].sort((a, b) => a - b)) {
    let maxSeen = -Infinity;
    (partitions.get(p) ?? []).forEach((line, position) => {
      if (line.trim() === '') return;
      let o: Record<string, unknown>;
      try {
        o = JSON.parse(line) as Record<string, unknown>;
      } catch {
        dead.push(`invalid@${p}:${position}`);
        return;
      }
      const { symbol, price, volume, ts } = o;
      const ok =
        typeof symbol === 'string' &&
        symbol !== '' &&
        typeof price === 'number' &&
        price >= 0 &&
        typeof volume === 'number' &&
        Number.isInteger(volume) &&
        volume >= 0 &&
        typeof ts === 'number' &&
        Number.isInteger(ts);
      if (!ok) {
        dead.push(`invalid@${p}:${position}`);
        return;
      }
      const start = Math.floor(ts / opts.windowMs) * opts.windowMs;
      const closed = maxSeen - opts.watermarkMs >= start + opts.windowMs;
      maxSeen = Math.max(maxSeen, ts);
      if (closed) {
        dead.push(`late@${p}:${position}`);
        return;
      }
      const key = `${symbol}|${start}`;
      const bar = bars.get(key) ?? { symbol, start, trades: [] };
      bar.trades.push({ t: ts, arrival: arrival++, price, volume });
      bars.set(key, bar);
    });
  }
  const rows = new Map<string, OhlcReferenceRow>();
  for (const [key, bar] of bars) {
    const byTime = [...bar.trades].sort((a, b) => a.t - b.t || a.arrival - b.arrival);
    const prices = bar.trades.map((x) => x.price);
    rows.set(key, {
      symbol: bar.symbol,
      window_start: new Date(bar.start).toISOString(),
      open: (byTime[0] as { price: number }).price,
      high: Math.max(...prices),
      low: Math.min(...prices),
      close: (byTime[byTime.length - 1] as { price: number }).price,
      volume: bar.trades.reduce((n, x) => n + x.volume, 0),
    });
  }
  return { rows, dead };
}
