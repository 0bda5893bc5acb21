import type { ManualClock } from '../../src/adapters/memory/manual-clock.adapter';
import { MemorySink } from '../../src/adapters/memory/memory-sink.adapter';
import { HexstreamError } from '../../src/domain/hexstream-error';
import type { TriggerCommit } from '../../src/domain/pipeline/pipeline-output';
import type { TableSchema } from '../../src/domain/table-schema';
import type { StoreCommit, StoredCheckpoint } from '../../src/ports/result-store.port';
import type { CommitTiming, RunIdentity, RunReading, RunTelemetryPort } from '../../src/ports/run-telemetry.port';

/** What a test compares of a reading: the figures, without the engine's other counters. */
export function figures(r: RunReading): Record<string, unknown> {
  const c = r.counters;
  return {
    nowMs: r.nowMs,
    counts: [c.read, c.accepted, c.invalid, c.late, c.duplicate, c.rowsEmitted, c.triggers],
    state: r.state,
    assigned: r.assigned,
    lag: Object.fromEntries(r.lag),
    watermarks: Object.fromEntries(r.watermarks),
    outageMs: r.outageMs,
    ...(r.outage !== undefined ? { outage: r.outage } : {}),
    ...(r.rebuilding !== undefined ? { rebuilding: r.rebuilding } : {}),
    ...(r.lastCommit !== undefined ? { lastCommit: r.lastCommit } : {}),
  };
}

/** Every call, with a reading taken at that moment. */
export class RecordingTelemetry implements RunTelemetryPort {
  readonly calls: unknown[] = [];
  run: RunIdentity | undefined;
  private read: (() => RunReading) | undefined;

  reading(): Record<string, unknown> {
    if (this.read === undefined) throw new Error('no run started');
    return figures(this.read());
  }

  runStarted(run: RunIdentity, read: () => RunReading): void {
    this.run = run;
    this.read = read;
    this.calls.push(['runStarted', run.job, this.reading()]);
  }

  committed(job: string, trigger: TriggerCommit, timing: CommitTiming): void {
    this.calls.push(['committed', job, trigger.sequence, timing, this.reading()]);
  }

  commitFailed(job: string, error: string, atMs: number): void {
    this.calls.push(['commitFailed', job, error, atMs, this.reading()]);
  }

  runEnded(job: string, outcome: string, atMs: number): void {
    this.calls.push(['runEnded', job, outcome, atMs, this.reading()]);
  }
}

/** A store whose commits take `commitMs` of the clock; from commit `downAt` on, down for `downForMs`. */
export class TimedSink extends MemorySink {
  private seen = 0;
  private downSinceMs: number | undefined;
  onOpen: () => void = () => undefined;

  constructor(
    private readonly clock: ManualClock,
    private readonly commitMs: number,
    private readonly downAt = Infinity,
    private readonly downForMs = 0,
  ) {
    super();
  }

  private isDown(): boolean {
    return this.downSinceMs !== undefined && this.clock.now() < this.downSinceMs + this.downForMs;
  }

  override async open(table: TableSchema): Promise<StoredCheckpoint | undefined> {
    this.onOpen();
    if (this.isDown()) throw new HexstreamError('SINK_UNAVAILABLE', 'cannot reach the database');
    return super.open(table);
  }

  override async commit(trigger: StoreCommit): Promise<void> {
    if (this.seen++ === this.downAt) this.downSinceMs = this.clock.now();
    if (this.isDown()) throw new HexstreamError('SINK_UNAVAILABLE', 'cannot reach the database');
    this.clock.advance(this.commitMs);
    return super.commit(trigger);
  }
}

/** The keys of `o` among `keys`, in that order. */
export function pick(o: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => k in o).map((k) => [k, o[k]]));
}
