import { isUtf8 } from 'node:buffer';
import { DEAD_LETTER_RAW_BYTES } from '../../domain/engine/dead-letter-raw';

/** Byte offset of the first malformed UTF-8 sequence in `bytes`, or -1 if it is all valid. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/** `bytes` cut to at most `maxBytes` without splitting a UTF-8 sequence (for previews of over-long records). */
export function utf8BytePrefix(bytes: Buffer, maxBytes: number): Buffer {
  if (bytes.length <= maxBytes) return bytes;
  let end = maxBytes;
  // Back off over continuation bytes (10xxxxxx) to the start of the character that would be cut.
  while (end > 0 && ((bytes[end] as number) & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end);
}

/** A record's bytes as its text, or a bounded preview with the reason it cannot be read. */
export interface DecodedBytes {
  readonly value: string;
  readonly decodeError?: string;
  /** Set when `value` is not the record's exact text (a lossy rendering or a preview of its start): its size. */
  readonly byteLength?: number;
}

/**
 * Decodes one record's bytes: UTF-8 text when it is UTF-8 and at most `maxRecordBytes` long. A
 * longer record is not decoded at all (only a preview of its start is), so its size costs nothing
 * past the source; an undecodable one keeps a lossy rendering, bounded the same way.
 */
export function decodeRecordBytes(bytes: Buffer, maxRecordBytes: number): DecodedBytes {
  if (bytes.length > maxRecordBytes) {
    return {
      value: utf8BytePrefix(bytes, DEAD_LETTER_RAW_BYTES).toString('utf8'),
      decodeError: `record is ${bytes.length} bytes, more than the limit of ${maxRecordBytes}`,
      byteLength: bytes.length,
    };
  }
  if (isUtf8(bytes)) return { value: bytes.toString('utf8') };
  const decodeError = `invalid UTF-8 at byte ${firstInvalidUtf8(bytes)} of the record`;
  return {
    value: utf8BytePrefix(bytes, DEAD_LETTER_RAW_BYTES).toString('utf8'),
    decodeError,
    byteLength: bytes.length,
  };
}
