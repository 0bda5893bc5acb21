import type { GeneratedRecord } from './orders.generator';

/** What `produce` asks of a job's generator (`JobIo.generator`). */
export interface GeneratorOptions {
  readonly count: number;
  readonly seed: number;
  readonly startMs: number;
  readonly eventsPerSecond: number;
  readonly faultShare: number;
}

/** A job's generator of sample records: `produce --job NAME` sends or writes what it yields, in order. */
export type RecordGenerator = (options: GeneratorOptions) => Iterable<GeneratedRecord>;
