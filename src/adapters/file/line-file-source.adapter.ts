import { readdir, stat } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import { basename, join, relative } from 'node:path';
import { inject, injectable, type ServiceIdentifier } from 'inversify';
import { DEAD_LETTER_RAW_BYTES, utf8Prefix } from '../../domain/engine/dead-letter-raw';
import { HexstreamError } from '../../domain/hexstream-error';
import type { SourceRecord } from '../../domain/records';
import type { SourceBatch, SourcePort } from '../../ports/source.port';
import { fileBytes, STDIN, streamBytes, type ByteSource } from './byte-source';
import { decodeRecordBytes, utf8BytePrefix } from '../encoding/utf8';

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

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

function withoutBom(bytes: Buffer): Buffer {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
}

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
export class LineFileSource implements SourcePort {
  private readers: LineReader[] = [];
  private readonly reported = new Set<number>();
  private next = 0;
  private held: ReadonlySet<number> = new Set();

  constructor(@inject(LineFileSourceOptions) private readonly options: LineFileSourceOptions) {}

  async open(resumeFrom: ReadonlyMap<number, number>): Promise<readonly number[]> {
    if (this.options.input === STDIN) {
      const reader = new LineReader(0, STDIN, streamBytes('stdin', process.stdin), this.options);
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
          await fileBytes(file),
          this.options,
        );
        await reader.skipTo(resumeFrom.get(partition) ?? 0);
        return reader;
      }),
    );
    return this.readers.map((r) => r.partition);
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

/**
 * How dead letters name a file: relative to the input directory, or the input as given when it is
 * one file (`listInput` gives a file of a directory as `join(input, name)`).
 */
function sourceName(input: string, file: string): string {
  return file === input ? input : relative(input, file);
}

/** A stable partition id per file name (FNV-1a, 31 bits); two names with one id are refused. */
function partitionsByName(files: readonly string[]): number[] {
  const seen = new Map<number, string>();
  return files.map((file) => {
    const name = basename(file);
    let h = 0x811c9dc5;
    for (const byte of Buffer.from(name, 'utf8')) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
    const id = h & 0x7fffffff;
    const other = seen.get(id);
    if (other !== undefined)
      throw new HexstreamError(
        'SOURCE_UNAVAILABLE',
        `input files ${other} and ${name} map to one partition id (${id}): rename one`,
      );
    seen.set(id, name);
    return id;
  });
}

async function listInput(input: string): Promise<string[]> {
  let info;
  try {
    info = await stat(input);
  } catch (e) {
    throw new HexstreamError('SOURCE_UNAVAILABLE', `cannot read input ${input}: ${(e as Error).message}`, { cause: e });
  }
  if (!info.isDirectory()) return [input];
  const names = (await readdir(input, { withFileTypes: true }))
    .filter((d) => d.isFile() && !d.name.startsWith('.'))
    .map((d) => d.name)
    .sort();
  if (names.length === 0) throw new HexstreamError('SOURCE_UNAVAILABLE', `input directory ${input} holds no files`);
  return names.map((n) => join(input, n));
}

/** A line over the limit being skipped: what its record will hold once its end is found. */
interface LongLine {
  /** Its first bytes, a few more than a preview keeps (to cut it at a character boundary). */
  head: Buffer;
  bytes: number;
  lastByte: number;
}

const HEAD_BYTES = DEAD_LETTER_RAW_BYTES + 4;

/** Splits one file into lines, a chunk at a time. */
class LineReader {
  private readonly chunk: Buffer;
  /** Bytes after the last newline of the previous chunk (a line in progress). */
  private carry: Buffer = Buffer.alloc(0);
  /** Decoded lines not yet handed out. */
  private lines: SourceRecord[] = [];
  private taken = 0;
  private position = 0;
  private eof = false;
  private longLine: LongLine | undefined;
  private atStart = true;

  constructor(
    readonly partition: number,
    /** The file's name in dead letters (`SourceRecord.source`). */
    private readonly source: string,
    private readonly bytes: ByteSource,
    private readonly options: LineFileSourceOptions,
  ) {
    this.chunk = Buffer.allocUnsafe(options.chunkBytes ?? 1 << 20);
  }

  isDone(): boolean {
    return this.eof && this.taken >= this.lines.length;
  }

  /** Drops the records before `position` (the next line to read after a restart). */
  async skipTo(position: number): Promise<void> {
    while (!this.isDone()) {
      while (this.taken >= this.lines.length && !this.eof) await this.fill();
      while (this.taken < this.lines.length && (this.lines[this.taken] as SourceRecord).position < position)
        this.taken++;
      if (this.taken < this.lines.length) return;
    }
  }

  async read(max: number): Promise<SourceRecord[]> {
    while (this.taken >= this.lines.length && !this.eof) await this.fill();
    const end = Math.min(this.lines.length, this.taken + max);
    const out = this.taken === 0 && end === this.lines.length ? this.lines : this.lines.slice(this.taken, end);
    this.taken = end;
    return out;
  }

  async close(): Promise<void> {
    await this.bytes.close();
  }

