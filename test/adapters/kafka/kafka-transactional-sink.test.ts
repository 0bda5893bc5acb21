import 'reflect-metadata';
import {
  KafkaTransactionalSink,
  type KafkaSinkOptions,
} from '../../../src/adapters/kafka/kafka-transactional-sink.adapter';
import { HexstreamError } from '../../../src/domain/hexstream-error';
import { stocksAveragesTable } from '../../../src/domain/jobs/stock-averages.job';
import { aggOrderWindowTable } from '../../../src/domain/jobs/orders.job';
import type { DeadLetter, ResultRow } from '../../../src/domain/records';
import type { TriggerCommit } from '../../../src/domain/pipeline/pipeline-output';
import { engineCheckpoint, parseJsonObject } from '../../contracts/output.contract';
import { describeTopicStoreContracts, outputTopicTable, sinkTopicNames } from '../../support/topic-store-kit';
import { triggerOutput, type TriggerStore } from '../../support/trigger-store';
import { createTopics, deleteTopics, readTopic } from '../../support/kafka-read';
import { kafkaClient } from '../../support/kafka-topics';

jest.setTimeout(120_000);

const names = (): ReturnType<typeof sinkTopicNames> => sinkTopicNames('ksink');
const tableOf = outputTopicTable;

describeTopicStoreContracts('KafkaTransactionalSink', 'ksink', (options) => new KafkaTransactionalSink(options));

const W0 = Date.UTC(2026, 0, 2, 3, 4, 0, 0);

function stockRow(symbol: string, startMs: number, trades: number): ResultRow {
  return {
    key: `${symbol}|${startMs}|${startMs + 3_000}`,
    finalAtMs: startMs + 3_000,
    values: {
      symbol,
      window_start: startMs,
      window_end: startMs + 3_000,
      avg_price: 10.5,
      min_price: 10,
      max_price: 11,
      trade_count: trades,
      total_quantity: trades * 100,
    },
  };
}

function trigger(
  sequence: number,
  rows: readonly ResultRow[],
  positions: ReadonlyMap<number, number>,
  deadLetters: readonly DeadLetter[] = [],
): TriggerCommit {
  const watermarks = new Map([...positions.keys()].map((p) => [p, W0 + sequence]));
  return {
    sequence,
    rows,
    deadLetters,
    positions,
    watermarks,
    closedUpToMs: -Infinity,
    checkpoint: engineCheckpoint(positions, watermarks, -Infinity),
  };
}

/** Runs `body` with a factory of sinks on fresh topics (stock-averages rows keyed by symbol); closes and deletes all after. */
async function withTopics(
  body: (
    sinkAs: (instanceId: string, more?: Partial<KafkaSinkOptions>) => TriggerStore<KafkaTransactionalSink>,
    n: ReturnType<typeof names>,
  ) => Promise<void>,
): Promise<void> {
  const n = names();
  await createTopics([{ topic: n.sourceTopic, partitions: 3 }]);
  const sinks: KafkaTransactionalSink[] = [];
  try {
    await body((instanceId, more = {}) => {
      const sink = new KafkaTransactionalSink({
        ...n,
        job: 'stock-averages',
        instanceId,
        keyColumn: 'symbol',
        ...more,
      });
      sinks.push(sink);
      return triggerOutput(sink);
    }, n);
  } finally {
    for (const s of sinks) await s.close().catch(() => undefined);
    await deleteTopics(n.all);
  }
}

