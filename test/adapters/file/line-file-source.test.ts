import 'reflect-metadata';
import { mkdir, mkdtemp, open as openFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { streamBytes } from '../../../src/adapters/file/byte-source';
import { LineFileSource, type LineFileSourceOptions } from '../../../src/adapters/file/line-file-source.adapter';
import { HexstreamError } from '../../../src/domain/hexstream-error';
import type { SourceRecord } from '../../../src/domain/records';
import type { SourcePort } from '../../../src/ports/source.port';
import { describeSourceContract, type SourceFactory } from '../../contracts/source.contract';

const MAX_RECORD_BYTES = 1 << 20;

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'hexstream-line-source-'));
}

function fileName(partition: number): string {
  return `p${String(partition).padStart(3, '0')}.jsonl`;
}

/** Writes each partition as one file (p000.jsonl, p001.jsonl, …), or a lone partition as a file path. */
function lineFiles(options: { chunkBytes?: number; singleFileWhenOnePartition?: boolean }): SourceFactory {
  return async (partitions) => {
    const dir = await tempDir();
    const ids = [...partitions.keys()].sort((a, b) => a - b);
    if (ids.some((p, i) => p !== i)) throw new Error(`file partitions are numbered 0..n-1, got ${ids.join(',')}`);
    for (const [p, values] of partitions) await writeFile(join(dir, fileName(p)), values.map((v) => `${v}\n`).join(''));
    const input = options.singleFileWhenOnePartition === true && ids.length === 1 ? join(dir, fileName(0)) : dir;
    const sourceOptions: LineFileSourceOptions = {
      input,
      maxRecordBytes: MAX_RECORD_BYTES,
      ...(options.chunkBytes === undefined ? {} : { chunkBytes: options.chunkBytes }),
    };
    return { source: new LineFileSource(sourceOptions), cleanup: () => rm(dir, { recursive: true, force: true }) };
  };
}

describeSourceContract('LineFileSource (directory, default chunks)', lineFiles({}), { bounded: true });
describeSourceContract('LineFileSource (directory, 5-byte chunks)', lineFiles({ chunkBytes: 5 }), { bounded: true });
describeSourceContract(
  'LineFileSource (a single file path)',
  lineFiles({ singleFileWhenOnePartition: true, chunkBytes: 16 }),
  { bounded: true },
);

/** Reads every record of `input` (a file or directory), polling 1000 at a time. */
async function readAll(
  options: LineFileSourceOptions,
  resumeFrom: ReadonlyMap<number, number> = new Map(),
): Promise<SourceRecord[]> {
  const source: SourcePort = new LineFileSource(options);
  try {
    await source.open(resumeFrom);
    const records: SourceRecord[] = [];
    for (let polls = 0; polls < 100_000; polls++) {
      const batch = await source.poll(1000, 0);
      records.push(...batch.records);
      if (batch.exhausted) return records;
    }
    throw new Error('source never exhausted');
  } finally {
    await source.close();
  }
}

