import 'reflect-metadata';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LineFileSource } from '../../../src/adapters/file/line-file-source.adapter';

describe('how far a file source has read', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hexstream-progress-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('counts the bytes read of the files’ total size, and the records handed out', async () => {
    // Two files of 10 lines of 10 bytes (9 characters and a newline): 100 bytes each.
    const lines = (c: string): string => Array.from({ length: 10 }, () => `${c.repeat(9)}\n`).join('');
    writeFileSync(join(dir, 'a.jsonl'), lines('a'));
    writeFileSync(join(dir, 'b.jsonl'), lines('b'));
    const source = new LineFileSource({ input: dir, maxRecordBytes: 100, chunkBytes: 40 });
    expect(source.inputProgress()).toEqual({ records: 0, bytesRead: 0, bytesTotal: undefined });
    await source.open(new Map());
    // Opening reads each file's first chunk of 40 bytes (to find where to start).
    expect(source.inputProgress()).toEqual({ records: 0, bytesRead: 80, bytesTotal: 200 });
    // The first file's first chunk: its 4 whole lines, read already.
    const first = await source.poll(100);
    expect(first.records).toHaveLength(4);
    expect(source.inputProgress()).toEqual({ records: 4, bytesRead: 80, bytesTotal: 200 });
    let polls = 0;
    while (!(await source.poll(100)).exhausted && polls++ < 100);
    expect(source.inputProgress()).toEqual({ records: 20, bytesRead: 200, bytesTotal: 200 });
    await source.close();
  });

  it('counts from the start of the files again when opened again (a rebuild)', async () => {
    writeFileSync(join(dir, 'a.jsonl'), 'x\ny\n');
    const source = new LineFileSource({ input: join(dir, 'a.jsonl'), maxRecordBytes: 100 });
    await source.open(new Map());
    await source.poll(10);
    await source.close();
    await source.open(new Map([[0, 1]]));
    // Resuming at line 1 reads the file from its start, skipping line 0.
    expect(source.inputProgress()).toEqual({ records: 2, bytesRead: 4, bytesTotal: 4 });
    await source.close();
  });
});
