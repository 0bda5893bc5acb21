import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { lstat, mkdtemp, readdir, readFile, readlink, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileDeadLetters } from '../../../src/adapters/file/file-dead-letters.adapter';
import { openFileOutput } from '../../../src/adapters/file/file-output';
import { JsonLinesFileSink } from '../../../src/adapters/file/jsonl-file-sink.adapter';
import { keepPrevious } from '../../../src/adapters/file/keep-previous';
import { ManualClock } from '../../../src/adapters/memory/manual-clock.adapter';
import { aggOrderWindowTable } from '../../../src/domain/jobs/orders.job';
import type { DeadLetter } from '../../../src/domain/records';
import {
  asPipelineOutput,
  closeOutput,
  commitOutput,
  openOutput,
  type PipelineOutput,
  type StoreWithDeadLetters,
  type TriggerCommit,
} from '../../../src/domain/pipeline/pipeline-output';
import type { TableSchema } from '../../../src/domain/table-schema';
import type { DeadLetterPort } from '../../../src/ports/dead-letter.port';
import type { ResultStorePort, StoreCommit, StoredCheckpoint } from '../../../src/ports/result-store.port';
import { engineCheckpoint } from '../../contracts/output.contract';
import { rejection } from '../../support/rejection';

const ENOSPC_LINE = 'cannot write /dev/full: ENOSPC: no space left on device, write';

const dead: DeadLetter = {
  reason: 'invalid',
  detail: 'not JSON',
  raw: '{',
  source: 'in/a.jsonl',
  partition: 7,
  position: 3,
};
const DEAD_LINE =
  '{"reason":"invalid","detail":"not JSON","raw":"{","source":"in/a.jsonl","partition":7,"position":3}\n';

function trigger(deadLetters: readonly DeadLetter[], closedUpToMs = Infinity): TriggerCommit {
  const positions = new Map([[7, 4]]);
  const watermarks = new Map([[7, 0]]);
  return {
    sequence: 0,
    rows: [],
    deadLetters,
    positions,
    watermarks,
    closedUpToMs,
    checkpoint: engineCheckpoint(positions, watermarks, closedUpToMs),
  };
}

/** The calls the use case makes on an output (its commit step), for tests that speak in triggers. */
function stepOf(
  stores: PipelineOutput | StoreWithDeadLetters | ResultStorePort,
  deadLetters?: DeadLetterPort,
): {
  open(table: TableSchema): Promise<StoredCheckpoint | undefined>;
  commit(trigger: TriggerCommit): Promise<void>;
  close(): Promise<void>;
  abort(): Promise<void>;
} {
  const output =
    deadLetters === undefined
      ? asPipelineOutput(stores as PipelineOutput | StoreWithDeadLetters)
      : { store: stores as ResultStorePort, deadLetters };
  return {
    open: (table) => openOutput(output, table),
    commit: (trigger) => commitOutput(output, trigger),
    close: () => closeOutput(output, 'close'),
    abort: () => closeOutput(output, 'abort'),
  };
}

/** A result store that records what reached it. */
class RecordingSink implements ResultStorePort {
  readonly calls: string[] = [];
  async open(): Promise<StoredCheckpoint | undefined> {
    this.calls.push('open');
    return undefined;
  }
  async checkpoint(): Promise<StoredCheckpoint | undefined> {
    return undefined;
  }
  async commit(t: StoreCommit): Promise<void> {
    this.calls.push(`commit ${t.sequence}`);
  }
  async close(): Promise<void> {
    this.calls.push('close');
  }
}

