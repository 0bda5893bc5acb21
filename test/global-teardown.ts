import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopKafka } from './support/kafka-broker';

export default async function globalTeardown(): Promise<void> {
  const marker = join(tmpdir(), `hexstream-jest-kafka-${process.ppid}`);
  const started = existsSync(marker) && readFileSync(marker, 'utf8') === 'stop';
  rmSync(marker, { force: true });
  if (started) await stopKafka();
}
