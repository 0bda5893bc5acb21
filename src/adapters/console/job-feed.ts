import type { ColumnValue, DeadLetter, ResultRow } from '../../domain/records';
import type { TriggerCommit } from '../../domain/pipeline/pipeline-output';
import type { CommitTiming, RunIdentity, RunReading } from '../../ports/run-telemetry.port';
import type {
  ConsoleDeadLetter,
  ConsoleJob,
  ConsoleJobHead,
  ConsoleLists,
  ConsoleRow,
  ConsoleSample,
  ConsoleValue,
} from './console-view';
import { isOhlcTable, OhlcBars } from './ohlc-bars';
import { Ring } from './ring';
import { isRankingTable, TopRankings } from './top-rankings';

/** The bounds of what one job keeps. */
export interface FeedLimits {
  readonly samples: number;
  readonly deadLetters: number;
  readonly rows: number;
  /** Characters kept of a dead letter's record and detail. */
  readonly text: number;
  readonly symbols: number;
  readonly bars: number;
}

/** Commits that ended since the last sample, folded as they come (O(1) each). */
interface CommitsSince {
  maxMs: number | null;
  maxEventToCommitMs: number | null;
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

function consoleValue(v: ColumnValue): ConsoleValue {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  return v;
}

/** Per-partition figures keyed by partition; a watermark not set yet (−∞) is left out. */
function record(entries: ReadonlyMap<number, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of entries) if (Number.isFinite(v)) out[String(k)] = v;
  return out;
}

/** One run as the console shows it: bounded series, sampled by `sample()`, and the latest output. */
export class JobFeed {
  private readonly samples: Ring<ConsoleSample>;
  private readonly deadLetters: Ring<ConsoleDeadLetter>;
  private readonly rows: Ring<ConsoleRow>;
  private readonly bars: OhlcBars | undefined;
  private readonly rankings: TopRankings | undefined;
  private commits: CommitsSince = { maxMs: null, maxEventToCommitMs: null };
  private last: RunReading | undefined;
  private status: ConsoleJobHead['status'] = 'running';
  private commitFailure: { atMs: number; error: string } | undefined;
  /** Whether a commit changed the lists since `takeListsChanged` was last asked. */
  private listsChanged = true;

  constructor(
    readonly run: RunIdentity,
    private readonly read: () => RunReading,
    private readonly limits: FeedLimits,
  ) {
    this.samples = new Ring(limits.samples);
    this.deadLetters = new Ring(limits.deadLetters);
    this.rows = new Ring(limits.rows);
    this.bars = isOhlcTable(run.table) ? new OhlcBars(limits.symbols, limits.bars) : undefined;
    this.rankings = isRankingTable(run.table) ? new TopRankings() : undefined;
  }

  get running(): boolean {
    return this.status === 'running';
  }

  /** Work per trigger is bounded by the list sizes, except bars and rankings: one map update per row. */
  committed(trigger: TriggerCommit, timing: CommitTiming): void {
    const ms = timing.endedAtMs - timing.startedAtMs;
    const c = this.commits;
    if (c.maxMs === null || ms > c.maxMs) c.maxMs = ms;
    for (const l of timing.eventToCommitMs)
      if (c.maxEventToCommitMs === null || l > c.maxEventToCommitMs) c.maxEventToCommitMs = l;
    const atMs = timing.endedAtMs;
    const letters = trigger.deadLetters;
    for (let i = Math.max(0, letters.length - this.limits.deadLetters); i < letters.length; i++)
      this.deadLetters.push(this.letter(letters[i] as DeadLetter, atMs));
    const rows = trigger.rows;
    for (let i = Math.max(0, rows.length - this.limits.rows); i < rows.length; i++)
      this.rows.push(this.row(rows[i] as ResultRow, atMs));
    if (this.bars !== undefined) for (const r of rows) this.bars.add(r);
    if (this.rankings !== undefined) for (const r of rows) this.rankings.add(r);
    if (letters.length > 0 || rows.length > 0) this.listsChanged = true;
  }

  commitFailed(error: string, atMs: number): void {
    this.commitFailure = { atMs, error: cut(error, this.limits.text) };
  }

