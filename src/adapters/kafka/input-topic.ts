import { Kafka, logLevel, type Admin } from 'kafkajs';
import { HexstreamError } from '../../domain/hexstream-error';
import { withDeadline } from '../system/deadline';
import { describeKafkaError } from './kafka-errors';

/** Bound on the whole check: a broker that accepts connections and never answers. */
const CHECK_TIMEOUT_MS = 15_000;

/** An admin client for a quick look at the brokers' topics: few retries, the caller bounds the wait. */
function checkingAdmin(brokers: readonly string[]): Admin {
  return new Kafka({
    clientId: 'hexstream-topic-check',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
    retry: { retries: 2 },
  }).admin();
}

/**
 * Fails with SOURCE_UNAVAILABLE unless `topic` exists on the brokers, before anything is opened or
 * created: a mistyped `--topic` must not leave a dead-letter, output or checkpoint topic behind, and
 * brokers that cannot be reached are reported as what the user names in `--brokers`, not as the
 * first topic some adapter happened to open. The topic list is read as it is (a metadata request
 * for all topics), which never creates a topic even where the broker auto-creates on request.
 */
export async function checkInputTopic(
  brokers: readonly string[],
  topic: string,
  timeoutMs = CHECK_TIMEOUT_MS,
): Promise<void> {
  const where = brokers.join(',');
  const admin = checkingAdmin(brokers);
  const listing = (async (): Promise<string[]> => {
    await admin.connect();
    return admin.listTopics();
  })();
  let topics: string[];
  try {
    topics = await withDeadline(listing, timeoutMs, () => {
      throw new Error(`no answer within ${timeoutMs} ms`);
    });
  } catch (e) {
    // Not awaited: a disconnect waits for requests in flight; the abandoned connect is closed when it ends.
    void listing
      .catch(() => undefined)
      .then(() => admin.disconnect())
      .catch(() => undefined);
    throw new HexstreamError(
      'SOURCE_UNAVAILABLE',
      `cannot reach Kafka at ${where} (--brokers) to read the input topic ${topic}: ${describeKafkaError(e)}`,
      { cause: e },
    );
  }
  await admin.disconnect().catch(() => undefined);
  if (!topics.includes(topic))
    throw new HexstreamError(
      'SOURCE_UNAVAILABLE',
      `topic ${topic} does not exist on ${where}: check --topic (and --brokers), or create the topic first`,
    );
}

/** How many partitions `topic` has (it must exist: see `checkInputTopic`), for `prod --threads auto`. */
export async function inputPartitionCount(
  brokers: readonly string[],
  topic: string,
  timeoutMs = CHECK_TIMEOUT_MS,
): Promise<number> {
  const admin = checkingAdmin(brokers);
  const reading = (async (): Promise<number> => {
    await admin.connect();
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    return topics[0]?.partitions.length ?? 0;
  })();
  try {
    return await withDeadline(reading, timeoutMs, () => {
      throw new Error(`no answer within ${timeoutMs} ms`);
    });
  } catch (e) {
    throw new HexstreamError(
      'SOURCE_UNAVAILABLE',
      `cannot read the partitions of ${topic} on ${brokers.join(',')} (--brokers): ${describeKafkaError(e)}`,
      { cause: e },
    );
  } finally {
    void reading
      .catch(() => undefined)
      .then(() => admin.disconnect())
      .catch(() => undefined);
  }
}
