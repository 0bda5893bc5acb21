import type { Container } from 'inversify';
import { FinalTableTap } from '../adapters/memory/final-table-tap';
import type { ResultRow } from '../domain/records';

/** The final result table a run kept in memory (`keepFinalTable`), for a report printed after it. */
export function finalTableRows(container: Container): readonly ResultRow[] {
  return container.get(FinalTableTap).rows();
}
