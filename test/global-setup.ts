import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureKafka, kafkaStatus } from './support/kafka-broker';

/** Starts the project's Kafka broker for the tests that need it (never skipped: failures say what to do). */
export default async function globalSetup(): Promise<void> {
  const before = await kafkaStatus();
  await ensureKafka();
  // Stop it afterwards only if these tests started it.
  writeFileSync(join(tmpdir(), `hexstream-jest-kafka-${process.ppid}`), before.running ? 'keep' : 'stop');
}
