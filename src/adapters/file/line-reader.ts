import { isUtf8 } from 'node:buffer';
import { DEAD_LETTER_RAW_BYTES, utf8Prefix } from '../../domain/engine/dead-letter-raw';
import { HexstreamError } from '../../domain/hexstream-error';
import type { SourceRecord } from '../../domain/records';
import type { ByteSource } from './byte-source';
import { decodeRecordBytes, utf8BytePrefix } from '../encoding/utf8';

/** What a line reader needs of the source's options. */
export interface LineReaderOptions {
  /** Longer lines become invalid records (the rest of the line is skipped). */
  readonly maxRecordBytes: number;
  /** Bytes read per system call. */
  readonly chunkBytes?: number;
  /** Arrival time given to every record (epoch ms). */
  readonly arrivalMs?: number;
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

function withoutBom(bytes: Buffer): Buffer {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
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
export class LineReader {
  private readonly chunk: Buffer;
  /** Bytes after the last newline of the previous chunk (a line in progress). */
  private carry: Buffer = Buffer.alloc(0);
  /** Where a carried line start and the next chunk are joined (see `joined`). */
  private join: Buffer = Buffer.alloc(0);
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
    private readonly options: LineReaderOptions,
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
    const complete = this.carry.length > 0 ? this.joined(data, lastNl + 1) : data.subarray(0, lastNl + 1);
    this.carry = Buffer.from(data.subarray(lastNl + 1));
    if (isUtf8(complete)) this.emitText(complete.toString('utf8'));
    else this.emitLinesOneByOne(complete);
    if (this.carryTooLong()) this.emitTooLong();
  }

  /**
   * The carried start of a line followed by `data[0, end)`, in a buffer kept for it: what is built
   * from it (strings) copies its bytes, so it is reused at each fill. A buffer of a chunk's size
   * allocated and freed at each fill instead raises glibc's mmap threshold and then stays in its heap.
   */
  private joined(data: Buffer, end: number): Buffer {
    const length = this.carry.length + end;
    if (this.join.length < length) this.join = Buffer.allocUnsafe(Math.max(length, this.chunk.length + 4096));
    this.carry.copy(this.join, 0);
    data.copy(this.join, this.carry.length, 0, end);
    return this.join.subarray(0, length);
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