/** Writes `content` as one file in a fresh directory and reads it back. */
async function readBytes(
  content: Buffer | string,
  options: Partial<LineFileSourceOptions> = {},
  resumeFrom?: ReadonlyMap<number, number>,
): Promise<SourceRecord[]> {
  const dir = await tempDir();
  try {
    const file = join(dir, 'input.jsonl');
    await writeFile(file, content);
    const records = await readAll({ input: file, maxRecordBytes: MAX_RECORD_BYTES, ...options }, resumeFrom);
    // Every record names its file as given; the tests below compare the rest.
    expect(records.filter((r) => r.source !== file)).toEqual([]);
    return records.map(({ source: _source, ...rest }) => rest);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function valid(values: readonly string[], from = 0): SourceRecord[] {
  return values.map((value, i) => ({ partition: 0, position: from + i, value }));
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

const CHUNK_SIZES = [1, 2, 3, 7, 16, 1 << 20];

describe('LineFileSource', () => {
  describe.each(CHUNK_SIZES)('with %i-byte chunks', (chunkBytes) => {
    it('splits mixed CRLF and LF lines and strips only the CR before a LF', async () => {
      const records = await readBytes('a\r\nb\nc\r\n\r\n\nx\ry\n', { chunkBytes });
      expect(records).toEqual(valid(['a', 'b', 'c', '', '', 'x\ry']));
    });

    it('delivers a last line that has no newline', async () => {
      expect(await readBytes('{"a":1}\n{"b":2}', { chunkBytes })).toEqual(valid(['{"a":1}', '{"b":2}']));
      expect(await readBytes('only', { chunkBytes })).toEqual(valid(['only']));
    });

    it('strips a UTF-8 BOM at the start of the file only', async () => {
      const records = await readBytes('\uFEFF{"a":1}\n\uFEFFkept\n', { chunkBytes });
      expect(records).toEqual(valid(['{"a":1}', '\uFEFFkept']));
    });

    it('decodes multi-byte characters split across chunk boundaries', async () => {
      const values = ['é', '中文', '😀', 'a😀b€c', '𝄞𝄞𝄞', 'Ünïcødé 東京 👩‍👩‍👧‍👦'];
      expect(await readBytes(`${values.join('\n')}\n`, { chunkBytes })).toEqual(valid(values));
    });

    it('turns each invalid UTF-8 line into a record naming the byte offset, neighbours intact', async () => {
      const badLines = [
        Buffer.from([0xff]),
        Buffer.from([0x61, 0xc0, 0xaf]), // overlong '/'
        Buffer.from([0x61, 0x62, 0xe2, 0x82]), // a 3-byte sequence cut short
        Buffer.from([0xed, 0xa0, 0x80]), // UTF-16 surrogate D800 encoded in UTF-8
        Buffer.concat([Buffer.from('é'), Buffer.from([0xf4, 0x90, 0x80, 0x80])]), // beyond U+10FFFF
      ];
      const content = Buffer.concat([
        Buffer.from('ok0\n'),
        ...badLines.flatMap((b) => [b, Buffer.from('\n')]),
        Buffer.from('ok6\r\n'),
        Buffer.from([0x7a, 0xff]),
      ]);
      const records = await readBytes(content, { chunkBytes });
      const offsets = [0, 1, 2, 0, 2];
      expect(records).toEqual([
        { partition: 0, position: 0, value: 'ok0' },
        ...badLines.map((bytes, i) => ({
          partition: 0,
          position: i + 1,
          value: bytes.toString('utf8'),
          decodeError: `invalid UTF-8 at byte ${offsets[i]} of the record`,
          byteLength: bytes.length,
        })),
        { partition: 0, position: 6, value: 'ok6' },
        {
          partition: 0,
          position: 7,
          value: 'z\uFFFD',
          decodeError: 'invalid UTF-8 at byte 1 of the record',
          byteLength: 2,
        },
      ]);
    });

    it('turns a line longer than maxRecordBytes into one invalid record, later positions intact', async () => {
      const long = 'x'.repeat(50);
      const emoji = '😀😀😀'; // 3 characters, 12 bytes in UTF-8
      const records = await readBytes(
        `short\n${long}\nnext\n${emoji}\n${'y'.repeat(10)}\n${'z'.repeat(11)}\nlast\n${long}`,
        { chunkBytes, maxRecordBytes: 10 },
      );
      expect(records.map((r) => [r.position, r.decodeError === undefined ? r.value : 'INVALID'])).toEqual([
        [0, 'short'],
        [1, 'INVALID'],
        [2, 'next'],
        [3, 'INVALID'],
        [4, 'y'.repeat(10)],
        [5, 'INVALID'],
        [6, 'last'],
        [7, 'INVALID'],
      ]);
      // Whatever the chunking, the record holds the line's size and its start (here all of it).
      const tooLong = (position: number, value: string): SourceRecord => {
        const byteLength = Buffer.byteLength(value);
        return {
          partition: 0,
          position,
          value,
          decodeError: `record is ${byteLength} bytes, more than the limit of 10`,
          byteLength,
        };
      };
      expect(records.filter((r) => r.decodeError !== undefined)).toEqual([
        tooLong(1, long),
        tooLong(3, emoji),
        tooLong(5, 'z'.repeat(11)),
        tooLong(7, long),
      ]);
    });

    it('keeps the first 4096 bytes of an over-long line, cut before a character, and counts all its bytes', async () => {
      const accents = 'é'.repeat(3000); // 6000 bytes: the preview ends after 2048 of them
      const emojiAtCut = `${'a'.repeat(4095)}😀tail`; // the emoji would straddle byte 4096
      const records = await readBytes(`${accents}\r\n${emojiAtCut}\nend\n`, { chunkBytes, maxRecordBytes: 10 });
      expect(records).toEqual([
        {
          partition: 0,
          position: 0,
          value: 'é'.repeat(2048),
          decodeError: 'record is 6000 bytes, more than the limit of 10',
          byteLength: 6000,
        },
        {
          partition: 0,
          position: 1,
          value: 'a'.repeat(4095),
          decodeError: 'record is 4103 bytes, more than the limit of 10',
          byteLength: 4103,
        },
        { partition: 0, position: 2, value: 'end' },
      ]);
    });

    it('does not count the CR of a CRLF toward maxRecordBytes', async () => {
      const atLimit = 'y'.repeat(10);
      expect(await readBytes(`${atLimit}\r\n${atLimit}\r\nend\r\n`, { chunkBytes, maxRecordBytes: 10 })).toEqual(
        valid([atLimit, atLimit, 'end']),
      );
    });

    it('resumes after an over-long line at the next line', async () => {
      const records = await readBytes(
        `short\n${'x'.repeat(50)}\nnext\nlast\n`,
        { chunkBytes, maxRecordBytes: 10 },
        new Map([[0, 2]]),
      );
      expect(records).toEqual(valid(['next', 'last'], 2));
    });
  });

  it('strips the BOM before checking the first line for invalid UTF-8', async () => {
    const records = await readBytes(Buffer.from([0xef, 0xbb, 0xbf, 0xff, 0x0a, 0x61, 0x0a]));
    expect(records).toEqual([
      {
        partition: 0,
        position: 0,
        value: '\uFFFD',
        decodeError: 'invalid UTF-8 at byte 0 of the record',
        byteLength: 1,
      },
      { partition: 0, position: 1, value: 'a' },
    ]);
  });

  it.each([4, 1 << 20])('does not count a leading BOM toward maxRecordBytes (%i-byte chunks)', async (chunkBytes) => {
    expect(await readBytes(`\uFEFF${'y'.repeat(10)}\nend\n`, { chunkBytes, maxRecordBytes: 10 })).toEqual(
      valid(['y'.repeat(10), 'end']),
    );
  });

  it('reads a 5 MB file in 64-byte chunks with heap growth far below the file size', async () => {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    if (typeof gc !== 'function') throw new Error('cannot obtain gc()');
    const runGc = gc as () => void;
    const collect = (): number => {
      runGc();
      const m = process.memoryUsage();
      return m.heapUsed + m.arrayBuffers;
    };
    const dir = await tempDir();
    try {
      const file = join(dir, 'big.jsonl');
      const line = (i: number): string => `{"orderid":${i},"region":"東京","pad":"${'p'.repeat(60)}"}\n`;
      const handle = await openFile(file, 'w');
      let size = 0;
      let lines = 0;
      for (; size < 5 * 1024 * 1024; lines++) {
        const text = Array.from({ length: 1000 }, (_, k) => line(lines * 1000 + k)).join('');
        await handle.write(text);
        size += Buffer.byteLength(text);
      }
      await handle.close();
      const total = lines * 1000;

      const source: SourcePort = new LineFileSource({ input: file, maxRecordBytes: 4096, chunkBytes: 64 });
      const baseline = collect();
      let peak = 0;
      let count = 0;
      let lastPosition = -1;
      let invalid = 0;
      await source.open(new Map());
      for (;;) {
        const batch = await source.poll(500, 0);
        for (const r of batch.records) {
          if (r.position !== lastPosition + 1 || r.decodeError !== undefined) invalid++;
          lastPosition = r.position;
        }
        count += batch.records.length;
        if (count % 10_000 < batch.records.length) peak = Math.max(peak, collect() - baseline);
        if (batch.exhausted) break;
      }
      await source.close();
      expect({ count, lastPosition, invalid }).toEqual({ count: total, lastPosition: total - 1, invalid: 0 });
      // Holding the file's records would cost more than its size (strings with CJK are UTF-16).
      expect(peak).toBeLessThan(size / 4);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects a missing input path with SOURCE_UNAVAILABLE', async () => {
    const dir = await tempDir();
    try {
      const error = await rejection(
        new LineFileSource({ input: join(dir, 'missing.jsonl'), maxRecordBytes: 100 }).open(new Map()),
      );
      expect(error).toBeInstanceOf(HexstreamError);
      expect(error).toMatchObject({ code: 'SOURCE_UNAVAILABLE' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects a directory without readable files (empty, or only hidden files and subdirectories) with SOURCE_UNAVAILABLE', async () => {
    const dir = await tempDir();
    try {
      const empty = await rejection(new LineFileSource({ input: dir, maxRecordBytes: 100 }).open(new Map()));
      expect(empty).toBeInstanceOf(HexstreamError);
      expect(empty).toMatchObject({ code: 'SOURCE_UNAVAILABLE' });
      await writeFile(join(dir, '.hidden.jsonl'), 'h\n');
      await mkdir(join(dir, 'sub'));
      const onlyHidden = await rejection(new LineFileSource({ input: dir, maxRecordBytes: 100 }).open(new Map()));
      expect(onlyHidden).toBeInstanceOf(HexstreamError);
      expect(onlyHidden).toMatchObject({ code: 'SOURCE_UNAVAILABLE' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('skips hidden files and subdirectories and numbers partitions by file name order', async () => {
    const dir = await tempDir();
    try {
      await writeFile(join(dir, 'b.jsonl'), 'b0\nb1\n');
      await writeFile(join(dir, '.hidden.jsonl'), 'hidden\n');
      await writeFile(join(dir, 'a.jsonl'), 'a0\n');
      await writeFile(join(dir, '10.jsonl'), 'ten\n');
      await writeFile(join(dir, '9.jsonl'), 'nine\n');
      await mkdir(join(dir, 'c-dir'));
      await writeFile(join(dir, 'c-dir', 'inner.jsonl'), 'inner\n');
      const source = new LineFileSource({ input: dir, maxRecordBytes: 100 });
      expect(await source.open(new Map())).toEqual([0, 1, 2, 3]);
      await source.close();
      const records = await readAll({ input: dir, maxRecordBytes: 100 });
      // Plain string order: "10.jsonl" < "9.jsonl" < "a.jsonl" < "b.jsonl".
      const byPartition = [0, 1, 2, 3].map((p) => records.filter((r) => r.partition === p).map((r) => r.value));
      expect(byPartition).toEqual([['ten'], ['nine'], ['a0'], ['b0', 'b1']]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.each<['index' | 'name']>([['index'], ['name']])(
    'names the file of each record relative to the input directory (partition ids by %s)',
    async (partitionIds) => {
      const dir = await tempDir();
      try {
        await writeFile(join(dir, 'b.jsonl'), 'b0\nb1\n');
        await writeFile(join(dir, 'a.jsonl'), 'a0\n');
        const records = await readAll({ input: dir, maxRecordBytes: 2, partitionIds });
        const named = records
          .map((r) => [r.source, r.position, r.decodeError === undefined ? r.value : 'too long'])
          .sort();
        expect(named).toEqual([
          ['a.jsonl', 0, 'a0'],
          ['b.jsonl', 0, 'b0'],
          ['b.jsonl', 1, 'b1'],
        ]);
        // Over-long lines too: they become dead letters, which need the name most.
        const long = await readAll({ input: dir, maxRecordBytes: 1, partitionIds });
        expect(long.map((r) => [r.source, r.decodeError]).sort()).toEqual([
          ['a.jsonl', 'record is 2 bytes, more than the limit of 1'],
          ['b.jsonl', 'record is 2 bytes, more than the limit of 1'],
          ['b.jsonl', 'record is 2 bytes, more than the limit of 1'],
        ]);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
});

describe('LineFileSource: holding partitions back', () => {
  /** Three files of four lines each, read one line per poll. */
  async function threeFiles(): Promise<{ source: LineFileSource; dir: string }> {
    const dir = await tempDir();
    for (const name of ['a', 'b', 'c'])
      await writeFile(join(dir, `${name}.jsonl`), [0, 1, 2, 3].map((i) => `${name}${i}`).join('\n'));
    const source = new LineFileSource({ input: dir, maxRecordBytes: 100, chunkBytes: 3 });
    await source.open(new Map());
    return { source, dir };
  }

  async function values(source: LineFileSource, polls: number): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < polls; i++) for (const r of (await source.poll(1)).records) out.push(String(r.value));
    return out;
  }

  it('passes over held-back partitions while others have lines, and reads them again once released', async () => {
    const { source, dir } = await threeFiles();
    try {
      source.holdBack(new Set([1]));
      expect(await values(source, 4)).toEqual(['a0', 'c0', 'a1', 'c1']);
      source.holdBack(new Set());
      expect(await values(source, 3)).toEqual(['a2', 'b0', 'c2']);
    } finally {
      await source.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads a held-back partition when nothing else is left', async () => {
    const { source, dir } = await threeFiles();
    try {
      source.holdBack(new Set([0, 2]));
      expect(await values(source, 5)).toEqual(['b0', 'b1', 'b2', 'b3', 'c0']);
    } finally {
      await source.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('streamBytes (standard input)', () => {
  it('reads a stream of any chunking into fixed-size buffers, in order, then 0 at its end', async () => {
    const bytes = streamBytes('stdin', Readable.from([Buffer.from('ab'), Buffer.from('cdefg'), Buffer.from('h')]));
    const into = Buffer.alloc(3);
    const reads: string[] = [];
    for (let n = await bytes.read(into); n > 0; n = await bytes.read(into)) reads.push(into.subarray(0, n).toString());
    expect(reads.join('')).toBe('abcdefgh');
    expect(reads.every((r) => r.length > 0 && r.length <= 3)).toBe(true);
    expect(await bytes.read(into)).toBe(0);
  });

  it('ends a stream it stops reading early, so a writer on the other side is not left waiting', async () => {
    const stream = Readable.from([Buffer.from('first\n'), Buffer.from('second\n')]);
    const bytes = streamBytes('stdin', stream);
    await bytes.read(Buffer.alloc(4));
    await bytes.close();
    expect(stream.destroyed).toBe(true);
  });
});
