import { formatCount } from '../format-count';
import type { ResultRow } from '../records';

interface Outlier {
  readonly ts: string;
  readonly symbol: string;
  readonly price: number;
}

/**
 * The `price-stats` report, as the exercise printed it, from the final `price_stats` rows: the
 * message count, one line of statistics per symbol, and every outlier (|price − mean| > 3 × the
 * symbol's sample standard deviation) by time. Means and deviations are shown to 6 decimals.
 */
export function priceStatsReport(rows: readonly ResultRow[]): string[] {
  const num = (row: ResultRow, column: string): number => Number(row.values[column]);
  const messages = rows.reduce((n, r) => n + num(r, 'price_count'), 0);
  const lines = [
    `price-stats: ${formatCount(messages)} messages, ${rows.length} symbol${rows.length === 1 ? '' : 's'}`,
  ];
  lines.push(`${'symbol'.padEnd(16)}${['count', 'min', 'max', 'mean', 'stddev'].map((h) => h.padStart(16)).join('')}`);
  const outliers: Outlier[] = [];
  for (const row of rows) {
    const symbol = String(row.values['symbol']);
    const count = num(row, 'price_count');
    const stddev = count < 2 ? '–' : num(row, 'stddev_price').toFixed(6);
    lines.push(
      `${symbol.padEnd(16)}${[formatCount(count), String(num(row, 'min_price')), String(num(row, 'max_price')), num(row, 'mean_price').toFixed(6), stddev].map((v) => v.padStart(16)).join('')}`,
    );
    for (const o of parseOutliers(row.values['outliers'])) outliers.push({ ...o, symbol });
  }
  outliers.sort((a, b) =>
    a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : a.price - b.price,
  );
  lines.push(`outliers: ${formatCount(outliers.length)} (|price − mean| > 3 × stddev of the symbol)`);
  if (outliers.length > 0) lines.push(`${'ts'.padEnd(25)}${'symbol'.padEnd(16)}${'price'.padStart(12)}`);
  for (const o of outliers) lines.push(`${o.ts.padEnd(25)}${o.symbol.padEnd(16)}${String(o.price).padStart(12)}`);
  return lines;
}

/** The `outliers` column: a JSON array of `{ts, price}` written by the job. */
function parseOutliers(value: unknown): Array<{ ts: string; price: number }> {
  if (typeof value !== 'string') return [];
  const parsed: unknown = JSON.parse(value);
  if (!Array.isArray(parsed)) return [];
  return parsed.flatMap((o: unknown) => {
    if (typeof o !== 'object' || o === null) return [];
    const { ts, price } = o as Record<string, unknown>;
    return typeof ts === 'string' && typeof price === 'number' ? [{ ts, price }] : [];
  });
}
