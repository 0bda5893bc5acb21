import { Producer, stringSerializer, type MessageToProduce, type ProducerOptions } from '@platformatic/kafka';
import type { IHeaders, KafkaMessage, Message } from 'kafkajs';

/**
 * Header names are strings, serialised by the producer: a plain object of headers, not a `Map`,
 * which the library tells apart with `instanceof` (a test runner's sandbox has a `Map` of its own).
 */
export type ProducedMessage = MessageToProduce<Buffer, Buffer, string, Buffer>;
export type HexProducer = Producer<Buffer, Buffer, string, Buffer>;
type HexProducerOptions = Omit<ProducerOptions<Buffer, Buffer, string, Buffer>, 'serializers'>;
export type HexTransaction = Awaited<ReturnType<HexProducer['beginTransaction']>>;

/**
 * A producer whose InitProducerId asks for a fresh epoch (producer id and epoch -1): the library
 * otherwise sends 0 and 0, which the coordinator takes for an existing producer's id and epoch,
 * and refuses (fenced) once another producer had the transactional id.
 */
export function newProducer(options: HexProducerOptions): HexProducer {
  return new Producer<Buffer, Buffer, string, Buffer>({
    producerId: -1n,
    producerEpoch: -1,
    ...options,
    serializers: { headerKey: stringSerializer },
  });
}

function bytes(v: Buffer | string | null | undefined): Buffer | undefined {
  if (v === null || v === undefined) return undefined;
  return typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
}

/**
 * A message as the project's encoders build it (the kafkajs shape: `checkpoint-topic.ts`,
 * `dead-letter-message.ts`) for @platformatic/kafka's producer: the same key, value (`null`, a
 * tombstone, stays without a value) and headers on the wire.
 */
export function toProduced(topic: string, m: Message): ProducedMessage {
  const headers: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries(m.headers ?? {})) {
    // A header given several values (kafkajs allows it; the project never does): the last.
    for (const one of Array.isArray(v) ? v : [v]) {
      const value = bytes(one);
      if (value !== undefined) headers[k] = value;
    }
  }
  const key = bytes(m.key);
  const value = bytes(m.value);
  return {
    topic,
    ...(key === undefined ? {} : { key }),
    ...(value === undefined ? {} : { value }),
    ...(m.partition === undefined ? {} : { partition: m.partition }),
    ...(Object.keys(headers).length === 0 ? {} : { headers }),
  };
}

/** A fetched record in the shape the checkpoint topic's reader folds (`CheckpointTopicReader.add`). */
export function toKafkaMessage(
  key: Buffer | null,
  value: Buffer | null,
  headers: readonly [Buffer | null, Buffer | null][],
  offset: bigint,
  timestamp: bigint,
): KafkaMessage {
  const h: IHeaders = {};
  for (const [k, v] of headers) if (k !== null && v !== null) h[k.toString('utf8')] = v;
  return {
    key,
    value,
    headers: h,
    offset: String(offset),
    timestamp: String(timestamp),
    attributes: 0,
  };
}
