import 'reflect-metadata';
import { KafkaSource } from '../../../src/adapters/kafka/kafka-source.adapter';
import { MemoryLogger } from '../../../src/adapters/memory/memory-logger.adapter';
import { MemorySink } from '../../../src/adapters/memory/memory-sink.adapter';
import { SystemClock } from '../../../src/adapters/system/system-clock.adapter';
import { generateOrders } from '../../../src/domain/jobs/orders.generator';
import { StreamPipeline } from '../../../src/domain/pipeline/stream-pipeline';
import { byRowkey } from '../../support/order-table';
import { ordersSettings } from '../../support/orders-pipeline';
import { referenceOrders } from '../../support/reference-orders';
import { appendTo, BROKERS, kafkaClient, topicWith, uniqueName } from '../../support/kafka-topics';

jest.setTimeout(180_000);

const ORDERS_PER_PARTITION = 300;
/** Far below kafkajs's default metadata age (5 minutes), far above the source's refresh (5 s). */
const NEW_PARTITION_BOUND_MS = 90_000;

/**
 * A partition's orders with shops and order ids of its own (a topic keyed by shop), starting at
 * `startMs`: rows never span two partitions.
 */
function ordersOf(partition: number, startMs: number): string[] {
  return [
    ...generateOrders({
      count: ORDERS_PER_PARTITION,
      seed: 40 + partition,
      startMs,
      ordersPerSecond: 4,
      faultShare: 0.05,
    }),
  ].map((r) =>
    r.line
      .replace(/"orderid":1(\d{12})/, (_m, rest: string) => `"orderid":${partition + 2}${rest}`)
      .replace(/"shopid":(\d+)/, (_m, id: string) => `"shopid":${partition + 1}${id}`),
  );
}

describe('KafkaSource on a topic that grows', () => {
  it('reads a partition added mid-run within seconds, and the table is exactly the reference over all four partitions', async () => {
    const startMs = Date.UTC(2025, 0, 1);
    const first = new Map([0, 1, 2].map((p) => [p, ordersOf(p, startMs)]));
    // The new partition's orders come later in event time than all the others: no window is shared.
    const added = ordersOf(3, startMs + 2 * 3_600_000);
    const { topic, remove } = await topicWith(first);
    const admin = kafkaClient().admin();
    await admin.connect();
    const sink = new MemorySink();
    const logger = new MemoryLogger();
    const source = new KafkaSource({ brokers: BROKERS, topic, groupId: uniqueName('g'), bounded: false }, logger);
    const committed = (p: number): number => sink.lastCheckpoint()?.positions.get(p) ?? 0;
    const startedAt = Date.now();
    let grewAt: number | undefined;
    // Stops once all four partitions are committed to their ends, or at the bound (then the check below fails).
    const stop = {
      isStopped: (): boolean =>
        (grewAt !== undefined && committed(3) >= added.length) ||
        Date.now() - startedAt > NEW_PARTITION_BOUND_MS + 60_000,
    };
    const settings = ordersSettings({
      triggerRecords: 100,
      triggerIntervalMs: 200,
      progressIntervalMs: 3_600_000,
      onStop: 'flush',
    });
    try {
      const running = new StreamPipeline(source, sink, new SystemClock(), logger, settings).run(stop);
      // Once the first three partitions are read and committed, the topic grows and the new partition fills.
      for (let i = 0; i < 600 && [0, 1, 2].some((p) => committed(p) < ORDERS_PER_PARTITION); i++)
        await new Promise((resolve) => setTimeout(resolve, 100));
      expect([0, 1, 2].map(committed)).toEqual([ORDERS_PER_PARTITION, ORDERS_PER_PARTITION, ORDERS_PER_PARTITION]);
      await admin.createPartitions({ topicPartitions: [{ topic, count: 4 }] });
      await appendTo(topic, new Map([[3, added]]));
      grewAt = Date.now();
      const report = await running;

      expect(committed(3)).toBe(added.length);
      const readAfterMs = Date.now() - grewAt;
      expect(readAfterMs).toBeLessThan(NEW_PARTITION_BOUND_MS);
      expect(report.completed).toBe(false);
      expect(
        logger.entries.some(
          (e) => e.message === 'kafka partitions reassigned' && e.context?.['partitions'] === '0,1,2,3',
        ),
      ).toBe(true);
      const expected = referenceOrders(new Map([...first, [3, added]]), {
        windowMs: 60_000,
        slideMs: 60_000,
        watermarkMs: 10_000,
      });
      expect(byRowkey(sink.table.values())).toEqual(expected.rows);
      const dead = sink.deadLetters.map((d) => `${d.reason}@${d.partition}:${d.position}`).sort();
      expect(dead).toEqual(expected.deadLetters.map((d) => `${d.reason}@${d.partition}:${d.position}`).sort());
    } finally {
      await source.close().catch(() => undefined);
      await admin.disconnect();
      await remove();
    }
  });
});
