import 'reflect-metadata';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonLinesFileSink } from '../../../src/adapters/file/jsonl-file-sink.adapter';
import { ManualClock } from '../../../src/adapters/memory/manual-clock.adapter';
import { HexstreamError } from '../../../src/domain/hexstream-error';
import { aggOrderWindowTable } from '../../../src/domain/jobs/orders.job';
import type { DeadLetter, ResultRow } from '../../../src/domain/records';
import type { TriggerCommit } from '../../../src/domain/pipeline/pipeline-output';
import {
  describeOutputContract,
  describeResultStoreContract,
  engineCheckpoint,
  parseJsonObject,
} from '../../contracts/output.contract';
import { triggerOutput, type TriggerStore } from '../../support/trigger-store';
import { renderedRowKey } from '../mysql/mysql-test-kit';

const T0 = Date.UTC(2026, 0, 2, 3, 10, 0, 0);

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    // Node's fs errors come from another realm than jest's globals: no instanceof Error.
    if ((e as { code?: unknown }).code === 'ENOENT') return '';
    throw e;
  }
}

async function readObjects(path: string): Promise<Array<Record<string, unknown>>> {
  const text = await readText(path);
  if (text !== '' && !text.endsWith('\n')) throw new Error(`${path} does not end with a newline`);
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map(parseJsonObject);
}

interface Paths {
  readonly dir: string;
  readonly tablePath: string;
  readonly deadLetterPath: string;
}

async function tempPaths(): Promise<Paths> {
  const dir = await mkdtemp(join(tmpdir(), 'hexstream-jsonl-sink-'));
  // A nested directory: the sink creates it.
  return {
    dir,
    tablePath: join(dir, 'out', 'agg_order_window.jsonl'),
    deadLetterPath: join(dir, 'out', 'agg_order_window.dead-letter.jsonl'),
  };
}

/** Test mode's files: the table and, through the store's own port, the dead letters. */
async function fileOutput(): Promise<{
  sink: JsonLinesFileSink;
  readTable: () => Promise<Map<string, Record<string, unknown>>>;
  readDeadLetters: () => Promise<Array<Record<string, unknown>>>;
  cleanup: () => Promise<void>;
}> {
  const paths = await tempPaths();
  const sink = new JsonLinesFileSink(
    { tablePath: paths.tablePath, deadLetterPath: paths.deadLetterPath },
    new ManualClock(T0),
  );
  return {
    sink,
    readTable: async () => {
      const rows = new Map<string, Record<string, unknown>>();
      for (const row of await readObjects(paths.tablePath)) {
        if (typeof row.rowkey !== 'string') throw new Error(`row without a rowkey: ${JSON.stringify(row)}`);
        const key = renderedRowKey(aggOrderWindowTable, row);
        if (rows.has(key)) throw new Error(`row ${key} written twice`);
        rows.set(key, row);
      }
      return rows;
    },
    readDeadLetters: () => readObjects(paths.deadLetterPath),
    cleanup: () => rm(paths.dir, { recursive: true, force: true }),
  };
}

describeResultStoreContract(
  'JsonLinesFileSink',
  async () => {
    const t = await fileOutput();
    return { ...t, store: t.sink };
  },
  { resumes: false, atomic: false },
);

// Test mode: file + file, the letters appended as published.
describeOutputContract(
  'JsonLinesFileSink with its dead-letter file',
  async () => {
    const t = await fileOutput();
    return { ...t, output: { store: t.sink, deadLetters: t.sink.deadLetterPort } };
  },
  { resumes: false, atomic: false, letters: 'at-least-once' },
);

const MINUTE = 60_000;
const W0 = Date.UTC(2026, 0, 2, 3, 4, 0, 0);

function row(key: string, windowStart: number, items: number): ResultRow {
  return {
    key,
    finalAtMs: windowStart + MINUTE,
    values: {
      rowkey: key,
      window_start: windowStart,
      window_end: windowStart + MINUTE,
      region: 'de',
      shop_id: 1,
      item_id: 2,
      total_expenditure: items * 100,
      total_items_sold: items,
      total_orders: 1,
      first_event_at: windowStart,
      last_event_at: windowStart,
    },
  };
}

function commit(
  sequence: number,
  rows: readonly ResultRow[],
  closedUpToMs: number,
  deadLetters: readonly DeadLetter[] = [],
): TriggerCommit {
  const positions = new Map([[0, sequence]]);
  const watermarks = new Map([[0, closedUpToMs]]);
  return {
    sequence,
    rows,
    deadLetters,
    positions,
    watermarks,
    closedUpToMs,
    checkpoint: engineCheckpoint(positions, watermarks, closedUpToMs),
  };
}

