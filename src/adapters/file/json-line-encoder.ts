import type { ColumnValue, ResultRow } from '../../domain/records';
import type { ColumnSpec, TableSchema } from '../../domain/table-schema';
import { rowRenderer } from '../encoding/row-json';
import type { ByteAppender, RowArena } from './row-arena';

/**
 * Encodes result rows as JSON lines straight into a byte buffer: the same text as `rowRenderer`
 * (and tested byte for byte against it), without building a string per row. At close to one output
 * row per input record, strings were the largest cost of a run: concatenation leaves trees of
 * pieces that must be flattened, JSON.stringify of an object costs ~1 µs, and every string is
 * garbage to collect and then bytes to encode again. Here a row is a few dozen byte writes.
 *
 * Values outside the fast paths (non-ASCII text, floats, bigints, years beyond 9999) are rendered
 * as text by the same rules as `rowRenderer` and copied in.
 */
export class JsonLineEncoder implements ByteAppender {
  private buf: Buffer;
  private pos = 0;
  private readonly columns: ColumnEncoder[];

  constructor(
    table: TableSchema,
    private readonly initialBytes = 1 << 20,
  ) {
    this.buf = Buffer.allocUnsafe(initialBytes);
    this.columns = table.columns.map((c, i) =>
      columnEncoder(c, Buffer.from(`${i === 0 ? '{' : ','}${JSON.stringify(c.name)}:`, 'latin1')),
    );
  }

  /** Bytes encoded and not yet taken. */
  get length(): number {
    return this.pos;
  }

  /** Appends one row and a newline. */
  encode(row: ResultRow, writtenAtMs: number): void {
    const values = row.values;
    for (let i = 0; i < this.columns.length; i++) (this.columns[i] as ColumnEncoder)(this, values, writtenAtMs);
    this.byte(0x7d); // }
    this.byte(0x0a); // \n
  }

  /** The bytes encoded so far, in the encoder's own buffer: valid until the next `clear` or encode. */
  encoded(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  /** Forgets the bytes encoded so far; the buffer is reused. */
  clear(): void {
    this.pos = 0;
  }

  /** Hands over the bytes encoded so far and starts a new buffer. */
  take(): Buffer {
    const out = this.buf.subarray(0, this.pos);
    this.buf = Buffer.allocUnsafe(Math.max(this.initialBytes, this.pos));
    this.pos = 0;
    return out;
  }

  /** Moves the bytes encoded so far into `arena` (over slot `previous` when they fit); returns their slot. */
  moveInto(arena: RowArena, previous?: number): number {
    const handle = arena.put(this.buf, this.pos, previous);
    this.pos = 0;
    return handle;
  }

  /** Appends bytes encoded earlier (a row held in an arena). */
  append(src: Buffer, start: number, end: number): void {
    this.reserve(end - start);
    this.pos += src.copy(this.buf, this.pos, start, end);
  }

  /** Room for `n` more bytes. */
  reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  byte(b: number): void {
    this.reserve(1);
    this.buf[this.pos++] = b;
  }

  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    // Pieces are short (column prefixes, a cached minute): a loop beats a native copy call.
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < b.length; i++) buf[p++] = b[i] as number;
    this.pos = p;
  }

  /** Text known to be ASCII (digits, ISO instants, JSON of a number). */
  ascii(s: string): void {
    this.reserve(s.length);
    for (let i = 0; i < s.length; i++) this.buf[this.pos++] = s.charCodeAt(i);
  }

  utf8(s: string): void {
    this.reserve(s.length * 3);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  /** A non-negative safe integer, `minDigits` wide with leading zeros. */
  digits(n: number, minDigits: number): void {
    let len = 1;
    for (let t = n; t >= 10; t = Math.floor(t / 10)) len++;
    if (len < minDigits) len = minDigits;
    this.reserve(len);
    let p = this.pos + len;
    for (let i = 0; i < len; i++) {
      const q = Math.floor(n / 10);
      this.buf[--p] = 0x30 + (n - q * 10);
      n = q;
    }
    this.pos += len;
  }
}

