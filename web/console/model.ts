/**
 * The console's data as the server sends it (the same shapes as `src/adapters/console/console-view.ts`;
 * the browser code is compiled apart from the server's, so they are written twice, and
 * test/web/wire-types.test.ts fails when the two differ) and how an update is folded into what the
 * page holds.
 */
export interface Sample {
  readonly t: number;
  readonly read: number;
  readonly rate: number | null;
  readonly rowsRate: number | null;
  readonly commitMs: number | null;
  readonly eventToCommitMs: number | null;
  readonly openWindows: number;
  readonly stateRows: number;
  readonly rememberedIds: number;
  readonly lag: Readonly<Record<string, number>>;
  readonly watermarks: Readonly<Record<string, number>>;
}

export interface Totals {
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

export interface DeadLetterView {
  readonly atMs: number;
  readonly reason: string;
  readonly detail: string;
  readonly raw: string;
  readonly rawBytes?: number;
  readonly source?: string;
  readonly partition: number;
  readonly position: number;
}

export type Value = string | number | null;

export interface RowView {
  readonly atMs: number;
  readonly key: string;
  readonly values: Readonly<Record<string, Value>>;
}

export interface Bar {
  readonly startMs: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

export interface Ranking {
  readonly aggregationType: number;
  readonly windowEndMs: number;
  readonly ranks: ReadonlyArray<{ readonly rank: number; readonly symbol: string; readonly average: number }>;
}

export interface Lists {
  readonly deadLetters: readonly DeadLetterView[];
  readonly rows: readonly RowView[];
  readonly bars?: ReadonlyArray<{ readonly symbol: string; readonly bars: readonly Bar[] }>;
  readonly rankings?: readonly Ranking[];
}

export interface JobHead {
  readonly job: string;
  readonly mode: string;
  readonly input: string;
  readonly table: string;
  readonly outputMode: string;
  readonly columns: ReadonlyArray<{ readonly name: string; readonly kind: string }>;
  readonly startedAtMs: number;
  readonly status: 'running' | 'completed' | 'stopped' | 'failed';
  readonly totals: Totals;
  readonly assigned: readonly number[];
  readonly rebuilding?: string;
  readonly outage?: { readonly side: string; readonly what: string; readonly sinceMs: number };
  readonly lastCommit?: { readonly atMs: number; readonly ok: boolean; readonly error?: string };
  readonly lastCommitFailure?: { readonly atMs: number; readonly error: string };
}

export interface Job extends JobHead {
  readonly samples: readonly Sample[];
  readonly lists: Lists;
}

export interface State {
  readonly nowMs: number;
  readonly sampleEveryMs: number;
  readonly maxSamples: number;
  readonly jobs: readonly Job[];
}

export interface Update {
  readonly nowMs: number;
  readonly jobs: ReadonlyArray<JobHead & { readonly sample?: Sample; readonly lists?: Lists }>;
}

/** What the page holds: the jobs by name, in the order they appeared. */
export interface Model {
  nowMs: number;
  sampleEveryMs: number;
  maxSamples: number;
  jobs: Map<string, Job>;
}

export function modelOf(state: State): Model {
  return {
    nowMs: state.nowMs,
    sampleEveryMs: state.sampleEveryMs,
    maxSamples: state.maxSamples,
    jobs: new Map(state.jobs.map((j) => [j.job, j])),
  };
}

/** Folds one tick into the model: new figures, one more sample (the oldest dropped), new lists. */
export function applyUpdate(model: Model, update: Update): void {
  model.nowMs = update.nowMs;
  for (const u of update.jobs) {
    const { sample, lists, ...head } = u;
    const held = model.jobs.get(u.job);
    // A job run again starts with a new series.
    const same = held !== undefined && held.startedAtMs === u.startedAtMs;
    let samples = same ? held.samples : [];
    if (sample !== undefined) samples = [...samples, sample].slice(-model.maxSamples);
    model.jobs.set(u.job, {
      ...head,
      samples,
      lists: lists ?? (same ? held.lists : { deadLetters: [], rows: [] }),
    });
  }
}