describe('JsonLinesFileSink', () => {
  let paths: Paths;
  let clock: ManualClock;
  let sink: TriggerStore<JsonLinesFileSink>;

  beforeEach(async () => {
    paths = await tempPaths();
    clock = new ManualClock(T0);
    sink = triggerOutput(
      new JsonLinesFileSink({ tablePath: paths.tablePath, deadLetterPath: paths.deadLetterPath }, clock),
    );
  });

  afterEach(async () => {
    await sink.close();
    await rm(paths.dir, { recursive: true, force: true });
  });

  async function tableColumn(column: string): Promise<unknown[]> {
    return (await readObjects(paths.tablePath)).map((r) => r[column]);
  }

  it('writes a row only once closedUpToMs reaches its finalAtMs, with its last value', async () => {
    await sink.open(aggOrderWindowTable);
    await sink.commit(commit(0, [row('a', W0, 1), row('b', W0 + MINUTE, 1)], W0 + MINUTE - 1));
    expect(sink.store.rowsWritten).toBe(0);
    await sink.commit(commit(1, [row('a', W0, 2)], W0 + MINUTE));
    expect(sink.store.rowsWritten).toBe(1);
    await sink.commit(commit(2, [row('b', W0 + MINUTE, 5)], W0 + MINUTE));
    expect(sink.store.rowsWritten).toBe(1);
    await sink.close();
    expect(sink.store.rowsWritten).toBe(2);
    expect(await tableColumn('rowkey')).toEqual(['a', 'b']);
    expect(await tableColumn('total_items_sold')).toEqual([2, 5]);
  });

  it('does not put a row still open in the file before close()', async () => {
    await sink.open(aggOrderWindowTable);
    await sink.commit(commit(0, [row('open', W0, 1)], W0));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(readFile(paths.tablePath)).rejects.toMatchObject({ code: 'ENOENT' });
    await sink.close();
    expect(await tableColumn('rowkey')).toEqual(['open']);
  });

  it('does not duplicate rows re-emitted after they were written (complete mode)', async () => {
    await sink.open(aggOrderWindowTable);
    const a = row('a', W0, 1);
    const b = row('b', W0 + MINUTE, 2);
    const c = row('c', W0 + 2 * MINUTE, 3);
    await sink.commit(commit(0, [a, b], W0 + MINUTE));
    await sink.commit(commit(1, [a, b], W0 + MINUTE));
    await sink.commit(commit(2, [a, b, c], W0 + 2 * MINUTE));
    await sink.commit(commit(3, [a, b, c], W0 + 2 * MINUTE + 1));
    await sink.commit(commit(4, [a, b, c], Infinity));
    await sink.close();
    expect(await tableColumn('rowkey')).toEqual(['a', 'b', 'c']);
    expect(sink.store.rowsWritten).toBe(3);
  });

  it('sets updated_at to the clock time of the commit that last upserted the row', async () => {
    await sink.open(aggOrderWindowTable);
    await sink.commit(commit(0, [row('a', W0, 1), row('b', W0 + MINUTE, 1)], W0 + MINUTE));
    clock.advance(1_234);
    await sink.commit(commit(1, [row('b', W0 + MINUTE, 2)], W0 + MINUTE));
    clock.advance(60_000);
    // b is written by this commit, but was last upserted by the previous one.
    await sink.commit(commit(2, [], Infinity));
    await sink.close();
    expect(await tableColumn('updated_at')).toEqual(['2026-01-02T03:10:00.000Z', '2026-01-02T03:10:01.234Z']);
  });

  it('truncates both output files at open()', async () => {
    await mkdir(join(paths.dir, 'out'), { recursive: true });
    await writeFile(paths.tablePath, '{"stale":"row"}\n');
    await writeFile(paths.deadLetterPath, '{"stale":"dead letter"}\n');
    await sink.open(aggOrderWindowTable);
    await sink.close();
    expect(await readText(paths.tablePath)).toBe('');
    expect(await readText(paths.deadLetterPath)).toBe('');
  });

  it('replaces the previous run output when a new run opens the same files', async () => {
    await sink.open(aggOrderWindowTable);
    await sink.commit(
      commit(0, [row('first', W0, 1)], Infinity, [
        { reason: 'late', detail: 'x', raw: 'r', partition: 0, position: 1 },
      ]),
    );
    await sink.close();
    const second = triggerOutput(
      new JsonLinesFileSink({ tablePath: paths.tablePath, deadLetterPath: paths.deadLetterPath }, clock),
    );
    await second.open(aggOrderWindowTable);
    await second.commit(commit(0, [row('second', W0, 1)], Infinity));
    await second.close();
    expect(await tableColumn('rowkey')).toEqual(['second']);
    expect(await readText(paths.deadLetterPath)).toBe('');
  });

  it('starts the files afresh when the same instance is opened for a new run', async () => {
    await sink.open(aggOrderWindowTable);
    await sink.commit(commit(0, [row('first', W0, 1)], Infinity));
    await sink.close();
    await sink.open(aggOrderWindowTable);
    await sink.commit(commit(0, [row('second', W0, 2)], W0 + MINUTE));
    await sink.commit(commit(1, [row('third', W0 + MINUTE, 3)], W0));
    await sink.close();
    expect(await tableColumn('rowkey')).toEqual(['second', 'third']);
  });

  it('writes dead letters as one line each with exactly reason, detail, raw, partition, position in that order', async () => {
    await sink.open(aggOrderWindowTable);
    // Keys deliberately out of order: the line order is the sink's.
    const first: DeadLetter = {
      position: 3,
      partition: 1,
      raw: '{"price":-1,"region":"東京 😀","q":"a \\"b\\""}',
      detail: 'price is negative: -1',
      reason: 'invalid',
    };
    const second: DeadLetter = {
      raw: 'line\twith\u0001control',
      reason: 'duplicate',
      position: 4,
      detail: 'orderid 7 seen before',
      partition: 0,
    };
    await sink.commit(commit(0, [], W0, [first]));
    await sink.commit(commit(1, [], W0, [second]));
    await sink.close();
    expect(await readFile(paths.deadLetterPath, 'utf8')).toBe(
      '{"reason":"invalid","detail":"price is negative: -1","raw":"{\\"price\\":-1,\\"region\\":\\"東京 😀\\",\\"q\\":\\"a \\\\\\"b\\\\\\"\\"}","partition":1,"position":3}\n' +
        '{"reason":"duplicate","detail":"orderid 7 seen before","raw":"line\\twith\\u0001control","partition":0,"position":4}\n',
    );
  });

  it('rejects a commit before open() with SINK_WRITE_FAILED', async () => {
    const error = await sink.commit(commit(0, [row('a', W0, 1)], Infinity)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(HexstreamError);
    expect(error).toMatchObject({ code: 'SINK_WRITE_FAILED' });
  });
});
