import { HexstreamError } from '../../domain/hexstream-error';
import { withDeadline } from '../system/deadline';
import { describeKafkaError } from './kafka-errors';

interface Client {
  disconnect(): Promise<void>;
}

/**
 * Waits at most `ms` for `connecting` (clients connecting, topics checked); past that, or when it
 * fails, rejects with `SINK_UNAVAILABLE`: `${what}: ${the broker's error}`. The clients are then
 * disconnected once the abandoned connect ends, without waiting for it: a disconnect waits for
 * requests in flight, up to kafkajs's 30 s request timeout.
 */
export async function connectWithin(
  connecting: Promise<unknown>,
  ms: number,
  clients: readonly Client[],
  what: string,
): Promise<void> {
  try {
    await withDeadline(connecting, ms, () => {
      throw new Error(`no answer within ${ms} ms`);
    });
  } catch (e) {
    void connecting
      .catch(() => undefined)
      .then(() => Promise.all(clients.map((c) => c.disconnect())))
      .catch(() => undefined);
    throw new HexstreamError('SINK_UNAVAILABLE', `${what}: ${describeKafkaError(e)}`, { cause: e });
  }
}

/** Where a source reads, for its messages, and how long it may take to join (default 30 s). */
export interface SourceConnection {
  readonly topic: string;
  readonly groupId: string;
  readonly brokers: readonly string[];
  readonly connectTimeoutMs?: number;
}

/**
 * Waits at most `connectTimeoutMs` for a source's `connecting` (offsets read, group joined); past
 * that, or when it fails, closes the source (`close`, whose failure adds nothing) and rejects with
 * `SOURCE_UNAVAILABLE`.
 */
export async function joinWithin(
  connecting: Promise<void>,
  source: SourceConnection,
  close: () => Promise<void>,
): Promise<void> {
  const { topic, groupId, brokers } = source;
  const ms = source.connectTimeoutMs ?? 30_000;
  try {
    await withDeadline(connecting, ms, () => {
      throw new HexstreamError('SOURCE_UNAVAILABLE', `timed out after ${ms} ms joining consumer group ${groupId}`);
    });
  } catch (e) {
    await close().catch(() => undefined);
    if (e instanceof HexstreamError) throw e;
    throw new HexstreamError(
      'SOURCE_UNAVAILABLE',
      `cannot read topic ${topic} from Kafka at ${brokers.join(',')}: ${(e as Error).message}`,
      { cause: e },
    );
  }
}
