import 'reflect-metadata';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonLinesFileSink } from '../../../src/adapters/file/jsonl-file-sink.adapter';
import { ManualClock } from '../../../src/adapters/memory/manual-clock.adapter';
import { MemoryLogger } from '../../../src/adapters/memory/memory-logger.adapter';
import { MemorySource } from '../../../src/adapters/memory/memory-source.adapter';
import { HexstreamError } from '../../../src/domain/hexstream-error';
import { StreamPipeline } from '../../../src/domain/pipeline/stream-pipeline';
import type { SourcePort } from '../../../src/ports/source.port';
import { ordersSettings } from '../../support/orders-pipeline';
import { rejection } from '../../support/rejection';

function order(orderid: number, seconds: number): string {
  return JSON.stringify({
    orderid,
    itemid: 1,
    shopid: 1,
    region: 'TW',
    count: 1,
    price: 1,
    timestamp: Date.UTC(2025, 0, 1) / 1000 + seconds,
  });
}

/** Reads its records in batches of two, then fails on the third poll (a file that cannot be read on). */
function failingOnThirdPoll(): SourcePort {
  const memory = new MemorySource({
    partitions: new Map([[0, [order(1, 0), order(2, 70), order(3, 140), order(4, 210), order(5, 280)]]]),
    batchSizes: [2],
  });
  let polls = 0;
  return {
    open: (from) => memory.open(from),
    poll: async (n) => {
      if (++polls === 3) throw new HexstreamError('SOURCE_READ_FAILED', 'cannot read in.jsonl: EIO: i/o error, read');
      return memory.poll(n);
    },
    acknowledge: (at) => memory.acknowledge(at),
    close: () => memory.close(),
  };
}

describe('a test-mode run that fails midway', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hexstream-failed-run-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('leaves the previous result and dead-letter files as they were, and no temporary file', async () => {
    const table = join(dir, 'table.jsonl');
    const dead = join(dir, 'dead.jsonl');
    await writeFile(table, 'previous table\n');
    await writeFile(dead, 'previous dead letters\n');
    const sink = new JsonLinesFileSink({ tablePath: table, deadLetterPath: dead }, new ManualClock(0));
    // A trigger every two records: the first windows close and are written before the failure.
    const pipeline = new StreamPipeline(
      failingOnThirdPoll(),
      sink,
      new ManualClock(0, 0),
      new MemoryLogger(),
      ordersSettings({ triggerRecords: 2 }),
    );
    const error = await rejection(pipeline.run());
    expect([error.code, error.message]).toEqual(['SOURCE_READ_FAILED', 'cannot read in.jsonl: EIO: i/o error, read']);
    expect((await readdir(dir)).sort()).toEqual(['dead.jsonl', 'table.jsonl']);
    expect(await readFile(table, 'utf8')).toBe('previous table\n');
    expect(await readFile(dead, 'utf8')).toBe('previous dead letters\n');
  });
});
