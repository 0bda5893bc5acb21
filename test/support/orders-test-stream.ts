import { StreamEngine, type EngineSettings, type TriggerOutput } from '../../src/domain/engine/stream-engine';
import { ordersJob, type Order, type OrderGroup } from '../../src/domain/jobs/orders.job';
import { tumblingWindows } from '../../src/domain/windowing/window-spec';

export type OrdersEngine = StreamEngine<Order, OrderGroup, unknown[]>;

/**
 * Drives a `StreamEngine` of the `orders` job like Beam's TestStream: records are added per partition
 * (positions are numbered 0, 1, 2… per partition), triggers fire when the test says so.
 * Defaults: tumbling 1 min windows, watermark 10 s, update mode.
 */
export class OrdersTestStream {
  readonly engine: OrdersEngine;
  private readonly next = new Map<number, number>();

  constructor(settings: Partial<EngineSettings> = {}) {
    this.engine = new StreamEngine(ordersJob, {
      window: settings.window ?? tumblingWindows(60_000),
      watermarkMs: settings.watermarkMs ?? 10_000,
      outputMode: settings.outputMode ?? 'update',
    });
  }

  /** Adds records to `partition`, in order; `undefined` is a record without a value (tombstone). */
  add(partition: number, ...values: (string | undefined)[]): this {
    for (const value of values) this.addRecord({ partition, value });
    return this;
  }

  /** Adds one record with its own fields (e.g. a `decodeError`). */
  addRecord(record: {
    readonly partition: number;
    readonly value: string | undefined;
    readonly decodeError?: string;
  }): this {
    const position = this.next.get(record.partition) ?? 0;
    this.next.set(record.partition, position + 1);
    this.engine.process({ ...record, position });
    return this;
  }

  fire(): TriggerOutput {
    return this.engine.trigger();
  }

  /** End of all input, then the trigger that flushes it. */
  finish(): TriggerOutput {
    this.engine.finish();
    return this.engine.trigger();
  }
}
