import { Kafka, logLevel } from 'kafkajs';
import { decodeOrder, orderRowKey, ordersJob } from '../src/domain/jobs/orders.job';
import { windowStartsFor, type FixedWindowSpec, type WindowSpec } from '../src/domain/windowing/window-spec';
import { benchBrokers } from './prod-bench-config';

export interface SentTimes {
  /** Per row key, the Kafka timestamps of the orders the job accepts into that row, in offset order. */
  readonly sentAt: Map<string, number[]>;
  readonly firstMs: number;
  readonly lastMs: number;
}

/** The orders of one topic in offset order, as the engine takes them into rows. */
class SentAtIndex implements SentTimes {
  readonly sentAt = new Map<string, number[]>();
  firstMs = Infinity;
  lastMs = -Infinity;
  private readonly spec = fixedWindows(ordersJob.defaults.window);
  private readonly seenIds = new Set<number>();
  private readonly maxEventMs = new Map<number, number>();

  add(partition: number, ts: number, value: Buffer | null): void {
    this.firstMs = Math.min(this.firstMs, ts);
    this.lastMs = Math.max(this.lastMs, ts);
    const decoded = value === null ? undefined : decodeOrder(value.toString('utf8'));
    if (decoded === undefined || !decoded.ok) return;
    const o = decoded.event;
    const spec = this.spec;
    const closedUpTo = (this.maxEventMs.get(partition) ?? -Infinity) - ordersJob.defaults.watermarkMs;
    this.maxEventMs.set(partition, Math.max(this.maxEventMs.get(partition) ?? -Infinity, o.eventMs));
    const starts = windowStartsFor(spec, o.eventMs).filter((start) => start + spec.lengthMs > closedUpTo);
    if (starts.length === 0 || this.seenIds.has(o.orderid)) return;
    this.seenIds.add(o.orderid);
    for (const start of starts) {
      const key = orderRowKey(start, start + spec.lengthMs, o);
      const times = this.sentAt.get(key);
      if (times === undefined) this.sentAt.set(key, [ts]);
      else times.push(ts);
    }
  }
}

/**
 * Reads the topic once more (a new group, after the run): per row key, the Kafka timestamps
 * (CreateTime: when produce sent it) of the orders the job accepts into that row, in offset order.
 * All orders of a row share a shop id, hence a partition, so offset order is the order the engine
 * adds them in, and a row written with total_orders = n holds exactly the first n. Skipped as the
 * engine skips them: malformed records, repeated order ids, and orders whose window had closed
 * (window end at or behind the partition's max event time − the job's watermark).
 */
export async function kafkaTimestamps(topic: string, groupId: string, total: number): Promise<SentTimes> {
  const index = new SentAtIndex();
  const consumer = new Kafka({
    clientId: 'hexstream-bench-join',
    brokers: benchBrokers().split(','),
    logLevel: logLevel.NOTHING,
  }).consumer({ groupId });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    let read = 0;
    await new Promise<void>((done, fail) => {
      consumer.on(consumer.events.CRASH, (event) => {
        if (!event.payload.restart) fail(event.payload.error);
      });
      const timer = setTimeout(() => fail(new Error(`read ${read} of ${total} records of ${topic} in 120 s`)), 120_000);
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            for (const m of batch.messages) {
              read++;
              index.add(batch.partition, Number(m.timestamp), m.value);
            }
            if (read >= total) {
              clearTimeout(timer);
              done();
            }
          },
        })
        .catch(fail);
    });
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
  return { sentAt: index.sentAt, firstMs: index.firstMs, lastMs: index.lastMs };
}

function fixedWindows(spec: WindowSpec): FixedWindowSpec {
  if (spec.kind !== 'fixed') throw new Error(`orders has ${spec.kind} windows: this bench times fixed ones`);
  return spec;
}