type ColumnEncoder = (enc: JsonLineEncoder, values: ResultRow['values'], writtenAtMs: number) => void;

function columnEncoder(column: ColumnSpec, prefix: Buffer): ColumnEncoder {
  const name = column.name;
  const t = column.type;
  // Fallback: the string renderer's output for this one column, minus its braces.
  const slow = rowRenderer({ name: '', primaryKey: [], columns: [column] });
  const slowValue = (values: ResultRow['values'], writtenAtMs: number): string => {
    const text = slow({ key: '', finalAtMs: 0, values }, writtenAtMs);
    return text.slice(prefix.length, text.length - 1);
  };
  switch (t.kind) {
    case 'instant':
    case 'writtenAt': {
      const iso = isoEncoder();
      const setBySink = t.kind === 'writtenAt';
      return (enc, values, writtenAtMs) => {
        enc.bytes(prefix);
        const ms = setBySink ? writtenAtMs : values[name];
        if (typeof ms !== 'number' || !Number.isFinite(ms)) return enc.ascii('null');
        if (!Number.isInteger(ms)) return enc.ascii(slowValue(values, writtenAtMs));
        iso(enc, ms);
      };
    }
    case 'decimal':
      return (enc, values, writtenAtMs) => {
        enc.bytes(prefix);
        const v = values[name] ?? 0;
        if (t.scale === 2 && typeof v === 'number' && Number.isSafeInteger(v)) return scaled2(enc, v);
        enc.ascii(slowValue(values, writtenAtMs));
      };
    case 'text':
    case 'longText':
      return (enc, values, writtenAtMs) => {
        enc.bytes(prefix);
        const v = values[name];
        if (typeof v === 'string' && isPlain(v)) {
          enc.byte(0x22);
          enc.ascii(v);
          enc.byte(0x22);
        } else {
          enc.utf8(slowValue(values, writtenAtMs));
        }
      };
    case 'integer':
    case 'double':
      return (enc, values, writtenAtMs) => {
        enc.bytes(prefix);
        const v: ColumnValue | undefined = values[name];
        if (typeof v === 'number' && Number.isSafeInteger(v)) {
          if (v < 0) enc.byte(0x2d);
          enc.digits(Math.abs(v), 1);
        } else {
          enc.utf8(slowValue(values, writtenAtMs));
        }
      };
  }
}

/** Printable ASCII without `"` or `\`: written as is between quotes. */
function isPlain(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return false;
  }
  return true;
}

function scaled2(enc: JsonLineEncoder, v: number): void {
  const abs = Math.abs(v);
  const frac = abs % 100;
  enc.byte(0x22);
  if (v < 0) enc.byte(0x2d);
  enc.digits((abs - frac) / 100, 1);
  enc.byte(0x2e);
  enc.digits(frac, 2);
  enc.byte(0x22);
}

/**
 * `"YYYY-MM-DDTHH:MM:SS.mmmZ"`. Instants of neighbouring rows share their minute, so its prefix is
 * cached as bytes; only seconds and milliseconds are written per value.
 */
function isoEncoder(): (enc: JsonLineEncoder, ms: number) => void {
  let minute = NaN;
  let prefix = Buffer.alloc(0);
  return (enc, ms) => {
    const m = Math.floor(ms / 60_000);
    if (m !== minute) {
      const full = new Date(ms).toISOString();
      if (full.length !== 24) {
        // Years beyond 0000–9999 use the longer ±YYYYYY form: write it whole, cache nothing.
        enc.ascii(`"${full}"`);
        return;
      }
      minute = m;
      prefix = Buffer.from(`"${full.slice(0, 17)}`, 'latin1');
    }
    const rest = ms - m * 60_000;
    const sec = Math.floor(rest / 1000);
    enc.bytes(prefix);
    enc.digits(sec, 2);
    enc.byte(0x2e);
    enc.digits(rest - sec * 1000, 3);
    enc.byte(0x5a); // Z
    enc.byte(0x22);
  };
}
