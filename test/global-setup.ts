import { Kafka, logLevel } from 'kafkajs';
import { reapOrphanKafkas, startOwnKafka, type OwnKafka } from './support/kafka-broker';
import { checkMariaDb } from './support/mariadb';
import { checkPostgres } from './support/postgres';

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

/** Fails, saying what to start, when the shared MariaDB or PostgreSQL does not answer: before a long run, not in its middle. */
async function checkDatabases(): Promise<void> {
  const failed = (await Promise.allSettled([checkMariaDb(), checkPostgres()])).flatMap((r) =>
    r.status === 'rejected' ? [r.reason instanceof Error ? r.reason.message : String(r.reason)] : [],
  );
  if (failed.length > 0) throw new Error(failed.join('\n'));
}

/**
 * The services of the integration, e2e and soak tiers (the unit tier needs none), never skipped:
 * failures say what to do. MariaDB and PostgreSQL must answer. The Kafka broker: by default one of
 * this run's own on a free pair of ports, with a fresh data dir (the jars are fetched once into
 * HEXSTREAM_KAFKA_HOME); a broker already on 9092 — the user's, another checkout's — is left alone.
 * HEXSTREAM_TEST_BROKERS names a running broker to use instead (topics get unique names). The tests
 * and the CLI runs they spawn find it in HEXSTREAM_BROKERS; `kafka.sh` calls without options find
 * this run's broker by HEXSTREAM_KAFKA_PORT and HEXSTREAM_KAFKA_DATA.
 */
export default async function globalSetup(): Promise<void> {
  await checkDatabases();
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
