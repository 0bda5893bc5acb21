import { inject, injectable, type ServiceIdentifier } from 'inversify';
import type { SourceRecord } from '../../domain/records';
import type { InputProgress, InputProgressPort } from '../../ports/input-progress.port';
import type { SourceBatch, SourcePort } from '../../ports/source.port';
import { fileBytes, STDIN, streamBytes, type ByteSource } from './byte-source';
import { listInput, partitionsByName, sourceName } from './input-files';
import { LineReader } from './line-reader';

export interface LineFileSourceOptions {
  /** A file, a directory whose regular, non-hidden files are read (sorted by name), or `-` for standard input. */
  readonly input: string;
  /** Longer lines become invalid records (the rest of the line is skipped). */
  readonly maxRecordBytes: number;
  /** Bytes read per system call. */
  readonly chunkBytes?: number;
  /** Arrival time given to every record (epoch ms; `--arrival-time`): files keep no time of their own. */
  readonly arrivalMs?: number;
  /**
   * How a file gets its partition id: `index` in name order (default), or `name`, a hash of its
   * file name, so that positions stored for it still apply after files were added or removed.
   */
  readonly partitionIds?: 'index' | 'name';
}

export const LineFileSourceOptions: ServiceIdentifier<LineFileSourceOptions> = Symbol.for(
  'hexstream.LineFileSourceOptions',
);

/**
 * Text files of one record per line (JSON Lines, CSV). Each file is one partition; a record's
 * position is its 0-based line number. Reads in fixed-size chunks, so memory does not grow with the
 * file. Handles LF and CRLF, a leading BOM, invalid UTF-8 (the line becomes an invalid record) and
 * over-long lines (an invalid record holding the line's first 4 KiB and its size; the rest of the
 * line is counted while it is skipped, never held). Partitions are read round-robin, one chunk's
 * lines per poll, like a consumer fetching from several partitions, passing over those held back
 * while others have lines left.
 * Standard input (`-`) is one partition, read as it comes: nothing needs to be stored first.
 */
@injectable()
export class LineFileSource implements SourcePort, InputProgressPort {
  private readers: LineReader[] = [];
  private records = 0;
  private bytesRead = 0;
  private bytesTotal: number | undefined;
  private readonly reported = new Set<number>();
  private next = 0;
  private held: ReadonlySet<number> = new Set();

  constructor(@inject(LineFileSourceOptions) private readonly options: LineFileSourceOptions) {}

  async open(resumeFrom: ReadonlyMap<number, number>): Promise<readonly number[]> {
    // Opened again to rebuild after an outage: the files are read again from their start.
    this.bytesRead = 0;
    this.bytesTotal = undefined;
    if (this.options.input === STDIN) {
      const reader = new LineReader(0, STDIN, this.counted(streamBytes('stdin', process.stdin)), this.options);
      await reader.skipTo(resumeFrom.get(0) ?? 0);
      this.readers = [reader];
      return [0];
    }
    const files = await listInput(this.options.input);
    const ids = this.options.partitionIds === 'name' ? partitionsByName(files) : files.map((_f, i) => i);
    this.readers = await Promise.all(
      files.map(async (file, i) => {
        const partition = ids[i] as number;
        const reader = new LineReader(
          partition,
          sourceName(this.options.input, file),
          this.counted(await fileBytes(file)),
          this.options,
        );
        await reader.skipTo(resumeFrom.get(partition) ?? 0);
        return reader;
      }),
    );
    return this.readers.map((r) => r.partition);
  }

  /** Bytes read so far of the files' sizes at open (the whole input, resumed or not). */
  inputProgress(): InputProgress {
    return { records: this.records, bytesRead: this.bytesRead, bytesTotal: this.bytesTotal };
  }

  /** `bytes`, counting what is read of it; its size adds to the total (none for a stream). */
  private counted(bytes: ByteSource): ByteSource {
    this.bytesTotal = bytes.size === undefined ? undefined : (this.bytesTotal ?? 0) + bytes.size;
    return {
      name: bytes.name,
      read: async (into) => {
        const n = await bytes.read(into);
        this.bytesRead += n;
        return n;
      },
      close: () => bytes.close(),
    };
  }

  async poll(maxRecords: number): Promise<SourceBatch> {
    // Partitions that were already at their end (empty files, resumed at the end) are reported too.
    const endedPartitions = this.readers
      .filter((r) => r.isDone() && !this.reported.has(r.partition))
      .map((r) => r.partition);
    const reader = endedPartitions.length === 0 ? this.nextReader() : undefined;
    if (reader === undefined) return this.batch([], endedPartitions);
    const records = await reader.read(maxRecords);
    if (reader.isDone()) endedPartitions.push(reader.partition);
    return this.batch(records, endedPartitions);
  }

  holdBack(partitions: ReadonlySet<number>): void {
    this.held = partitions;
  }

  /** The next partition in turn with lines left, passing over those held back unless only they are left. */
  private nextReader(): LineReader | undefined {
    let fallback: LineReader | undefined;
    for (let tries = 0; tries < this.readers.length; tries++) {
      const reader = this.readers[this.next] as LineReader;
      this.next = (this.next + 1) % this.readers.length;
      if (reader.isDone()) continue;
      if (!this.held.has(reader.partition)) return reader;
      fallback ??= reader;
    }
    return fallback;
  }

  private batch(records: readonly SourceRecord[], endedPartitions: number[]): SourceBatch {
    for (const p of endedPartitions) this.reported.add(p);
    this.records += records.length;
    return { records, endedPartitions, exhausted: this.readers.every((r) => r.isDone()) };
  }

  async acknowledge(): Promise<void> {
    // Files keep no consumer offsets; positions live with the sink's data.
  }

  async close(): Promise<void> {
    await Promise.all(this.readers.map((r) => r.close()));
    this.readers = [];
  }
}
