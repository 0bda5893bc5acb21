/**
 * What the console's browser code receives, as JSON: `/api/console` and the `state` event of
 * `/api/live` carry a `ConsoleState`; each following `update` event carries a `ConsoleUpdate`.
 * `web/console/model.ts` declares the same shapes for the browser.
 */

/** One second of one job. Per-partition figures are keyed by partition number. */
export interface ConsoleSample {
  /** The run's clock at the reading (epoch ms). */
  readonly t: number;
  /** Records read for the first time, in total. */
  readonly read: number;
  /** Records read per second since the previous sample (`null` for a run's first sample). */
  readonly rate: number | null;
  /** Row writes per second since the previous sample. */
  readonly rowsRate: number | null;
  /** The longest commit (ms) that ended since the previous sample, `null` when none did. */
  readonly commitMs: number | null;
  /** The largest event-to-commit latency (ms) of those commits. */
  readonly eventToCommitMs: number | null;
  readonly openWindows: number;
  readonly stateRows: number;
  readonly rememberedIds: number;
  /** Records waiting per partition. */
  readonly lag: Readonly<Record<string, number>>;
  /** Event-time watermark per partition (epoch ms): behind `t` by its delay. */
  readonly watermarks: Readonly<Record<string, number>>;
}

export interface ConsoleTotals {
  readonly read: number;
  readonly accepted: number;
  readonly invalid: number;
  readonly late: number;
  readonly duplicate: number;
  readonly error: number;
  readonly deadLetters: number;
  readonly rowsWritten: number;
  readonly triggers: number;
  readonly replayed: number;
}

export interface ConsoleDeadLetter {
  /** When the trigger holding it was committed (epoch ms). */
  readonly atMs: number;
  readonly reason: string;
  readonly detail: string;
  /** The record's text, cut to a bounded length (`rawBytes` then says its full size). */
  readonly raw: string;
  readonly rawBytes?: number;
  readonly source?: string;
  readonly partition: number;
  readonly position: number;
}

/** A row's value: numbers as numbers, 64-bit integers beyond 2^53 as their decimal text. */
export type ConsoleValue = string | number | null;

export interface ConsoleRow {
  readonly atMs: number;
  readonly key: string;
  readonly values: Readonly<Record<string, ConsoleValue>>;
}

export interface ConsoleBar {
  readonly startMs: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

export interface ConsoleRanking {
  /** The window's length in minutes (the table's `aggregation_type`). */
  readonly aggregationType: number;
  readonly windowEndMs: number;
  readonly ranks: ReadonlyArray<{ readonly rank: number; readonly symbol: string; readonly average: number }>;
}

/** The bounded lists of a job, sent again only when a commit changed them. */
export interface ConsoleLists {
  readonly deadLetters: readonly ConsoleDeadLetter[];
  readonly rows: readonly ConsoleRow[];
  /** Bars per symbol, symbols by name, bars by start (jobs whose rows are OHLC bars). */
  readonly bars?: ReadonlyArray<{ readonly symbol: string; readonly bars: readonly ConsoleBar[] }>;
  /** The newest ranking per window length (jobs whose rows are top-N rankings). */
  readonly rankings?: readonly ConsoleRanking[];
}

/** A job's figures now. */
export interface ConsoleJobHead {
  readonly job: string;
  readonly mode: string;
  readonly input: string;
  readonly table: string;
  readonly outputMode: string;
  readonly columns: ReadonlyArray<{ readonly name: string; readonly kind: string }>;
  readonly startedAtMs: number;
  readonly status: 'running' | 'completed' | 'stopped' | 'failed';
  readonly totals: ConsoleTotals;
  readonly assigned: readonly number[];
  readonly rebuilding?: string;
  readonly outage?: { readonly side: string; readonly what: string; readonly sinceMs: number };
  readonly lastCommit?: { readonly atMs: number; readonly ok: boolean; readonly error?: string };
  readonly lastCommitFailure?: { readonly atMs: number; readonly error: string };
}

export interface ConsoleJob extends ConsoleJobHead {
  readonly samples: readonly ConsoleSample[];
  readonly lists: ConsoleLists;
}

export interface ConsoleState {
  readonly nowMs: number;
  readonly sampleEveryMs: number;
  /** How many samples a job keeps (the charts' width in seconds). */
  readonly maxSamples: number;
  readonly jobs: readonly ConsoleJob[];
}

/** One tick: per job, its figures now, the sample taken, and its lists when they changed. */
export interface ConsoleUpdate {
  readonly nowMs: number;
  readonly jobs: ReadonlyArray<ConsoleJobHead & { readonly sample?: ConsoleSample; readonly lists?: ConsoleLists }>;
}
