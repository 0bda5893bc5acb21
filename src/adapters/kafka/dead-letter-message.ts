import type { Message } from 'kafkajs';
import type { DeadLetter } from '../../domain/records';

/**
 * A dead letter as a Kafka message: value = the record's raw text (at most its first 4 KiB, see
 * `DEAD_LETTER_RAW_BYTES`); headers = reason, detail and where the record came from (source
 * partition and offset), so a reader can tell repeats apart, plus `raw-bytes`, the record's full
 * size, when the value holds only the start of it, and `source`, the file, for a record read from one.
 */
export function deadLetterMessage(d: DeadLetter): Message {
  const headers: Record<string, string> = {
    reason: d.reason,
    detail: d.detail,
    'source-partition': String(d.partition),
    'source-offset': String(d.position),
  };
  if (d.rawBytes !== undefined) headers['raw-bytes'] = String(d.rawBytes);
  if (d.source !== undefined) headers['source'] = d.source;
  return { value: d.raw, headers };
}