  private async fill(): Promise<void> {
    this.lines = [];
    this.taken = 0;
    let bytesRead: number;
    try {
      bytesRead = await this.bytes.read(this.chunk);
    } catch (e) {
      throw new HexstreamError('SOURCE_READ_FAILED', `cannot read ${this.bytes.name}: ${(e as Error).message}`, {
        cause: e,
      });
    }
    if (bytesRead === 0) {
      this.eof = true;
      const rest = this.atStart ? withoutBom(this.carry) : this.carry;
      if (this.longLine !== undefined) this.endLongLine();
      else if (rest.length > 0) this.emitBytes(rest);
      this.carry = Buffer.alloc(0);
      return;
    }
    let data = this.chunk.subarray(0, bytesRead);
    if (this.atStart) {
      // A BOM is dropped as bytes, before anything is decoded or measured.
      const head = Buffer.concat([this.carry, data]);
      this.carry = Buffer.alloc(0);
      if (head.length < BOM.length && BOM.subarray(0, head.length).equals(head)) {
        this.carry = head;
        return;
      }
      this.atStart = false;
      data = withoutBom(head);
    }
    const longLine = this.longLine;
    if (longLine !== undefined) {
      const nl = data.indexOf(10);
      const skipped = nl < 0 ? data : data.subarray(0, nl);
      if (longLine.head.length < HEAD_BYTES)
        longLine.head = Buffer.concat([longLine.head, skipped.subarray(0, HEAD_BYTES - longLine.head.length)]);
      longLine.bytes += skipped.length;
      if (skipped.length > 0) longLine.lastByte = skipped[skipped.length - 1] as number;
      if (nl < 0) return;
      this.endLongLine();
      data = data.subarray(nl + 1);
    }
    const lastNl = data.lastIndexOf(10);
    if (lastNl < 0) {
      this.carry = Buffer.concat([this.carry, data]);
      if (this.carryTooLong()) this.emitTooLong();
      return;
    }
    const complete =
      this.carry.length > 0 ? Buffer.concat([this.carry, data.subarray(0, lastNl + 1)]) : data.subarray(0, lastNl + 1);
    this.carry = Buffer.from(data.subarray(lastNl + 1));
    if (isUtf8(complete)) this.emitText(complete.toString('utf8'));
    else this.emitLinesOneByOne(complete);
    if (this.carryTooLong()) this.emitTooLong();
  }

  /** The line in progress is over the limit (a trailing CR may still be the start of CRLF). */
  private carryTooLong(): boolean {
    const c = this.carry;
    return c.length - (c[c.length - 1] === 13 ? 1 : 0) > this.options.maxRecordBytes;
  }

  /** Fast path: a whole chunk of valid UTF-8, split as a string. */
  private emitText(text: string): void {
    let from = 0;
    const max = this.options.maxRecordBytes;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
      const line = text.slice(from, nl > from && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl);
      // UTF-8 takes at least one byte per UTF-16 unit and at most three.
      const bytes = line.length * 3 > max ? Buffer.byteLength(line) : 0;
      if (bytes > max)
        this.pushInvalid(
          utf8Prefix(line, DEAD_LETTER_RAW_BYTES),
          `record is ${bytes} bytes, more than the limit of ${max}`,
          bytes,
        );
      else this.pushLine(line);
      from = nl + 1;
    }
  }

  private emitLinesOneByOne(bytes: Buffer): void {
    let from = 0;
    for (let nl = bytes.indexOf(10); nl >= 0; nl = bytes.indexOf(10, from)) {
      this.emitBytes(bytes.subarray(from, nl));
      from = nl + 1;
    }
  }

  private emitBytes(line: Buffer): void {
    const body = line.length > 0 && line[line.length - 1] === 13 ? line.subarray(0, line.length - 1) : line;
    const decoded = decodeRecordBytes(body, this.options.maxRecordBytes);
    if (decoded.decodeError === undefined) this.pushLine(decoded.value);
    else this.pushInvalid(decoded.value, decoded.decodeError, decoded.byteLength);
  }

  /**
   * The line in progress passed the limit before its end: keep a preview, then only count bytes
   * until its newline (`endLongLine`), so a line of any length costs one chunk of memory.
   *
   *   carry > limit ─▶ longLine {head, bytes} ─▶ fill: bytes += chunk … ─▶ '\n' or EOF ─▶ one invalid record
   */
  private emitTooLong(): void {
    const c = this.carry;
    this.longLine = {
      head: Buffer.from(c.subarray(0, HEAD_BYTES)),
      bytes: c.length,
      lastByte: c[c.length - 1] as number,
    };
    this.carry = Buffer.alloc(0);
  }

  private endLongLine(): void {
    const long = this.longLine;
    if (long === undefined) return;
    this.longLine = undefined;
    // As for any line, a trailing CR (of a CRLF) is not part of the record.
    const bytes = long.bytes - (long.lastByte === 13 ? 1 : 0);
    const preview = utf8BytePrefix(long.head.subarray(0, bytes), DEAD_LETTER_RAW_BYTES).toString('utf8');
    this.pushInvalid(preview, `record is ${bytes} bytes, more than the limit of ${this.options.maxRecordBytes}`, bytes);
  }

  private pushLine(text: string): void {
    const arrivalMs = this.options.arrivalMs;
    if (arrivalMs === undefined)
      this.lines.push({ partition: this.partition, position: this.position++, source: this.source, value: text });
    else
      this.lines.push({
        partition: this.partition,
        position: this.position++,
        source: this.source,
        value: text,
        arrivalMs,
      });
  }

  private pushInvalid(preview: string, decodeError: string, byteLength: number | undefined): void {
    const arrival = this.options.arrivalMs === undefined ? {} : { arrivalMs: this.options.arrivalMs };
    const size = byteLength === undefined ? {} : { byteLength };
    this.lines.push({
      partition: this.partition,
      position: this.position++,
      source: this.source,
      value: preview,
      decodeError,
      ...size,
      ...arrival,
    });
  }
}
