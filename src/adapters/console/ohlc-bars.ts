import type { ColumnValue, ResultRow } from '../../domain/records';
import type { TableSchema } from '../../domain/table-schema';
import type { ConsoleBar } from './console-view';

const OHLC_COLUMNS = ['symbol', 'window_start', 'open', 'high', 'low', 'close', 'volume'];

/** Whether a table's rows are OHLC bars (the `ohlc` job's, or a job of the same shape). */
export function isOhlcTable(table: TableSchema): boolean {
  const names = new Set(table.columns.map((c) => c.name));
  return OHLC_COLUMNS.every((n) => names.has(n));
}

function num(v: ColumnValue | undefined): number {
  return typeof v === 'number' ? v : Number(v);
}

/**
 * The latest bars per symbol, as the committed rows say them (a row of update mode replaces the bar
 * of its window). Bounded: `maxBars` newest windows per symbol, `maxSymbols` symbols, the one updated
 * least recently leaving first.
 */
export class OhlcBars {
  /** Map order is update order: a symbol is moved to the end on each update. */
  private readonly symbols = new Map<string, Map<number, ConsoleBar>>();

  constructor(
    private readonly maxSymbols: number,
    private readonly maxBars: number,
  ) {}

  add(row: ResultRow): void {
    const symbol = String(row.values['symbol']);
    const startMs = num(row.values['window_start']);
    let bars = this.symbols.get(symbol);
    if (bars === undefined) {
      bars = new Map();
      if (this.symbols.size >= this.maxSymbols) this.evictStalestSymbol();
    } else this.symbols.delete(symbol);
    this.symbols.set(symbol, bars);
    const isNew = !bars.has(startMs);
    bars.set(startMs, {
      startMs,
      open: num(row.values['open']),
      high: num(row.values['high']),
      low: num(row.values['low']),
      close: num(row.values['close']),
      volume: num(row.values['volume']),
    });
    if (isNew && bars.size > this.maxBars) bars.delete(Math.min(...bars.keys()));
  }

  private evictStalestSymbol(): void {
    const stalest = this.symbols.keys().next();
    if (stalest.done !== true) this.symbols.delete(stalest.value);
  }

  view(): Array<{ symbol: string; bars: ConsoleBar[] }> {
    return [...this.symbols.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([symbol, bars]) => ({ symbol, bars: [...bars.values()].sort((a, b) => a.startMs - b.startMs) }));
  }
}
