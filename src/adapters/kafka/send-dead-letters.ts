import type { Message } from 'kafkajs';
import { HexstreamError } from '../../domain/hexstream-error';
import type { DeadLetter } from '../../domain/records';
import { deadLetterMessage } from './dead-letter-message';
import { describeKafkaError, isKafkaUnavailable } from './kafka-errors';
import { batchesUnder, MAX_REQUEST_BYTES } from './message-batches';

/** Where dead letters go: the topic, and the brokers named when they cannot be sent. */
export interface DeadLetterTarget {
  readonly topic: string;
  readonly brokers: readonly string[];
}

/**
 * Sends `letters` to the dead-letter topic through `producer` (a client's, `undefined` before
 * `open()`), with `send` one request at a time: each under `MAX_REQUEST_BYTES` (what a broker with
 * the default 1 MB message.max.bytes accepts), awaited before the next, so in order.
 */
export async function sendDeadLetters<P>(
  letters: readonly DeadLetter[],
  target: DeadLetterTarget,
  producer: P | undefined,
  send: (producer: P, messages: Message[]) => Promise<unknown>,
): Promise<void> {
  if (letters.length === 0) return;
  if (producer === undefined) throw new HexstreamError('SINK_WRITE_FAILED', 'dead-letter topic used before open()');
  try {
    for (const messages of batchesUnder(letters.map(deadLetterMessage), MAX_REQUEST_BYTES)) {
      await send(producer, messages);
    }
  } catch (e) {
    // A broker outage is worth waiting for (the pipeline does); anything else is not.
    const code = isKafkaUnavailable(e) ? 'SINK_UNAVAILABLE' : 'SINK_WRITE_FAILED';
    throw new HexstreamError(
      code,
      `cannot send dead letters to ${target.topic} on ${target.brokers.join(',')}: ${describeKafkaError(e)}`,
      { cause: e },
    );
  }
}
