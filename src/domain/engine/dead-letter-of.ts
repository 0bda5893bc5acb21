import type { DeadLetter, DeadLetterReason, SourceRecord } from '../records';
import { boundedDetail, boundedRaw, utf8ByteLength } from './dead-letter-raw';

/** The dead letter of a rejected record, kept small whatever the record's size (the detail says what was cut). */
export function deadLetterOf(reason: DeadLetterReason, why: string, raw: string, record: SourceRecord): DeadLetter {
  const { partition, position } = record;
  const detail = boundedDetail(why);
  const kept = boundedRaw(raw, record.byteLength);
  const source = {
    ...(record.source === undefined ? {} : { source: record.source }),
    // A copy: the source's key may be a view of a whole fetched batch, kept alive until the letter is written.
    ...(record.key === undefined ? {} : { key: new Uint8Array(record.key) }),
  };
  if (kept.rawBytes === undefined) return { reason, detail, raw, ...source, partition, position };
  const note = `; raw holds its first ${utf8ByteLength(kept.raw)} of ${kept.rawBytes} bytes`;
  return {
    reason,
    detail: `${detail}${note}`,
    raw: kept.raw,
    rawBytes: kept.rawBytes,
    ...source,
    partition,
    position,
  };
}
