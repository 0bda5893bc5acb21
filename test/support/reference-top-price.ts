/**
 * An independent, naive implementation of the `top-price` job for tests: its own parsing and checks,
 * every quote of a window kept, the top found by sorting at the end. Late is decided per partition
 * against the partition's max event time seen before the record.
 */
export interface TopPriceReferenceRow {
  window_end: string;
  symbol: string;
  price: number;
}

const Y2000 = Date.UTC(2000, 0, 1);
const Y2100 = Date.UTC(2100, 0, 1);

/** Epoch ms of a generated `ts` (ms, seconds or ISO with Z), or undefined when it is not one. */
function instant(ts: unknown): number | undefined {
  let ms: number | undefined;
  if (typeof ts === 'number') ms = Math.round(ts > 1e11 ? ts : ts * 1000);
  if (typeof ts === 'string') {
    const parsed = Date.parse(ts);
    // A rolled-over date (Feb 30) does not print back as it was written.
    ms = Number.isNaN(parsed) || new Date(parsed).toISOString() !== ts ? undefined : parsed;
  }
  return ms !== undefined && ms >= Y2000 && ms < Y2100 ? ms : undefined;
}

export function referenceTopPrice(
  partitions: ReadonlyMap<number, readonly string[]>,
  opts: { windowMs: number; watermarkMs: number },
): { rows: Map<string, TopPriceReferenceRow>; dead: string[] } {
  const windows = new Map<number, Array<{ symbol: string; price: number }>>();
  const dead: string[] = [];
  for (const [p, lines] of partitions) {
    let maxSeen = -Infinity;
    lines.forEach((line, position) => {
      if (line.trim() === '') return;
      let o: unknown;
      try {
        o = JSON.parse(line);
      } catch {
        dead.push(`invalid@${p}:${position}`);
        return;
      }
      const { symbol, price, ts } = (typeof o === 'object' && o !== null && !Array.isArray(o) ? o : {}) as Record<
        string,
        unknown
      >;
      const t = instant(ts);
      if (typeof symbol !== 'string' || symbol === '' || typeof price !== 'number' || price < 0 || t === undefined) {
        dead.push(`invalid@${p}:${position}`);
        return;
      }
      const start = Math.floor(t / opts.windowMs) * opts.windowMs;
      const late = start + opts.windowMs <= maxSeen - opts.watermarkMs;
      maxSeen = Math.max(maxSeen, t);
      if (late) {
        dead.push(`late@${p}:${position}`);
        return;
      }
      const quotes = windows.get(start) ?? [];
      quotes.push({ symbol, price });
      windows.set(start, quotes);
    });
  }
  const rows = new Map<string, TopPriceReferenceRow>();
  for (const [start, quotes] of windows) {
    const sorted = [...quotes].sort(
      (a, b) => b.price - a.price || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0),
    );
    const top = sorted[0] as { symbol: string; price: number };
    const end = new Date(start + opts.windowMs).toISOString();
    rows.set(end, { window_end: end, symbol: top.symbol, price: top.price });
  }
  return { rows, dead };
}
