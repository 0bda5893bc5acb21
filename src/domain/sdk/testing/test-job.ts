import { StreamEngine } from '../../engine/stream-engine';
import type { OutputMode } from '../../engine/output-mode';
import type { JobDefinition } from '../../jobs/job';
import type { ColumnValue, DeadLetterReason } from '../../records';
import { durationMs, type Duration } from '../duration';
import type { WithRowType } from '../row-type';

export interface TestJobOptions {
  /** Allowed lateness of event time. Default: the job's watermark. */
  readonly watermark?: Duration;
  /** Default: the job's output mode. */
  readonly outputMode?: OutputMode;
}

/** One input record of a test. */
export interface TestRecord {
  readonly text: string;
  /** Default 0. */
  readonly partition?: number;
  /** When the record arrived (epoch ms). Default: the harness's processing time. */
  readonly arrivalMs?: number;
}

/** A row as plain values by column name. */
export type TestRow = Readonly<Record<string, ColumnValue>>;

export interface TestDeadLetter {
  readonly reason: DeadLetterReason;
  readonly detail: string;
  readonly raw: string;
}

/** What one trigger emitted: rows (typed by the job's columns for a job of `defineJob`) and dead letters. */
export interface TriggerResult<R = TestRow> {
  readonly rows: R[];
  readonly deadLetters: TestDeadLetter[];
}

/** A job running in memory (see `testJob`). Methods that feed it return the run, to chain. */
export interface JobRun<R = TestRow> {
  add(record: TestRecord): JobRun<R>;
  /** Adds `JSON.stringify(event)` as a record. */
  addEvent(event: unknown, options?: Omit<TestRecord, 'text'>): JobRun<R>;
  /** Moves the watermark of every partition used so far (0 and those records went to) to at least `watermarkMs` (epoch ms). */
  advanceWatermark(watermarkMs: number): JobRun<R>;
  /** Sets the processing-time clock (epoch ms); it never goes back. */
  advanceProcessingTime(nowMs: number): JobRun<R>;
  /** One trigger: rows per the output mode, and the dead letters since the last trigger. */
  trigger(): TriggerResult<R>;
  /** End of input: closes every window and returns that last trigger's output. */
  finish(): TriggerResult<R>;
}

/**
 * Runs `job` on the real engine in memory, with the test in charge of event time, watermarks and
 * processing time — Beam's TestStream for hexstream:
 *
 *   const run = testJob(job);
 *   run.addEvent({ symbol: 'A', price: 1, ts: 1_700_000_000_000 }).advanceWatermark(1_700_000_060_000);
 *   expect(run.trigger().rows).toEqual([{ symbol: 'A', … }]);
 */
export function testJob<E, G, A, R = TestRow>(
  job: JobDefinition<E, G, A> & WithRowType<R>,
  options: TestJobOptions = {},
): JobRun<R> {
  let nowMs = 0;
  const engine = new StreamEngine(job, {
    window: job.defaults.window,
    watermarkMs: durationMs(options.watermark ?? job.defaults.watermarkMs, 'testJob watermark'),
    outputMode: options.outputMode ?? job.defaults.outputMode,
  });
  const next = new Map<number, number>();
  const declare = (partition: number): number => {
    const position = next.get(partition);
    if (position !== undefined) return position;
    engine.addPartitions([partition]);
    return 0;
  };
  declare(0);
  const advanceTo = (watermarkMs: number): void => {
    engine.addPartitions(next.keys(), undefined, new Map([...next.keys()].map((p) => [p, watermarkMs])));
  };
  const output = (): TriggerResult<R> => {
    const out = engine.trigger();
    return {
      rows: out.rows.map((r) => ({ ...r.values }) as R),
      deadLetters: out.deadLetters.map((d) => ({ reason: d.reason, detail: d.detail, raw: d.raw })),
    };
  };
  next.set(0, 0);
  const run: JobRun<R> = {
    add: (record) => {
      const partition = record.partition ?? 0;
      const position = declare(partition);
      next.set(partition, position + 1);
      engine.process({ partition, position, value: record.text, arrivalMs: record.arrivalMs ?? nowMs }, nowMs);
      return run;
    },
    addEvent: (event, opts = {}) => run.add({ ...opts, text: JSON.stringify(event) }),
    advanceWatermark: (watermarkMs) => {
      advanceTo(watermarkMs);
      return run;
    },
    advanceProcessingTime: (ms) => {
      nowMs = Math.max(nowMs, ms);
      engine.advanceProcessingTime(nowMs);
      return run;
    },
    trigger: output,
    finish: () => {
      engine.finish();
      return output();
    },
  };
  return run;
}
