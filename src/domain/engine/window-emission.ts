import type { ResultRow } from '../records';
import type { JobDefinition } from '../jobs/job';
import type { Session, SessionWindows } from '../windowing/session-windows';
import type { EngineCounters } from './engine-counters';
import type { FixedWindowStore, WindowEntry } from './fixed-window-store';
import type { OutputMode } from './output-mode';

/** What one trigger's emission wrote and closed. */
export interface Emission {
  readonly rows: ResultRow[];
  /** Windows (or sessions) closed and evicted. */
  readonly closedWindows: number;
  /** End of the last window closed (-Infinity: none). */
  readonly lastEndMs: number;
  /** Complete mode: rows of the whole result table, when this emission wrote it. */
  readonly tableRows?: number;
}

/**
 * Emits the rows of fixed windows per output mode and evicts those ending at or before
 * `closeUpTo`: `update` writes every entry changed in this trigger, `append` each closing window's
 * rows once, `complete` the whole table when it changed (and keeps every window).
 */
export function emitFixedWindows<E, G, A>(
  store: FixedWindowStore<E, G, A>,
  job: JobDefinition<E, G, A>,
  mode: OutputMode,
  closeUpTo: number,
  counters: EngineCounters,
): Emission {
  const rows: ResultRow[] = [];
  if (mode === 'complete') {
    if (!store.takeChangedSinceEmission()) return { rows, closedWindows: 0, lastEndMs: -Infinity };
    for (const win of store.sorted()) for (const entry of win.entries.values()) emitEntry(job, entry, rows);
    return { rows, closedWindows: 0, lastEndMs: -Infinity, tableRows: rows.length };
  }
  if (mode === 'update') for (const entry of store.takeChanged()) emitEntry(job, entry, rows);
  const closing = store.evictUpTo(closeUpTo);
  let lastEndMs = -Infinity;
  for (const win of closing) {
    if (mode === 'append') for (const entry of win.entries.values()) emitEntry(job, entry, rows);
    else for (const entry of win.entries.values()) counters.finalRows += finalRowsOf(job, entry);
    counters.stateRows -= win.entries.size;
    lastEndMs = Math.max(lastEndMs, win.endMs);
  }
  if (mode === 'append') counters.finalRows += rows.length;
  return { rows, closedWindows: closing.length, lastEndMs };
}

/** Emits each session ending at or before `closeUpTo` once, and forgets it (append mode only). */
export function emitSessions<E, G, A>(
  sessions: SessionWindows<E, G, A>,
  job: JobDefinition<E, G, A>,
  closeUpTo: number,
  counters: EngineCounters,
): Emission {
  const rows: ResultRow[] = [];
  const closed = sessions.closeUpTo(closeUpTo);
  let lastEndMs = -Infinity;
  for (const s of closed) {
    emitSession(job, s, rows);
    lastEndMs = Math.max(lastEndMs, s.endMs);
  }
  counters.stateRows -= closed.length;
  counters.finalRows += rows.length;
  return { rows, closedWindows: closed.length, lastEndMs };
}

function emitSession<E, G, A>(job: JobDefinition<E, G, A>, s: Session<G, A>, into: ResultRow[]): void {
  const bounds = { startMs: s.startMs, endMs: s.endMs };
  if (job.toRows !== undefined) into.push(...job.toRows(bounds, s.group, s.acc));
  else into.push(job.toRow(bounds, s.group, s.acc, job.rowsCarryKeys === true ? '' : job.rowKey(bounds, s.group)));
}

/**
 * Update mode: the rows a closing entry holds in the table — as its last emission wrote them, or,
 * for an entry rebuilt only from re-read records (written by the run that read them first), as
 * many as it makes.
 */
function finalRowsOf<E, G, A>(job: JobDefinition<E, G, A>, entry: WindowEntry<G, A>): number {
  if (entry.emittedRows > 0) return entry.emittedRows;
  return job.toRows === undefined ? 1 : job.toRows(entry.window, entry.group, entry.acc).length;
}

function emitEntry<E, G, A>(job: JobDefinition<E, G, A>, entry: WindowEntry<G, A>, into: ResultRow[]): void {
  if (job.toRows !== undefined) {
    const rows = job.toRows(entry.window, entry.group, entry.acc);
    for (const row of rows) into.push(row);
    entry.emittedRows = rows.length;
    return;
  }
  // A job whose rows carry their own keys needs none computed (nor cached) here.
  if (entry.rowKey === undefined)
    entry.rowKey = job.rowsCarryKeys === true ? '' : job.rowKey(entry.window, entry.group);
  into.push(job.toRow(entry.window, entry.group, entry.acc, entry.rowKey));
  entry.emittedRows = 1;
}
