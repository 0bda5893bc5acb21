import type { SourceRecord } from '../../domain/records';
import { decodeRecordBytes } from '../encoding/utf8';

/**
 * Keys longer than this make the record invalid. No job reads keys, but producers key by an id or a
 * symbol (tens of bytes): a key of kilobytes is a broken producer, and its value is not trusted.
 */
export const MAX_KEY_BYTES = 4096;

/**
 * One Kafka message as a source record. Its timestamp (producer's create time, or the broker's
 * append time) is its arrival time. A value over `maxRecordBytes` is not decoded: the record keeps
 * a preview of its start and its size; a key over `MAX_KEY_BYTES` makes the record invalid too.
 */
export function toRecord(
  partition: number,
  position: number,
  message: { readonly key?: Buffer | null; readonly value: Buffer | null; readonly timestamp: string },
  maxRecordBytes: number,
): SourceRecord {
  const timestampMs = Number(message.timestamp);
  const arrival = Number.isSafeInteger(timestampMs) && timestampMs >= 0 ? { arrivalMs: timestampMs } : {};
  const { key, value } = message;
  // The key is kept for the record's dead letter only (sent back to the input topic, it picks the
  // same partition); an over-long one is not kept.
  const keyOf = key === null || key === undefined || key.length > MAX_KEY_BYTES ? {} : { key };
  if (value === null) return { partition, position, value: undefined, ...arrival, ...keyOf };
  const decoded = decodeRecordBytes(value, maxRecordBytes);
  if (key !== null && key !== undefined && key.length > MAX_KEY_BYTES) {
    const keyError = `key is ${key.length} bytes, more than the limit of ${MAX_KEY_BYTES}`;
    const decodeError = decoded.decodeError === undefined ? keyError : `${keyError}; ${decoded.decodeError}`;
    return { partition, position, ...decoded, decodeError, ...arrival };
  }
  return { partition, position, ...decoded, ...arrival, ...keyOf };
}
