import type { Message } from 'kafkajs';
import type { DeadLetter, ResultRow } from '../../domain/records';
import type { StoreCommit } from '../../ports/result-store.port';
import type { CheckpointTopicCodec, SnapshotHead } from './checkpoint-topic';
import { deadLetterMessage } from './dead-letter-message';
import { CHECKPOINT_PARTITION, type KafkaSinkOptions } from './kafka-sink-options';
import { MAX_REQUEST_BYTES } from './message-batches';

/** What a `--to-kafka` store knows when it turns a trigger into messages (either Kafka client). */
export interface TriggerMessageContext {
  readonly options: KafkaSinkOptions;
  readonly codec: CheckpointTopicCodec;
  /** The snapshot heads stored so far. */
  readonly heads: readonly SnapshotHead[];
  keyOf(row: ResultRow): string;
}

/**
 * One trigger's messages per topic, in the order they are sent: the rows, the dead letters staged
 * into the transaction, then the checkpoint (and snapshot chunks) on the checkpoint partition.
 */
export function triggerMessages(
  ctx: TriggerMessageContext,
  trigger: StoreCommit,
  deadLetters: readonly DeadLetter[],
  render: (row: ResultRow, writtenAtMs: number) => string,
): { messages: Map<string, Message[]>; head: SnapshotHead | undefined } {
  const { options, codec } = ctx;
  const writtenAtMs = Date.now();
  const rows: Message[] = trigger.rows.map((row) => ({
    key: ctx.keyOf(row),
    value: render(row, writtenAtMs),
    headers: { 'row-key': row.key },
  }));
  const checkpoint = codec.partitionMessages(trigger);
  let head: SnapshotHead | undefined;
  if (trigger.snapshot !== undefined) {
    const chunkBytes = Math.floor((options.maxRequestBytes ?? MAX_REQUEST_BYTES) / 2);
    const written = codec.snapshotMessages(trigger.snapshot, [...ctx.heads], chunkBytes);
    checkpoint.push(...written.messages);
    head = written.head;
  }
  const messages = new Map<string, Message[]>([
    [options.outputTopic, rows],
    [options.deadLetterTopic, deadLetters.map(deadLetterMessage)],
    [options.checkpointTopic, checkpoint.map((m) => ({ ...m, partition: CHECKPOINT_PARTITION }))],
  ]);
  return { messages, head };
}
