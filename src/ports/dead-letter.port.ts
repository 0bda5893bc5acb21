import type { ServiceIdentifier } from 'inversify';
import type { DeadLetter } from '../domain/records';

/**
 * Where rejected records go (invalid, late, duplicate, error: the job's code threw), with their reason and source position.
 *
 * Contract:
 * - `open()` readies the destination (a topic, a file); called before the result store opens, and
 *   again after an outage.
 * - `publish(letters)` resolves once the letters are durable, in order, before the trigger's
 *   result-store commit (the use case's order, see `commit-trigger.ts`). A failure rejects with
 *   SINK_UNAVAILABLE (worth waiting for) or SINK_WRITE_FAILED, and the trigger is not committed.
 * - Delivery: at least once. A crash between `publish` and the commit re-reads the records, and
 *   the engine publishes their letters again: readers drop repeats by (partition, position). An
 *   adapter that joins the result store's own transaction (the Kafka transactional output, memory)
 *   stages the letters into the coming commit instead, and is exactly once; it says so.
 * - Not idempotent by itself: publishing twice writes twice.
 * - `close()` completes the output; `abort()`, where present, releases it after a failed run,
 *   keeping what was published (those letters belong to committed or re-read records).
 */
export interface DeadLetterPort {
  open(): Promise<void>;
  publish(letters: readonly DeadLetter[]): Promise<void>;
  close(): Promise<void>;
  abort?(): Promise<void>;
}

export const DeadLetterPort: ServiceIdentifier<DeadLetterPort> = Symbol.for('hexstream.DeadLetterPort');
