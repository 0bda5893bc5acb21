import type { Message } from 'kafkajs';
import type { DeadLetter } from '../../domain/records';

/** The header of a dead-letter message holding the record's key. */
export const SOURCE_KEY_HEADER = 'source-key';

/**
 * A dead letter as a Kafka message: value = the record's raw text (at most its first 4 KiB, see
 * `DEAD_LETTER_RAW_BYTES`); headers = reason, detail and where the record came from (source
 * partition and offset), so a reader can tell repeats apart, plus `raw-bytes`, the record's full
 * size, when the value holds only the start of it, `source`, the file, for a record read from one,
 * and `source-key`, the record's Kafka key as it was (bytes), for a record that had one: `replay`
 * sends the letter back to the input topic with it, so it lands in the partition its key chose.
 */
export function deadLetterMessage(d: DeadLetter): Message {
  const headers: Record<string, string | Buffer> = {
    reason: d.reason,
    detail: d.detail,
    'source-partition': String(d.partition),
    'source-offset': String(d.position),
  };
  if (d.rawBytes !== undefined) headers['raw-bytes'] = String(d.rawBytes);
  if (d.source !== undefined) headers['source'] = d.source;
  if (d.key !== undefined) headers[SOURCE_KEY_HEADER] = Buffer.from(d.key.buffer, d.key.byteOffset, d.key.byteLength);
  return { value: d.raw, headers };
}
