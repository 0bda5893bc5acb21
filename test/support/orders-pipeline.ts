import { ManualClock } from '../../src/adapters/memory/manual-clock.adapter';
import { MemoryLogger } from '../../src/adapters/memory/memory-logger.adapter';
import { MemorySink } from '../../src/adapters/memory/memory-sink.adapter';
import { MemorySource } from '../../src/adapters/memory/memory-source.adapter';
import type { AnyJob } from '../../src/domain/jobs/job';
import { ordersJob } from '../../src/domain/jobs/orders.job';
import {
  StreamPipeline,
  type PipelineSettings,
  type RunReport,
  type StopToken,
} from '../../src/domain/pipeline/stream-pipeline';
import { tumblingWindows } from '../../src/domain/windowing/window-spec';
import type { SourcePort } from '../../src/ports/source.port';
import { RecordingSource } from './recording-source';

const HOUR_MS = 3_600_000;

export type Partitions = ReadonlyMap<number, readonly (string | undefined)[]>;

export interface OrdersRunOptions {
  readonly partitions: Partitions;
  readonly batchSizes?: readonly number[];
  /** Reuse a sink across runs: it then behaves like a durable store. */
  readonly sink?: MemorySink;
  readonly clock?: ManualClock;
  readonly stop?: (source: RecordingSource) => StopToken;
  /** Defaults: tumbling 1 min, watermark 10 s, update, 1000 records per trigger, no time trigger or idleness. */
  readonly settings?: Partial<PipelineSettings>;
  readonly onAcknowledge?: () => void;
  /** False hides the source's `seek`, as for a source that cannot seek (default true). */
  readonly seekable?: boolean;
}

export interface OrdersRun {
  readonly sink: MemorySink;
  readonly source: RecordingSource;
  readonly logger: MemoryLogger;
  readonly report: RunReport;
}

export function ordersSettings(overrides: Partial<PipelineSettings> = {}): PipelineSettings {
  return {
    job: ordersJob as AnyJob,
    window: tumblingWindows(60_000),
    watermarkMs: 10_000,
    outputMode: 'update',
    idleTimeoutMs: HOUR_MS,
    triggerIntervalMs: HOUR_MS,
    triggerRecords: 1_000,
    progressIntervalMs: HOUR_MS,
    onStop: 'flush',
    ...overrides,
  };
}

/** Runs the `orders` pipeline on a fresh MemorySource over `partitions` (bounded). */
export async function runOrders(options: OrdersRunOptions): Promise<OrdersRun> {
  const sink = options.sink ?? new MemorySink();
  const memory = new MemorySource({
    partitions: options.partitions,
    ...(options.batchSizes !== undefined ? { batchSizes: options.batchSizes } : {}),
  });
  const inner: SourcePort =
    options.seekable === false
      ? {
          open: (from) => memory.open(from),
          poll: (n) => memory.poll(n),
          acknowledge: (at) => memory.acknowledge(at),
          close: () => memory.close(),
        }
      : memory;
  const source = new RecordingSource(inner, options.onAcknowledge);
  const logger = new MemoryLogger();
  const pipeline = new StreamPipeline(
    source,
    sink,
    options.clock ?? new ManualClock(0, 0),
    logger,
    ordersSettings(options.settings),
  );
  const report = await pipeline.run(options.stop?.(source));
  return { sink, source, logger, report };
}
