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
