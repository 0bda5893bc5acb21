import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { TriggerCommit } from '../../domain/pipeline/pipeline-output';
import type { HttpRoute } from '../../ports/http-endpoint.port';
import type { CommitTiming, RunIdentity, RunReading, RunTelemetryPort } from '../../ports/run-telemetry.port';
import { notReadyBecause } from './readiness';
import { scrapedFamily } from './scraped-family';
import { RunBook, type WatchedRun } from './run-book';

/** Commit durations: a file commit takes milliseconds, a database one tens, an outage's retry seconds. */
const COMMIT_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Event-to-commit latency: a live stream's is about the trigger interval; a replayed history's, days. */
const LATENCY_BUCKETS = [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600, 86_400];

const OUTCOMES = ['accepted', 'invalid', 'late', 'duplicate', 'error'] as const;
const REASONS = ['invalid', 'late', 'duplicate', 'error'] as const;

type Labels = Record<string, string | number>;
type Figure = (r: RunReading, w: WatchedRun) => ReadonlyArray<readonly [Labels, number]>;

/** A figure without labels other than `job`. */
const c =
  (f: (r: RunReading) => number): Figure =>
  (r) => [[{}, f(r)]];

/**
 * The runs' figures in the Prometheus text format (0.0.4), on a registry of its own (never
 * prom-client's global one, which a library in the same process could fill). Totals and gauges
 * are read from each run at scrape time, so they equal the run's own counts exactly; the two
 * histograms are observed when a trigger commits. Every series has the label `job`.
 */
export class PrometheusMetrics implements RunTelemetryPort {
  readonly registry = new Registry();
  private readonly book = new RunBook();
  private readonly commitSeconds: Histogram<'job'>;
  private readonly latencySeconds: Histogram<'job'>;
  private readonly commitFailures: Counter<'job'>;
  /** Each run read once per scrape, so that every family of one scrape shows the same instant. */
  private scrape: Map<WatchedRun, RunReading> | undefined;

  constructor(options: { readonly defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    this.commitSeconds = new Histogram({
      name: 'hexstream_commit_duration_seconds',
      help: "Time one trigger's commit took (dead letters, rows, state and positions).",
      labelNames: ['job'],
      buckets: COMMIT_BUCKETS,
      registers,
    });
    this.latencySeconds = new Histogram({
      name: 'hexstream_event_to_commit_latency_seconds',
      help: 'Per partition a trigger moved: commit end minus the newest event time read from it in the trigger.',
      labelNames: ['job'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.commitFailures = new Counter({
      name: 'hexstream_commit_failures_total',
      help: 'Commit attempts that failed (the run then rebuilds, waits out an outage, or fails).',
      labelNames: ['job'],
      registers,
    });
    this.defineTotals();
    this.defineGauges();
  }

  runStarted(run: RunIdentity, read: () => RunReading): void {
    this.book.started(run, read);
    // Present from the start at 0, so that rate() sees the first increase.
    this.commitFailures.inc({ job: run.job }, 0);
  }

  committed(job: string, _trigger: TriggerCommit, timing: CommitTiming): void {
    this.commitSeconds.observe({ job }, Math.max(0, timing.endedAtMs - timing.startedAtMs) / 1000);
    for (const ms of timing.eventToCommitMs) this.latencySeconds.observe({ job }, Math.max(0, ms) / 1000);
  }

  commitFailed(job: string, _error: string, _atMs: number): void {
    this.commitFailures.inc({ job });
  }

  runEnded(job: string, outcome: 'completed' | 'stopped' | 'failed'): void {
    this.book.ended(job, outcome);
  }

  /** `/metrics`. */
  routes(): readonly HttpRoute[] {
    return [
      {
        path: '/metrics',
        handle: async () => {
          this.scrape = new Map(this.book.all().map((w) => [w, w.read()]));
          try {
            const body = await this.registry.metrics();
            return {
              status: 200,
              contentType: this.registry.contentType,
              body,
              headers: { 'cache-control': 'no-store' },
            };
          } finally {
            this.scrape = undefined;
          }
        },
      },
    ];
  }

  private defineTotals(): void {
    this.reading('counter', 'records_total', 'Records read, by outcome (each record counted once).', ['outcome'], (r) =>
      OUTCOMES.map((o) => [{ outcome: o }, r.counters[o]]),
    );
    this.reading('counter', 'dead_letters_total', 'Records sent to the dead letters, by reason.', ['reason'], (r) =>
      REASONS.map((o) => [{ reason: o }, r.counters[o]]),
    );
    this.reading(
      'counter',
      'rows_written_total',
      'Row writes sent to the sink (updates included).',
      [],
      c((r) => r.counters.rowsEmitted),
    );
    this.reading(
      'counter',
      'triggers_total',
      'Triggers fired.',
      [],
      c((r) => r.counters.triggers),
    );
    this.reading(
      'counter',
      'replayed_records_total',
      'Records re-read to rebuild open windows.',
      [],
      c((r) => r.counters.replayed),
    );
    this.reading('counter', 'outage_seconds_total', 'Time each side was unreachable.', ['side'], (r) => [
      [{ side: 'source' }, r.outageMs.source / 1000],
      [{ side: 'sink' }, r.outageMs.sink / 1000],
    ]);
  }

  private defineGauges(): void {
    this.reading('gauge', 'consumer_lag_records', 'Records waiting per owned partition.', ['partition'], (r) =>
      [...r.lag].map(([p, n]) => [{ partition: p }, n]),
    );
    this.reading(
      'gauge',
      'watermark_timestamp_seconds',
      'Event-time watermark per partition (Unix seconds); absent before its first event and once it ended.',
      ['partition'],
      (r) => [...r.watermarks].filter(([, ms]) => Number.isFinite(ms)).map(([p, ms]) => [{ partition: p }, ms / 1000]),
    );
    this.reading(
      'gauge',
      'open_windows',
      'Windows open in the state.',
      [],
      c((r) => r.state.openWindows),
    );
    this.reading(
      'gauge',
      'state_rows',
      'Rows held in open windows.',
      [],
      c((r) => r.state.rows),
    );
    this.reading(
      'gauge',
      'remembered_ids',
      'Record ids remembered to drop duplicates.',
      [],
      c((r) => r.state.rememberedIds),
    );
    this.reading('gauge', 'up', '1 while the job runs, 0 once it ended.', [], (_r, w) => [
      [{}, w.ended === undefined ? 1 : 0],
    ]);
    this.reading('gauge', 'ready', '1 when the job is ready (see /health/ready), else 0.', [], (r, w) => [
      [{}, w.ended === undefined && notReadyBecause(r) === undefined ? 1 : 0],
    ]);
  }

  /** A series family whose values are read from every run at scrape time. */
  private reading(kind: 'counter' | 'gauge', name: string, help: string, labels: string[], figure: Figure): void {
    const book = this.book;
    const readingOf = (w: WatchedRun): RunReading => this.scrape?.get(w) ?? w.read();
    const config = { name: `hexstream_${name}`, help, labelNames: ['job', ...labels] };
    scrapedFamily(this.registry, kind, config, (set) => {
      for (const w of book.all()) for (const [l, v] of figure(readingOf(w), w)) set({ job: w.run.job, ...l }, v);
    });
  }
}
