import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureKafka, kafkaStatus } from './support/kafka-broker';

/** Starts the project's Kafka broker for the tests that need it (never skipped: failures say what to do). */
export default async function globalSetup(): Promise<void> {
  // A broker moved to another port (two checkouts testing side by side): the CLI runs use it too.
  const port = process.env['HEXSTREAM_KAFKA_PORT'];
  if (port !== undefined && port !== '') process.env['HEXSTREAM_BROKERS'] = `127.0.0.1:${port}`;
  const before = await kafkaStatus();
  await ensureKafka();
  // Stop it afterwards only if these tests started it.
  writeFileSync(join(tmpdir(), `hexstream-jest-kafka-${process.ppid}`), before.running ? 'keep' : 'stop');
}
