import { readTopic } from './kafka-read';

/** A dead-letter topic's messages as the contracts' objects (value = raw, the rest from headers). */
export async function deadLettersOnTopic(topic: string): Promise<Array<Record<string, unknown>>> {
  return (await readTopic(topic)).map((m) => ({
    reason: m.headers['reason'],
    detail: m.headers['detail'],
    raw: m.value ?? '',
    partition: Number(m.headers['source-partition']),
    position: Number(m.headers['source-offset']),
  }));
}