  ended(outcome: 'completed' | 'stopped' | 'failed'): void {
    if (!this.running) return;
    this.sample();
    this.status = outcome;
  }

  /** Reads the run once and keeps a sample of it; a reading that throws is skipped. */
  sample(): ConsoleSample | undefined {
    if (!this.running) return undefined;
    let r: RunReading;
    try {
      r = this.read();
    } catch {
      return undefined;
    }
    const p = this.last;
    const seconds = p === undefined ? 0 : (r.nowMs - p.nowMs) / 1000;
    const perSecond = (now: number, before: number | undefined): number | null =>
      before === undefined || seconds <= 0 ? null : (now - before) / seconds;
    const s: ConsoleSample = {
      t: r.nowMs,
      read: r.counters.read,
      rate: perSecond(r.counters.read, p?.counters.read),
      rowsRate: perSecond(r.counters.rowsEmitted, p?.counters.rowsEmitted),
      commitMs: this.commits.maxMs,
      eventToCommitMs: this.commits.maxEventToCommitMs,
      openWindows: r.state.openWindows,
      stateRows: r.state.rows,
      rememberedIds: r.state.rememberedIds,
      lag: record(r.lag),
      watermarks: record(r.watermarks),
    };
    this.commits = { maxMs: null, maxEventToCommitMs: null };
    this.last = r;
    this.samples.push(s);
    return s;
  }

  /** Whether the lists changed since the previous call. */
  takeListsChanged(): boolean {
    const changed = this.listsChanged;
    this.listsChanged = false;
    return changed;
  }

  head(): ConsoleJobHead {
    const run = this.run;
    const r = this.last;
    const c = r?.counters;
    const dead = c === undefined ? 0 : c.invalid + c.late + c.duplicate + c.error;
    return {
      job: run.job,
      mode: run.mode,
      input: run.input,
      table: run.table.name,
      outputMode: run.outputMode,
      columns: run.table.columns.map((col) => ({ name: col.name, kind: col.type.kind })),
      startedAtMs: run.startedAtMs,
      status: this.status,
      totals: {
        read: c?.read ?? 0,
        accepted: c?.accepted ?? 0,
        invalid: c?.invalid ?? 0,
        late: c?.late ?? 0,
        duplicate: c?.duplicate ?? 0,
        error: c?.error ?? 0,
        deadLetters: dead,
        rowsWritten: c?.rowsEmitted ?? 0,
        triggers: c?.triggers ?? 0,
        replayed: c?.replayed ?? 0,
      },
      assigned: r === undefined ? [] : [...r.assigned],
      ...(r?.rebuilding !== undefined ? { rebuilding: r.rebuilding } : {}),
      ...(r?.outage !== undefined ? { outage: { ...r.outage } } : {}),
      ...(r?.lastCommit !== undefined ? { lastCommit: { ...r.lastCommit } } : {}),
      ...(this.commitFailure !== undefined ? { lastCommitFailure: this.commitFailure } : {}),
    };
  }

  lists(): ConsoleLists {
    return {
      deadLetters: this.deadLetters.toArray(),
      rows: this.rows.toArray(),
      ...(this.bars !== undefined ? { bars: this.bars.view() } : {}),
      ...(this.rankings !== undefined ? { rankings: this.rankings.view() } : {}),
    };
  }

  view(): ConsoleJob {
    return { ...this.head(), samples: this.samples.toArray(), lists: this.lists() };
  }

  private letter(l: DeadLetter, atMs: number): ConsoleDeadLetter {
    const max = this.limits.text;
    const raw = cut(l.raw, max);
    // The record's full size when what is shown is not all of it.
    const rawBytes = l.rawBytes ?? (raw === l.raw ? undefined : Buffer.byteLength(l.raw));
    return {
      atMs,
      reason: l.reason,
      detail: cut(l.detail, max),
      raw,
      ...(rawBytes !== undefined ? { rawBytes } : {}),
      ...(l.source !== undefined ? { source: l.source } : {}),
      partition: l.partition,
      position: l.position,
    };
  }

  private row(r: ResultRow, atMs: number): ConsoleRow {
    const values: Record<string, ConsoleValue> = {};
    for (const [k, v] of Object.entries(r.values)) values[k] = consoleValue(v);
    return { atMs, key: r.key, values };
  }
}
