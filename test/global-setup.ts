import { Kafka, logLevel } from 'kafkajs';
import { reapOrphanKafkas, startOwnKafka, type OwnKafka } from './support/kafka-broker';

/** What the teardown (same process) needs to stop: the broker this run started, if any. */
export const testKafka = globalThis as typeof globalThis & { hexstreamTestKafka?: OwnKafka };

/** Fails with a message naming the variable when the broker the user named does not answer. */
async function checkNamedBrokers(brokers: string): Promise<void> {
  const admin = new Kafka({
    clientId: 'hexstream-test-setup',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
    retry: { retries: 2 },
  }).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
  } catch (e) {
    throw new Error(
      `HEXSTREAM_TEST_BROKERS=${brokers}: the broker does not answer (${e instanceof Error ? e.message : String(e)}); start it, or unset the variable to let the tests run a broker of their own`,
      { cause: e },
    );
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * The Kafka broker the tests use (never skipped: failures say what to do). By default a broker of
 * this run's own on a free pair of ports, with a fresh data dir (the jars are fetched once into
 * HEXSTREAM_KAFKA_HOME); a broker already on 9092 — the user's, another checkout's — is left alone.
 * HEXSTREAM_TEST_BROKERS names a running broker to use instead (topics get unique names). The tests
 * and the CLI runs they spawn find it in HEXSTREAM_BROKERS; `kafka.sh` calls without options find
 * this run's broker by HEXSTREAM_KAFKA_PORT and HEXSTREAM_KAFKA_DATA.
 */
export default async function globalSetup(): Promise<void> {
  const named = process.env['HEXSTREAM_TEST_BROKERS']?.trim() ?? '';
  if (named !== '') {
    await checkNamedBrokers(named);
    process.env['HEXSTREAM_BROKERS'] = named;
    return;
  }
  // Brokers of earlier runs that were interrupted before their teardown (Ctrl-C).
  await reapOrphanKafkas();
  const kafka = await startOwnKafka();
  testKafka.hexstreamTestKafka = kafka;
  process.env['HEXSTREAM_BROKERS'] = kafka.brokers;
  process.env['HEXSTREAM_KAFKA_PORT'] = String(kafka.port);
  process.env['HEXSTREAM_KAFKA_DATA'] = kafka.dataDir;
}
