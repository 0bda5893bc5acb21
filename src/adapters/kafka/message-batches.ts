import type { Message } from 'kafkajs';

/** Per record: offsets, lengths, timestamps and header framing, generously. */
const RECORD_OVERHEAD_BYTES = 80;

/** About what a message takes in a record batch: key, value, headers and framing. */
export function messageBytes(m: Message): number {
  const size = (v: Buffer | string | null | undefined): number => (v === null || v === undefined ? 0 : typeof v === 'string' ? Buffer.byteLength(v) : v.length);
  let headers = 0;
  for (const [k, v] of Object.entries(m.headers ?? {})) headers += Buffer.byteLength(k) + (typeof v === 'string' || Buffer.isBuffer(v) ? size(v) : 0);
  return size(m.key) + size(m.value) + headers + RECORD_OVERHEAD_BYTES;
}

/**
 * `messages` in order, cut into sends of at most `maxBytes` (a larger message alone): a broker
 * refuses a record batch over its `message.max.bytes` (1 MB by default), and one send of a whole
 * trigger would also be held in memory at once.
 */
export function* batchesUnder(messages: readonly Message[], maxBytes: number): Generator<Message[]> {
  let batch: Message[] = [];
  let bytes = 0;
  for (const m of messages) {
    const size = messageBytes(m);
    if (batch.length > 0 && bytes + size > maxBytes) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(m);
    bytes += size;
  }
  if (batch.length > 0) yield batch;
}
