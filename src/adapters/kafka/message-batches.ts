import type { Message } from 'kafkajs';

/**
 * Most bytes of messages sent to one topic in one request. A request's messages for a partition
 * form one record batch, and a broker refuses a batch larger than its `message.max.bytes` (Kafka's
 * default: 1 MB), whatever the size of each message.
 */
export const MAX_REQUEST_BYTES = 900_000;

/** Per record: offsets, lengths, timestamps and header framing, generously. */
const RECORD_OVERHEAD_BYTES = 80;

/** A message's size on the wire, a little over rather than under. */
export function messageBytes(m: Message): number {
  const size = (v: Buffer | string | null | undefined): number =>
    v === null || v === undefined ? 0 : typeof v === 'string' ? Buffer.byteLength(v) : v.length;
  let headers = 0;
  for (const [k, v] of Object.entries(m.headers ?? {}))
    headers += Buffer.byteLength(k) + (typeof v === 'string' || Buffer.isBuffer(v) ? size(v) : 0);
  return size(m.key) + size(m.value) + headers + RECORD_OVERHEAD_BYTES;
}

/** `messages` cut, in order, into runs of at most `limit` bytes (a single larger message is a run of its own). */
export function batchesUnder(messages: readonly Message[], limit: number): Message[][] {
  const batches: Message[][] = [];
  let batch: Message[] = [];
  let bytes = 0;
  for (const m of messages) {
    const size = messageBytes(m);
    if (batch.length > 0 && bytes + size > limit) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(m);
    bytes += size;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}
