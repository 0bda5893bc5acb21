import { emptyCounters, type EngineCounters } from '../../../src/domain/engine/engine-counters';
import { ordersJob } from '../../../src/domain/jobs/orders.job';
import type { RunIdentity, RunReading } from '../../../src/ports/run-telemetry.port';

/** A run of `job` as the pipeline would tell it. */
export function identity(job: string): RunIdentity {
  return { job, mode: 'prod', outputMode: 'update', table: ordersJob.table, input: 'topic orders', startedAtMs: 1_000 };
}

/** A reading of a healthy run with partitions 0 and 1, changed by `more`. */
export function reading(more: Partial<RunReading> = {}, counters: Partial<EngineCounters> = {}): RunReading {
  return {
    nowMs: 5_000,
    counters: { ...emptyCounters(), ...counters },
    state: { openWindows: 0, rows: 0, rememberedIds: 0 },
    assigned: [0, 1],
    lag: new Map(),
    watermarks: new Map(),
    outageMs: { source: 0, sink: 0 },
    ...more,
  };
}
