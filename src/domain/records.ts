/**
 * Records longer than this (bytes) are invalid unless `--max-record-bytes` says otherwise: about
 * Kafka's own default `message.max.bytes`. No job's record comes near it (an order is ~130 bytes, an IEX
 * batch quote of many symbols a few KiB), and it bounds what one record can cost to parse.
 */
export const DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;

/** One record as a source delivers it: raw text plus where it came from. */
export interface SourceRecord {
  /** Source partition (a Kafka partition, or the index of a file). */
  readonly partition: number;
  /** Position of the record in its partition (Kafka offset, or 0-based line number of a file). */
  readonly position: number;
  /**
   * The file the record was read from (relative to the input directory, or the input file's path;
   * `-` for standard input), for dead letters: a file's partition id is an index or a hash of its name.
   */
  readonly source?: string;
  /** The record's text; `undefined` when the record has no value (a Kafka tombstone). */
  readonly value: string | undefined;
  /** Set when the bytes could not be decoded; `value` then holds a lossy rendering of them. */
  readonly decodeError?: string;
  /**
   * Set when `value` is not the record's exact text — a lossy rendering, or only a preview of its
   * start (an over-long record) — whose `decodeError` says why: the record's size in bytes.
   */
  readonly byteLength?: number;
  /**
   * When the record arrived, epoch ms (a Kafka record's timestamp; for files, `--arrival-time`):
   * the event time of records that carry none of their own. Stored with the record, so a replay
   * sees the same instant.
   */
  readonly arrivalMs?: number;
  /**
   * The record's key as it arrived (a Kafka message key of at most `MAX_KEY_BYTES`), kept only for
   * its dead letter: a dead letter sent back to the input topic keeps the partition its key chose.
   */
  readonly key?: Uint8Array;
}

/** `error`: the job's own code threw on the record (the detail holds the exception's message). */
export type DeadLetterReason = 'invalid' | 'late' | 'duplicate' | 'error';

/** A record that was not aggregated, with the reason. Nothing is dropped silently. */
export interface DeadLetter {
  readonly reason: DeadLetterReason;
  readonly detail: string;
  /** The record's text: at most its first `DEAD_LETTER_RAW_BYTES` bytes (see `rawBytes`). */
  readonly raw: string;
  /** Set when `raw` is only a prefix of the record: the record's full size in bytes. */
  readonly rawBytes?: number;
  /** The record's `source` (its file), when it has one. */
  readonly source?: string;
  /** The record's key, when it had one (see `SourceRecord.key`). */
  readonly key?: Uint8Array;
  readonly partition: number;
  readonly position: number;
}

export type ColumnValue = string | number | bigint;

/** One row of a job's result table, ready for a sink to upsert by `key`. */
export interface ResultRow {
  /** Primary key of the row in its table. */
  readonly key: string;
  /**
   * Event time at which the row becomes final (its window's end); `Infinity` for rows of a global
   * window. Sinks that can only append use it to write each row once.
   */
  readonly finalAtMs: number;
  readonly values: Readonly<Record<string, ColumnValue>>;
}