const failure = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('KafkaTransactionalSink', () => {
  it('writes each row keyed by symbol with its row key in a header, and the positions as the group offsets', async () => {
    await withTopics(async (sinkAs, n) => {
      const sink = sinkAs('a');
      await sink.open(stocksAveragesTable);
      const rows = [stockRow('AAPL', W0, 3), stockRow('MSFT', W0, 1), stockRow('AAPL', W0 + 1_000, 2)];
      await sink.commit(
        trigger(
          0,
          rows,
          new Map([
            [0, 40],
            [2, 7],
          ]),
        ),
      );
      const messages = await readTopic(n.outputTopic);
      expect(messages.map((m) => [m.key, m.headers['row-key']]).sort()).toEqual([
        ['AAPL', `AAPL|${W0}|${W0 + 3_000}`],
        ['AAPL', `AAPL|${W0 + 1_000}|${W0 + 4_000}`],
        ['MSFT', `MSFT|${W0}|${W0 + 3_000}`],
      ]);
      // One key, one partition: both AAPL windows went to the same one.
      expect(new Set(messages.filter((m) => m.key === 'AAPL').map((m) => m.partition)).size).toBe(1);
      expect(parseJsonObject(messages.find((m) => m.key === 'MSFT')?.value ?? '')).toMatchObject({
        symbol: 'MSFT',
        window_start: new Date(W0).toISOString(),
        window_end: new Date(W0 + 3_000).toISOString(),
        avg_price: 10.5,
        min_price: 10,
        max_price: 11,
        trade_count: 1,
        total_quantity: 100,
      });
      const admin = kafkaClient().admin();
      await admin.connect();
      const [offsets] = await admin
        .fetchOffsets({ groupId: n.consumerGroup, topics: [n.sourceTopic] })
        .finally(() => admin.disconnect());
      expect(offsets?.partitions.map((p) => [p.partition, p.offset]).sort()).toEqual([
        [0, '40'],
        [1, '-1'],
        [2, '7'],
      ]);
    });
  });

  it('leaves nothing of an aborted transaction visible to a read_committed reader, though the log holds it', async () => {
    await withTopics(async (sinkAs, n) => {
      let fail = false;
      const sink = sinkAs('a', {
        faultInjection: {
          beforeCommit: () => {
            if (fail) throw new Error('crash before commit');
          },
        },
      });
      await sink.open(stocksAveragesTable);
      await sink.commit(trigger(0, [stockRow('AAPL', W0, 1)], new Map([[0, 5]])));
      fail = true;
      const dead: DeadLetter = {
        reason: 'invalid',
        detail: 'price is negative',
        raw: 'IBM,BUY,-1,1,1',
        partition: 0,
        position: 6,
      };
      const error = await failure(
        sink.commit(trigger(1, [stockRow('AAPL', W0, 9), stockRow('IBM', W0, 4)], new Map([[0, 9]]), [dead])),
      );
      expect(error).toBeInstanceOf(HexstreamError);
      expect((error as HexstreamError).message).toMatch(/aborted, nothing of it is visible/);
      await sink.close();
      // The aborted records are in the log…
      // (A read_uncommitted fetch right after the abort has been seen to stop at the committed
      // part; a few tries let the broker's view settle.)
      let physical: string[] = [];
      for (let attempt = 0; attempt < 10 && physical.length < 3; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, 500));
        physical = (await readTopic(n.outputTopic, { readUncommitted: true }))
          .map((m) => m.headers['row-key'] ?? '')
          .sort();
      }
      expect(physical).toEqual([`AAPL|${W0}|${W0 + 3_000}`, `AAPL|${W0}|${W0 + 3_000}`, `IBM|${W0}|${W0 + 3_000}`]);
      expect(await readTopic(n.deadLetterTopic, { readUncommitted: true })).toHaveLength(1);
      // …and invisible to read_committed: rows, dead letters, checkpoint and group offsets.
      expect([...(await tableOf(n.outputTopic)).values()].map((r) => r.trade_count)).toEqual([1]);
      expect(await readTopic(n.deadLetterTopic)).toEqual([]);
      expect((await sinkAs('a').open(stocksAveragesTable))?.positions).toEqual(new Map([[0, 5]]));
      const admin = kafkaClient().admin();
      await admin.connect();
      const [offsets] = await admin
        .fetchOffsets({ groupId: n.consumerGroup, topics: [n.sourceTopic] })
        .finally(() => admin.disconnect());
      expect(offsets?.partitions.find((p) => p.partition === 0)?.offset).toBe('5');
    });
  });

  it('fences the first of two producers with one transactional id: its commit fails with SINK_FENCED and stays refused', async () => {
    await withTopics(async (sinkAs, n) => {
      const first = sinkAs('same');
      const second = sinkAs('same');
      await first.open(stocksAveragesTable);
      await first.commit(trigger(0, [stockRow('AAPL', W0, 1)], new Map([[0, 1]])));
      expect(await second.open(stocksAveragesTable)).toMatchObject({ positions: new Map([[0, 1]]) });
      const error = await failure(first.commit(trigger(1, [stockRow('ZOMBIE', W0, 1)], new Map([[0, 2]]))));
      expect(error).toBeInstanceOf(HexstreamError);
      expect(error).toMatchObject({ code: 'SINK_FENCED' });
      expect((error as HexstreamError).message).toContain(
        `transactional id hexstream.stock-averages.${n.consumerGroup}.same`,
      );
      await expect(first.commit(trigger(2, [], new Map([[0, 3]])))).rejects.toMatchObject({ code: 'SINK_FENCED' });
      await expect(first.checkpoint()).rejects.toMatchObject({ code: 'SINK_FENCED' });
      await second.commit(trigger(1, [stockRow('MSFT', W0, 2)], new Map([[0, 2]])));
      expect([...(await tableOf(n.outputTopic)).keys()].sort()).toEqual([
        `AAPL|${W0}|${W0 + 3_000}`,
        `MSFT|${W0}|${W0 + 3_000}`,
      ]);
      // A different instance id is another producer: both commit.
      const other = sinkAs('other');
      await other.open(stocksAveragesTable);
      await other.commit(trigger(0, [stockRow('IBM', W0, 1)], new Map([[1, 4]])));
      await second.commit(trigger(2, [], new Map([[0, 3]])));
      expect((await sinkAs('third').open(stocksAveragesTable))?.positions).toEqual(
        new Map([
          [0, 3],
          [1, 4],
        ]),
      );
    });
  });

  it("checkpoint() of a joining instance sees the owner's commits made after it opened, also one whose transaction was open when the read began", async () => {
    await withTopics(async (sinkAs) => {
      let releaseCommit: () => void = () => undefined;
      let commitWaiting: () => void = () => undefined;
      const waiting = new Promise<void>((resolve) => {
        commitWaiting = resolve;
      });
      let hold = false;
      const owner = sinkAs('owner', {
        faultInjection: {
          // Holds the owner's transaction open (its messages sent, not committed) when asked to.
          beforeCommit: () => {
            if (!hold) return undefined;
            commitWaiting();
            return new Promise<void>((resolve) => {
              releaseCommit = resolve;
            });
          },
        },
      });
      const joining = sinkAs('joining');
      await owner.open(stocksAveragesTable);
      await owner.commit(
        trigger(
          0,
          [],
          new Map([
            [0, 10],
            [1, 10],
            [2, 10],
          ]),
        ),
      );
      expect((await joining.open(stocksAveragesTable))?.positions).toEqual(
        new Map([
          [0, 10],
          [1, 10],
          [2, 10],
        ]),
      );
      // While the joining instance waits for its partitions, the owner commits on, then hands over.
      await owner.commit(
        trigger(
          1,
          [],
          new Map([
            [0, 20],
            [1, 20],
            [2, 20],
          ]),
        ),
      );
      hold = true;
      const handOver = owner.commit(
        trigger(
          2,
          [],
          new Map([
            [0, 25],
            [1, 25],
            [2, 25],
          ]),
        ),
      );
      await waiting;
      const read = joining.checkpoint();
      await new Promise((resolve) => setTimeout(resolve, 500));
      releaseCommit();
      await handOver;
      expect((await read)?.positions).toEqual(
        new Map([
          [0, 25],
          [1, 25],
          [2, 25],
        ]),
      );
    });
  });

  it('reopens at exactly the last committed checkpoint after a crash with a transaction open, whose rows never become visible', async () => {
    await withTopics(async (sinkAs, n) => {
      let crash = false;
      let reached: (() => void) | undefined;
      const inFlight = new Promise<void>((resolve) => {
        reached = resolve;
      });
      const crashed = sinkAs('a', {
        faultInjection: {
          // The process "dies" here: its rows are sent and acknowledged, its transaction open, never ended.
          beforeCommit: () => {
            if (!crash) return undefined;
            reached?.();
            return new Promise<void>(() => undefined);
          },
        },
      });
      await crashed.open(stocksAveragesTable);
      await crashed.commit(
        trigger(
          0,
          [stockRow('AAPL', W0, 1)],
          new Map([
            [0, 10],
            [1, 20],
          ]),
        ),
      );
      await crashed.commit(trigger(1, [stockRow('AAPL', W0 + 1_000, 2)], new Map([[0, 15]])));
      crash = true;
      void crashed.commit(
        trigger(
          2,
          [stockRow('LOST', W0, 1)],
          new Map([
            [0, 99],
            [1, 99],
          ]),
        ),
      );
      await inFlight;
      const restarted = sinkAs('a');
      const positions = new Map([
        [0, 15],
        [1, 20],
      ]);
      const watermarks = new Map([
        [0, W0 + 1],
        [1, W0],
      ]);
      expect(await restarted.open(stocksAveragesTable)).toEqual({
        positions,
        watermarks,
        engine: {
          partitions: new Map([
            ...engineCheckpoint(new Map([[1, 20]]), new Map([[1, W0]]), -Infinity).partitions,
            ...engineCheckpoint(new Map([[0, 15]]), new Map([[0, W0 + 1]]), -Infinity).partitions,
          ]),
        },
      });
      expect([...(await tableOf(n.outputTopic)).keys()].sort()).toEqual([
        `AAPL|${W0}|${W0 + 3_000}`,
        `AAPL|${W0 + 1_000}|${W0 + 4_000}`,
      ]);
      // The restart aborted the open transaction: its row is in the log, and only there.
      expect((await readTopic(n.outputTopic, { readUncommitted: true })).filter((m) => m.key === 'LOST')).toHaveLength(
        1,
      );
    });
  });

  it('stores a snapshot larger than a request in chunks and returns it byte for byte; a later one of the same partitions replaces it', async () => {
    await withTopics(async (sinkAs) => {
      const sink = sinkAs('a', { maxRequestBytes: 4_096 });
      await sink.open(stocksAveragesTable);
      // Multi-byte characters straddle chunk boundaries: chunks are cut and joined in bytes.
      const data = Array.from({ length: 3_000 }, (_, i) => `${i}:東京😀`).join('|');
      await sink.commit({
        ...trigger(
          0,
          [],
          new Map([
            [0, 5],
            [1, 6],
          ]),
        ),
        snapshot: { partitions: [1, 0], data },
      });
      await sink.close();
      expect((await sinkAs('a').open(stocksAveragesTable))?.snapshots).toEqual([{ partitions: [0, 1], data }]);
      const again = sinkAs('a', { maxRequestBytes: 4_096 });
      await again.open(stocksAveragesTable);
      await again.commit({
        ...trigger(
          1,
          [],
          new Map([
            [0, 7],
            [1, 8],
          ]),
        ),
        snapshot: { partitions: [0, 1], data: 'short' },
      });
      expect((await sinkAs('b').open(stocksAveragesTable))?.snapshots).toEqual([{ partitions: [0, 1], data: 'short' }]);
    });
  });

  it('refuses a message key column the table does not have', async () => {
    await withTopics(async (sinkAs) => {
      await expect(sinkAs('a', { keyColumn: 'symbol' }).open(aggOrderWindowTable)).rejects.toMatchObject({
        code: 'CONFIG_INVALID',
      });
    });
  });

  it('fails to open with SINK_UNAVAILABLE naming the brokers when none answers', async () => {
    const sink = new KafkaTransactionalSink({
      ...names(),
      brokers: ['127.0.0.1:1'],
      job: 'stock-averages',
      instanceId: 'a',
    });
    const error = await failure(sink.open(stocksAveragesTable));
    expect(error).toMatchObject({ code: 'SINK_UNAVAILABLE' });
    expect((error as Error).message).toContain('127.0.0.1:1');
  });
});