describe('openFileOutput', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hexstream-file-output-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('replace: the target keeps its previous content until complete(), then holds all of the new one', async () => {
    const target = join(dir, 'sub', 'table.jsonl');
    const output = await openFileOutput(target, { mode: 'replace' });
    await output.write('a\n');
    await output.write(Buffer.from('b\n'));
    expect(await readdir(join(dir, 'sub'))).toEqual([expect.stringMatching(/^\.table\.jsonl\.[0-9a-f]{8}\.tmp$/)]);
    await output.complete();
    expect(await readdir(join(dir, 'sub'))).toEqual(['table.jsonl']);
    expect(await readFile(target, 'utf8')).toBe('a\nb\n');
  });

  it('replace: discard() removes the temporary file and leaves the previous file as it was', async () => {
    const target = join(dir, 'table.jsonl');
    await writeFile(target, 'previous\n');
    const output = await openFileOutput(target, { mode: 'replace' });
    await output.write('half of a new ');
    await output.discard();
    await output.discard();
    expect(await readdir(dir)).toEqual(['table.jsonl']);
    expect(await readFile(target, 'utf8')).toBe('previous\n');
  });

  it('replace through a symbolic link: writes beside the file it points to and keeps the link', async () => {
    const real = join(dir, 'real.jsonl');
    const link = join(dir, 'link.jsonl');
    await writeFile(real, 'old\n');
    await symlink('real.jsonl', link);
    const output = await openFileOutput(link, { mode: 'replace' });
    await output.write('new\n');
    await output.complete();
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readlink(link)).toBe('real.jsonl');
    expect(await readFile(real, 'utf8')).toBe('new\n');
  });

  it('writes /dev/full directly: the write fails with SINK_WRITE_FAILED naming the file and ENOSPC, nothing is created in /dev', async () => {
    const before = (await readdir('/dev')).filter((n) => n.includes('full'));
    const output = await openFileOutput('/dev/full', { mode: 'replace' });
    const error = await rejection(output.write('x'));
    expect([error.code, error.message]).toEqual(['SINK_WRITE_FAILED', ENOSPC_LINE]);
    expect(error.cause).toMatchObject({ code: 'ENOSPC' });
    await output.discard();
    expect((await readdir('/dev')).filter((n) => n.includes('full'))).toEqual(before);
    expect((await lstat('/dev/full')).isCharacterDevice()).toBe(true);
  });

  it('writes a FIFO directly and leaves it a FIFO', async () => {
    const fifo = join(dir, 'pipe');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const chunks: Buffer[] = [];
    const reader = createReadStream(fifo);
    reader.on('data', (c) => chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c)));
    const ended = new Promise<void>((resolve) => reader.on('end', () => resolve()));
    const output = await openFileOutput(fifo, { mode: 'replace' });
    await output.write('through the pipe\n');
    await output.complete();
    await ended;
    expect(Buffer.concat(chunks).toString('utf8')).toBe('through the pipe\n');
    expect((await lstat(fifo)).isFIFO()).toBe(true);
    expect(await readdir(dir)).toEqual(['pipe']);
  });

  it('fresh: each write is in the file when it resolves', async () => {
    const target = join(dir, 'dead.jsonl');
    const output = await openFileOutput(target, { mode: 'fresh' });
    await output.write('one\n', true);
    expect(await readFile(target, 'utf8')).toBe('one\n');
    await output.complete();
  });
});

describe('keepPrevious', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hexstream-keep-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('renames a non-empty file to its last-written time, with a suffix when that name is taken', async () => {
    const path = join(dir, 'orders.dead-letter.jsonl');
    const when = new Date(Date.UTC(2026, 11, 3, 12, 22, 26, 705));
    await writeFile(join(dir, 'orders.dead-letter.20261203T122226705Z.jsonl'), 'taken\n');
    await writeFile(path, 'mine\n');
    await utimes(path, when, when);
    expect(await keepPrevious(path)).toBe(join(dir, 'orders.dead-letter.20261203T122226705Z-2.jsonl'));
    expect((await readdir(dir)).sort()).toEqual([
      'orders.dead-letter.20261203T122226705Z-2.jsonl',
      'orders.dead-letter.20261203T122226705Z.jsonl',
    ]);
    expect(await readFile(join(dir, 'orders.dead-letter.20261203T122226705Z.jsonl'), 'utf8')).toBe('taken\n');
    expect(await readFile(join(dir, 'orders.dead-letter.20261203T122226705Z-2.jsonl'), 'utf8')).toBe('mine\n');
  });

  it('keeps nothing for a missing or an empty file', async () => {
    expect(await keepPrevious(join(dir, 'none.jsonl'))).toBeUndefined();
    await writeFile(join(dir, 'empty.jsonl'), '');
    expect(await keepPrevious(join(dir, 'empty.jsonl'))).toBeUndefined();
    expect(await readdir(dir)).toEqual(['empty.jsonl']);
  });
});

