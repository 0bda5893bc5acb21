import type { Message } from 'kafkajs';
import type { DeadLetter } from '../../domain/records';

/**
 * A dead letter as a Kafka message: value = the record's raw text; headers = reason, detail and
 * where the record came from (source partition and offset), so a reader can tell repeats apart.
 */
export function deadLetterMessage(d: DeadLetter): Message {
  return {
    value: d.raw,
    headers: { reason: d.reason, detail: d.detail, 'source-partition': String(d.partition), 'source-offset': String(d.position) },
  };
}
