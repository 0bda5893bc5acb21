import type { ColumnValue, ResultRow } from '../../domain/records';
import type { TableSchema } from '../../domain/table-schema';
import type { ConsoleRanking } from './console-view';

const RANKING_COLUMNS = ['window_end', 'aggregation_type', 'rank', 'symbol', 'average'];

/** Whether a table's rows are rankings per window length (the `top-averages` job's, or one of its shape). */
export function isRankingTable(table: TableSchema): boolean {
  const names = new Set(table.columns.map((c) => c.name));
  return RANKING_COLUMNS.every((n) => names.has(n));
}

function num(v: ColumnValue | undefined): number {
  return typeof v === 'number' ? v : Number(v);
}

interface Ranking {
  windowEndMs: number;
  ranks: Map<number, { rank: number; symbol: string; average: number }>;
}

/** The newest ranking per window length: rows of an older window end than the one held are ignored. */
export class TopRankings {
  private readonly byType = new Map<number, Ranking>();

  add(row: ResultRow): void {
    const type = num(row.values['aggregation_type']);
    const windowEndMs = num(row.values['window_end']);
    let ranking = this.byType.get(type);
    if (ranking === undefined || ranking.windowEndMs < windowEndMs) {
      ranking = { windowEndMs, ranks: new Map() };
      this.byType.set(type, ranking);
    } else if (ranking.windowEndMs > windowEndMs) return;
    const rank = num(row.values['rank']);
    ranking.ranks.set(rank, { rank, symbol: String(row.values['symbol']), average: num(row.values['average']) });
  }

  view(): ConsoleRanking[] {
    return [...this.byType.entries()]
      .sort(([a], [b]) => a - b)
      .map(([aggregationType, r]) => ({
        aggregationType,
        windowEndMs: r.windowEndMs,
        ranks: [...r.ranks.values()].sort((a, b) => a.rank - b.rank),
      }));
  }
}
