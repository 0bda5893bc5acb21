import { spawn } from 'node:child_process';
import { KafkaJSNumberOfRetriesExceeded } from 'kafkajs';
import 'reflect-metadata';
import { KafkaSource, logRefusedOffsets } from '../../../src/adapters/kafka/kafka-source.adapter';
import { MemoryLogger } from '../../../src/adapters/memory/memory-logger.adapter';
import { HexstreamError } from '../../../src/domain/hexstream-error';
import type { SourceRecord } from '../../../src/domain/records';
import { describeSourceContract, type SourceFactory } from '../../contracts/source.contract';
import { BROKERS, topicWith, uniqueName } from '../../support/kafka-topics';

jest.setTimeout(120_000);

const kafkaSource: SourceFactory = async (partitions) => {
  const { topic, remove } = await topicWith(partitions);
  const source = new KafkaSource(
    { brokers: BROKERS, topic, groupId: uniqueName('hexstream-test-group'), bounded: true },
    new MemoryLogger(),
  );
  return {
    source,
    cleanup: async () => {
      await source.close();
      await remove();
    },
  };
};

describeSourceContract('KafkaSource (bounded)', kafkaSource, { bounded: true });

describe('KafkaSource', () => {
  it("delivers tombstones without a value, non-UTF-8 bytes with a decode error, and each record's timestamp as its arrival time", async () => {
    const arrivalMs = Date.UTC(2025, 0, 1, 12);
    const { topic, remove } = await topicWith(new Map([[0, ['{"a":1}', null, Buffer.from([0x7b, 0xff, 0x7d])]]]), {
      timestampMs: arrivalMs,
    });
    const source = new KafkaSource(
      { brokers: BROKERS, topic, groupId: uniqueName('g'), bounded: true },
      new MemoryLogger(),
    );
    try {
      await source.open(new Map());
      const records = [];
      for (let i = 0; i < 200; i++) {
        const b = await source.poll(100, 50);
        records.push(...b.records);
        if (b.exhausted) break;
      }
      expect(records).toEqual([
        { partition: 0, position: 0, value: '{"a":1}', arrivalMs },
        { partition: 0, position: 1, value: undefined, arrivalMs },
        {
          partition: 0,
          position: 2,
          value: '{\uFFFD}',
          decodeError: 'invalid UTF-8 at byte 1 of the record',
          byteLength: 3,
          arrivalMs,
        },
      ]);
    } finally {
      await source.close();
      await remove();
    }
  });

  it('starts a partition without a stored position at its beginning, whatever offsets the group committed to Kafka', async () => {
    const { topic, remove } = await topicWith(new Map([[0, ['a', 'b', 'c']]]));
    const groupId = uniqueName('g');
    const readAll = async (resumeFrom: Map<number, number>): Promise<string[]> => {
      const source = new KafkaSource({ brokers: BROKERS, topic, groupId, bounded: true }, new MemoryLogger());
      try {
        await source.open(resumeFrom);
        const values: string[] = [];
        for (let i = 0; i < 200; i++) {
          const b = await source.poll(100, 50);
          values.push(...b.records.map((r) => String(r.value)));
          if (b.exhausted) break;
        }
        // As after a commit: Kafka's offsets of the group move to the end.
        await source.acknowledge(new Map([[0, 3]]));
        return values;
      } finally {
        await source.close();
      }
    };
    try {
      expect(await readAll(new Map())).toEqual(['a', 'b', 'c']);
      // A fresh database (no stored positions) with the same group: from the beginning again.
      expect(await readAll(new Map())).toEqual(['a', 'b', 'c']);
      expect(await readAll(new Map([[0, 2]]))).toEqual(['c']);
    } finally {
      await remove();
    }
  });

  it('reports the lag behind the high watermark per partition', async () => {
    const { topic, remove } = await topicWith(new Map([[0, Array.from({ length: 10 }, (_v, i) => `r${i}`)]]));
    const source = new KafkaSource(
      { brokers: BROKERS, topic, groupId: uniqueName('g'), bounded: false },
      new MemoryLogger(),
    );
    try {
      await source.open(new Map());
      let polled = 0;
      let lag: ReadonlyMap<number, number> | undefined;
      for (let i = 0; i < 200 && polled < 3; i++) {
        const b = await source.poll(3 - polled, 50);
        polled += b.records.length;
        lag = b.lag;
      }
      expect(polled).toBe(3);
      expect(lag).toEqual(new Map([[0, 7]]));
    } finally {
      await source.close();
      await remove();
    }
  });

  it('on a rebalance, asks for a commit and holds its partitions until a commit of everything it delivered is acknowledged', async () => {
    const values = Array.from({ length: 5_000 }, (_v, i) => `r${i}`);
    const { topic, remove } = await topicWith(
      new Map([
        [0, values],
        [1, values],
      ]),
    );
    const groupId = uniqueName('g');
    const aLog = new MemoryLogger();
    const a = new KafkaSource({ brokers: BROKERS, topic, groupId, bounded: false, maxBufferedRecords: 100 }, aLog);
    const b = new KafkaSource({ brokers: BROKERS, topic, groupId, bounded: false }, new MemoryLogger());
    try {
      expect(await a.open(new Map())).toEqual([0, 1]);
      // Per partition, the position after the last record `a` delivered: what its hand-over commit holds.
      const delivered = new Map<number, number>([
        [0, 0],
        [1, 0],
      ]);
      const note = (records: readonly SourceRecord[]): number => {
        for (const r of records) delivered.set(r.partition, r.position + 1);
        return records.length;
      };
      let read = 0;
      while (read < 50) read += note((await a.poll(50 - read, 100)).records);
      const earlier = new Map(delivered);
      // A second member joins: the group rebalances, and cannot finish before `a` rejoins.
      let bJoinedAt: number | undefined;
      const bJoined = b.open(new Map()).then((partitions) => {
        bJoinedAt = Date.now();
        return partitions;
      });
      let revoking = false;
      // Read slowly, so that `a` is still busy with a batch (holding fetched records) when the group rebalances.
      for (let i = 0; i < 1_500 && !revoking; i++) {
        const batch = await a.poll(10, 100);
        note(batch.records);
        expect(batch.assigned).toBeUndefined();
        revoking = batch.revoking === true;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(revoking).toBe(true);
      // While `a` "commits", the partitions stay with it: `b` is not in the group yet.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(bJoinedAt).toBeUndefined();
      expect((await a.poll(10, 100)).records).toEqual([]);
      // An earlier trigger's commit, still in flight when the rebalance began, lands now: not enough.
      expect([...delivered].some(([p, n]) => (earlier.get(p) ?? 0) < n)).toBe(true);
      await a.acknowledge(earlier);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(bJoinedAt).toBeUndefined();
      const acknowledgedAt = Date.now();
      await a.acknowledge(delivered);
      const bPartitions = await bJoined;
      expect(bJoinedAt).toBeGreaterThanOrEqual(acknowledgedAt);
      // Handed over: nothing more is delivered until the new assignment (records still queued may
      // be of partitions the other member now reads from the checkpoint).
      let assigned: readonly number[] | undefined;
      const afterHandOver: SourceRecord[] = [];
      for (let i = 0; i < 300 && assigned === undefined; i++) {
        const batch = await a.poll(10, 100);
        afterHandOver.push(...batch.records);
        assigned = batch.assigned;
      }
      expect(afterHandOver).toEqual([]);
      expect(assigned?.length).toBe(1);
      // `a` rejoined in time for the generation `b` joined with (had it been dropped, `b` would have
      // started with both partitions): each member got one.
      expect([...(assigned ?? []), ...bPartitions].sort()).toEqual([0, 1]);
      // Offsets acknowledged mid-rebalance that the group refused are no warning (see below).
      expect(aLog.entries.filter((e) => e.level === 'warn')).toEqual([]);
    } finally {
      await Promise.all([a.close(), b.close()]);
      await remove();
    }
  });

  it('bounded: does not stop after its share while a crashed member still holds the other partitions', async () => {
    const values = Array.from({ length: 50 }, (_v, i) => `r${i}`);
    const { topic, remove } = await topicWith(
      new Map([
        [0, values],
        [1, values],
        [2, values],
        [3, values],
      ]),
    );
    const groupId = uniqueName('g');
    // A member that joins the group and is killed (-9) once both share it: it holds its partitions until its session times out.
    const script = `const { Kafka, logLevel } = require('kafkajs');
      const c = new Kafka({ brokers: ${JSON.stringify(BROKERS)}, logLevel: logLevel.NOTHING }).consumer({ groupId: ${JSON.stringify(groupId)}, sessionTimeout: 10000, heartbeatInterval: 1000 });
      c.on(c.events.GROUP_JOIN, () => console.log('joined'));
      c.connect().then(() => c.subscribe({ topics: [${JSON.stringify(topic)}] })).then(() => c.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: async () => undefined }));`;
    const zombie = spawn(process.execPath, ['-e', script], {
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve) => zombie.stdout.on('data', () => resolve()));
    const source = new KafkaSource({ brokers: BROKERS, topic, groupId, bounded: true }, new MemoryLogger());
    try {
      // Both members share the partitions; then the other one dies, still holding its share.
      expect((await source.open(new Map())).length).toBeLessThan(4);
      zombie.kill('SIGKILL');
      const read = new Set<string>();
      let exhausted = false;
      for (let i = 0; i < 1_000 && !exhausted; i++) {
        const b = await source.poll(100, 100);
        for (const r of b.records) read.add(`${r.partition}:${r.position}`);
        if (b.assigned !== undefined) await source.seek(new Map(b.assigned.map((p) => [p, 0])));
        // Positions are acknowledged as a pipeline would after committing them.
        await source.acknowledge(
          new Map([...read].map((k) => k.split(':').map(Number) as [number, number]).map(([p, n]) => [p, n + 1])),
        );
        exhausted = b.exhausted;
      }
      expect(exhausted).toBe(true);
      expect(read.size).toBe(200);
    } finally {
      await source.close();
      await remove();
    }
  });

  it('stops fetching a held-back partition, delivering only what it had buffered, and reads it on once released', async () => {
    // 200-byte records: one fetch of a partition (256 KiB) holds about 1,200 of them.
    const values = (p: number): string[] => Array.from({ length: 20_000 }, (_v, i) => `${p}:${i}:`.padEnd(200, 'x'));
    const { topic, remove } = await topicWith(
      new Map([
        [0, values(0)],
        [1, values(1)],
      ]),
    );
    const source = new KafkaSource(
      { brokers: BROKERS, topic, groupId: uniqueName('g'), bounded: true, maxBufferedRecords: 100 },
      new MemoryLogger(),
    );
    const read = new Map<number, string[]>([
      [0, []],
      [1, []],
    ]);
    const pollOnce = async (): Promise<boolean> => {
      const b = await source.poll(100, 100);
      for (const r of b.records) read.get(r.partition)?.push(String(r.value));
      return b.exhausted;
    };
    try {
      await source.open(new Map());
      for (let i = 0; i < 1_000 && (read.get(1)?.length ?? 0) === 0; i++) await pollOnce();
      source.holdBack(new Set([1]));
      const atHold = read.get(1)?.length ?? 0;
      for (let i = 0; i < 3_000 && (read.get(0)?.length ?? 0) < 20_000; i++) await pollOnce();
      expect(read.get(0)).toEqual(values(0));
      // Partition 0 is done and partition 1 still held: nothing more of it comes.
      const afterHold = read.get(1)?.length ?? 0;
      for (let i = 0; i < 10; i++) expect(await pollOnce()).toBe(false);
      expect(read.get(1)?.length).toBe(afterHold);
      expect(afterHold - atHold).toBeLessThanOrEqual(100 + 1_400);

      source.holdBack(new Set());
      let exhausted = false;
      for (let i = 0; i < 3_000 && !exhausted; i++) exhausted = await pollOnce();
      expect(exhausted).toBe(true);
      expect(read.get(1)).toEqual(values(1));
    } finally {
      await source.close();
      await remove();
    }
  });

  it('fails within a bounded time with SOURCE_UNAVAILABLE when no broker answers', async () => {
    const source = new KafkaSource(
      { brokers: ['127.0.0.1:9'], topic: 't', groupId: 'g', bounded: true, connectTimeoutMs: 5_000 },
      new MemoryLogger(),
    );
    const started = Date.now();
    const error = await source.open(new Map()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HexstreamError);
    expect((error as HexstreamError).code).toBe('SOURCE_UNAVAILABLE');
    expect((error as HexstreamError).message).toMatch(/127\.0\.0\.1:9/);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('logs offsets the group refused during a rebalance at info, saying only lag monitoring reads them; other failures stay warnings', () => {
    // The errors exactly as kafkajs raises them for these broker error codes.
    const { createErrorFromCode } = jest.requireActual<{ createErrorFromCode(code: number): Error }>(
      'kafkajs/src/protocol/error',
    );
    const logger = new MemoryLogger();
    for (const code of [22, 27, 25]) logRefusedOffsets(logger, 't', createErrorFromCode(code)); // ILLEGAL_GENERATION, REBALANCE_IN_PROGRESS, UNKNOWN_MEMBER_ID
    // A retriable one (the group's coordinator moved) after kafkajs gave up retrying it.
    logRefusedOffsets(
      logger,
      't',
      new KafkaJSNumberOfRetriesExceeded(createErrorFromCode(16), { retryCount: 5, retryTime: 1_000 }),
    );
    logRefusedOffsets(logger, 't', createErrorFromCode(7)); // REQUEST_TIMED_OUT
    expect(logger.entries.map((e) => [e.level, e.message, e.context?.['error']])).toEqual([
      [
        'info',
        'offsets for lag monitoring not committed to Kafka during a rebalance',
        'Specified group generation id is not valid',
      ],
      [
        'info',
        'offsets for lag monitoring not committed to Kafka during a rebalance',
        'The group is rebalancing, so a rejoin is needed',
      ],
      [
        'info',
        'offsets for lag monitoring not committed to Kafka during a rebalance',
        'The coordinator is not aware of this member',
      ],
      [
        'info',
        'offsets for lag monitoring not committed to Kafka during a rebalance',
        'This is not the correct coordinator for this group',
      ],
      ['warn', 'could not commit offsets for lag monitoring to Kafka', 'The request timed out'],
    ]);
    for (const e of logger.entries)
      expect(e.context?.['consequence']).toContain('only lag monitoring reads these offsets');
  });
});