describe('JsonLinesFileSink on a failing disk', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hexstream-jsonl-fail-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('fails the commit whose dead letters cannot be written, and leaves no file after abort()', async () => {
    const sink = stepOf(
      new JsonLinesFileSink({ tablePath: join(dir, 'table.jsonl'), deadLetterPath: '/dev/full' }, new ManualClock(0)),
    );
    await sink.open(aggOrderWindowTable);
    const error = await rejection(sink.commit(trigger([dead], 0)));
    expect([error.code, error.message]).toEqual(['SINK_WRITE_FAILED', ENOSPC_LINE]);
    await sink.abort();
    expect(await readdir(dir)).toEqual([]);
  });

  it('does not put a table in place after a failed write, even when closed', async () => {
    const table = join(dir, 'table.jsonl');
    await writeFile(table, 'previous\n');
    const sink = stepOf(new JsonLinesFileSink({ tablePath: table, deadLetterPath: '/dev/full' }, new ManualClock(0)));
    await sink.open(aggOrderWindowTable);
    await rejection(sink.commit(trigger([dead], 0)));
    await sink.close();
    expect(await readdir(dir)).toEqual(['table.jsonl']);
    expect(await readFile(table, 'utf8')).toBe('previous\n');
  });

  it('keeps a non-empty dead-letter file of an earlier run and writes its own beside it', async () => {
    const deadPath = join(dir, 'dead.jsonl');
    await writeFile(deadPath, 'earlier run\n');
    const when = new Date(Date.UTC(2026, 0, 1));
    await utimes(deadPath, when, when);
    const sink = stepOf(
      new JsonLinesFileSink({ tablePath: join(dir, 'table.jsonl'), deadLetterPath: deadPath }, new ManualClock(0)),
    );
    await sink.open(aggOrderWindowTable);
    await sink.commit(trigger([dead]));
    // Until the run completes, the earlier file is where it was.
    expect(await readFile(deadPath, 'utf8')).toBe('earlier run\n');
    await sink.close();
    expect(await readFile(join(dir, 'dead.20260101T000000000Z.jsonl'), 'utf8')).toBe('earlier run\n');
    expect(await readFile(deadPath, 'utf8')).toBe(DEAD_LINE);
  });
});

describe('FileDeadLetters through the commit step', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hexstream-file-dead-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('fails a trigger whose dead letters cannot be written before the rows reach the result store', async () => {
    const inner = new RecordingSink();
    const sink = stepOf(inner, new FileDeadLetters('/dev/full'));
    await sink.open(aggOrderWindowTable);
    const error = await rejection(sink.commit(trigger([dead])));
    expect([error.code, error.message]).toEqual(['SINK_WRITE_FAILED', ENOSPC_LINE]);
    await sink.abort();
    expect(inner.calls).toEqual(['open', 'close']);
  });

  it('writes each dead letter with its source before the rows, and keeps the file of an earlier run once its own starts', async () => {
    const path = join(dir, 'dead.jsonl');
    await writeFile(path, 'earlier run\n');
    const when = new Date(Date.UTC(2026, 0, 1));
    await utimes(path, when, when);
    const inner = new RecordingSink();
    const sink = stepOf(inner, new FileDeadLetters(path));
    await sink.open(aggOrderWindowTable);
    await sink.commit(trigger([dead]));
    expect(await readFile(join(dir, 'dead.20260101T000000000Z.jsonl'), 'utf8')).toBe('earlier run\n');
    expect(await readFile(path, 'utf8')).toBe(DEAD_LINE);
    // Opened again (after an outage of the result store) within the run: the same file goes on.
    await sink.open(aggOrderWindowTable);
    await sink.commit(trigger([dead]));
    await sink.close();
    expect(await readFile(path, 'utf8')).toBe(DEAD_LINE + DEAD_LINE);
    expect(inner.calls).toEqual(['open', 'commit 0', 'open', 'commit 0', 'close']);
  });
});
