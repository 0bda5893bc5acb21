import type { CombineFn } from '../../src/domain/aggregation/combiners';
import { StreamEngine, type EngineSettings, type TriggerOutput } from '../../src/domain/engine/stream-engine';
import type { JobDefinition, TimeDomain } from '../../src/domain/jobs/job';
import type { ResultRow } from '../../src/domain/records';

/**
 * A small job for engine tests of every window kind: records are JSON `{"id":1,"key":"a","t":1000,"v":2}`
 * (t in epoch ms); a row per key and window holds the sum and count of `v`. Its code may be told to
 * throw on chosen events, to test how the engine takes a throw of a job's own code.
 */
export interface TestEvent {
  readonly id: number;
  readonly key: string;
  readonly t: number;
  readonly v: number;
}

export interface TestGroup {
  readonly key: string;
}

export interface TestAcc {
  sum: number;
  count: number;
}

/** Where the job's code throws: each names the events it throws on. */
export interface Throws {
  readonly decode?: (text: string) => boolean;
  readonly eventTime?: (e: TestEvent) => boolean;
  readonly groupKey?: (e: TestEvent) => boolean;
  readonly groupFields?: (e: TestEvent) => boolean;
  readonly id?: (e: TestEvent) => boolean;
  /** On the event added to an accumulator (given with it, so a throw may depend on the window). */
  readonly add?: (acc: TestAcc, e: TestEvent) => boolean;
  readonly toRow?: (acc: TestAcc) => boolean;
  /** What is thrown (default: an Error with a message naming the function and the event's id). */
  readonly value?: (where: string, e: TestEvent | undefined) => unknown;
}

export interface TestJobOptions {
  readonly timeDomain?: TimeDomain;
  readonly dedupe?: boolean;
  /** The combiner stages (`CombineFn.stage`), as a user's combiner compiled by the SDK does. */
  readonly stage?: boolean;
  readonly throws?: Throws;
}

function thrown(throws: Throws, where: string, e: TestEvent | undefined): unknown {
  return throws.value?.(where, e) ?? new Error(`${where} failed on ${e === undefined ? 'a record' : `id ${e.id}`}`);
}

function combiner(throws: Throws, stage: boolean): CombineFn<TestEvent, TestAcc, TestAcc> {
  const check = (acc: TestAcc, e: TestEvent): void => {
    if (throws.add?.(acc, e) === true) throw thrown(throws, 'add', e);
  };
  const fn: CombineFn<TestEvent, TestAcc, TestAcc> = {
    create: () => ({ sum: 0, count: 0 }),
    // Mutates in place, as the built-in combiners do.
    add: (acc, e) => {
      check(acc, e);
      acc.sum += e.v;
      acc.count += 1;
      return acc;
    },
    merge: (a, b) => ({ sum: a.sum + b.sum, count: a.count + b.count }),
    extract: (acc) => acc,
  };
  if (!stage) return fn;
  return {
    ...fn,
    stage: (acc, e) => {
      check(acc, e);
      return () => {
        acc.sum += e.v;
        acc.count += 1;
        return acc;
      };
    },
  };
}

function decode(text: string): { ok: true; event: TestEvent } | { ok: false; detail: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, detail: 'not JSON' };
  }
  const o = parsed as Partial<TestEvent>;
  if (typeof o.id !== 'number' || typeof o.key !== 'string' || typeof o.t !== 'number' || typeof o.v !== 'number')
    return { ok: false, detail: 'not an event' };
  return { ok: true, event: { id: o.id, key: o.key, t: o.t, v: o.v } };
}

export function testJob(options: TestJobOptions = {}): JobDefinition<TestEvent, TestGroup, TestAcc> {
  const throws = options.throws ?? {};
  const when = <T>(test: ((x: T) => boolean) | undefined, where: string, x: T, e: TestEvent | undefined): void => {
    if (test?.(x) === true) throw thrown(throws, where, e);
  };
  return {
    name: 'events',
    description: 'sum and count of v per key and window',
    table: { name: 'events', primaryKey: ['key', 'window_start'], columns: [] },
    defaults: {
      window: { kind: 'fixed', lengthMs: 1_000, slideMs: 1_000 },
      watermarkMs: 0,
      outputMode: 'update',
      sampleFile: 'none',
    },
    io: { topic: 'events', bounded: false },
    ...(options.timeDomain !== undefined ? { timeDomain: options.timeDomain } : {}),
    decode: (text) => {
      when(throws.decode, 'decode', text, undefined);
      return decode(text);
    },
    eventTimeMs: (e) => {
      when(throws.eventTime, 'eventTimeMs', e, e);
      return e.t;
    },
    groupKey: (e) => {
      when(throws.groupKey, 'groupKey', e, e);
      return e.key;
    },
    groupFields: (e) => {
      when(throws.groupFields, 'groupFields', e, e);
      return { key: e.key };
    },
    ...(options.dedupe === true
      ? {
          dedupe: {
            field: 'id',
            id: (e: TestEvent) => {
              when(throws.id, 'id', e, e);
              return e.id;
            },
          },
        }
      : {}),
    combiner: combiner(throws, options.stage === true),
    rowKey: (w, g) => `${g.key}|${w.startMs}`,
    toRow: (w, g, acc, rowKey) => {
      when(throws.toRow, 'toRow', acc, undefined);
      return {
        key: rowKey,
        finalAtMs: w.endMs,
        values: { key: g.key, window_start: w.startMs, window_end: w.endMs, sum: acc.sum, count: acc.count },
      };
    },
  };
}

export function event(id: number, key: string, t: number, v = 1): string {
  return JSON.stringify({ id, key, t, v });
}

/** A row's figures, for comparing tables: `key|start|end → sum/count`. */
export function figures(rows: Iterable<ResultRow>): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of rows) {
    const v = r.values;
    out.set(`${String(v['key'])}|${String(v['window_start'])}|${String(v['window_end'])}`, `${v['sum']}/${v['count']}`);
  }
  return out;
}

/** Drives an engine of `testJob` like Beam's TestStream: positions numbered per partition. */
export class TestEventStream {
  readonly engine: StreamEngine<TestEvent, TestGroup, TestAcc>;
  /** The table an upserting sink holds: last row per key. */
  readonly table = new Map<string, ResultRow>();
  private readonly next = new Map<number, number>();

  constructor(job: JobDefinition<TestEvent, TestGroup, TestAcc>, settings: EngineSettings) {
    this.engine = new StreamEngine(job, settings);
  }

  add(partition: number, values: readonly string[], nowMs?: number): this {
    for (const value of values) {
      const position = this.next.get(partition) ?? 0;
      this.next.set(partition, position + 1);
      this.engine.process({ partition, position, value }, nowMs);
    }
    return this;
  }

  fire(): TriggerOutput {
    const out = this.engine.trigger();
    for (const r of out.rows) this.table.set(r.key, r);
    return out;
  }

  finish(): TriggerOutput {
    this.engine.finish();
    return this.fire();
  }
}
