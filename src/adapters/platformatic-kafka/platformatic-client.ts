import { ListOffsetTimestamps, type Admin, type Consumer } from '@platformatic/kafka';

/** The settings every @platformatic/kafka client of the project shares. */
export interface ClientBase {
  readonly clientId: string;
  readonly bootstrapBrokers: string[];
  readonly connectTimeout: number;
  readonly requestTimeout: number;
  readonly retries: number;
  readonly retryDelay: number;
  readonly metadataMaxAge: number;
}

/**
 * Connection settings as the kafkajs adapters' (3 s to connect, a few retries with back-off): a
 * broker that is down fails an operation within seconds; the callers decide whether to wait.
 * Metadata is read again after 5 s, as the kafkajs source's, so new partitions are seen.
 */
export function clientBase(clientId: string, brokers: readonly string[], connectTimeoutMs = 3_000): ClientBase {
  return {
    clientId,
    bootstrapBrokers: [...brokers],
    connectTimeout: Math.min(connectTimeoutMs, 10_000),
    requestTimeout: 30_000,
    retries: 3,
    retryDelay: 250,
    metadataMaxAge: 5_000,
  };
}

/** Per partition of `topic`, the first offset the log holds and the offset after its last record. */
export async function topicOffsets(
  client: Consumer,
  topic: string,
): Promise<{ partition: number; low: string; high: string }[]> {
  const [low, high] = await Promise.all([
    client.listOffsets({ topics: [topic], timestamp: ListOffsetTimestamps.EARLIEST }),
    client.listOffsets({ topics: [topic], timestamp: ListOffsetTimestamps.LATEST }),
  ]);
  const lows = low.get(topic) ?? [];
  const highs = high.get(topic) ?? [];
  if (highs.length === 0) throw new Error(`topic ${topic} does not exist or has no partitions`);
  return highs.map((h, partition) => ({ partition, low: String(lows[partition] ?? 0n), high: String(h) }));
}

/** Per partition of `topic`, the offset `group` committed (partitions without one are absent). */
export async function committedOffsets(admin: Admin, group: string, topic: string): Promise<Map<number, number>> {
  const [answer] = await admin.listConsumerGroupOffsets({ groups: [group] });
  const at = new Map<number, number>();
  for (const t of (answer?.topics ?? []).filter((t) => t.name === topic))
    for (const p of t.partitions) if (p.committedOffset >= 0n) at.set(p.partitionIndex, Number(p.committedOffset));
  return at;
}

/** Closes clients, ignoring failures (a broker that is gone has nothing to say goodbye to). */
export async function closeQuietly(...clients: ({ close(): Promise<void> } | undefined)[]): Promise<void> {
  await Promise.all(clients.map((c) => (c === undefined ? Promise.resolve() : c.close().catch(() => undefined))));
}
