import type { ServiceIdentifier } from 'inversify';
import type { PipelineSettings } from '../domain/pipeline/stream-pipeline';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** Settings shared by every mode, resolved from flags > HEXSTREAM_* environment > job defaults. */
export interface EngineConfig extends Omit<PipelineSettings, 'onStop'> {
  readonly email: string;
  readonly logLevel: LogLevel;
}

/** `test` mode: files in, files out, no services. */
export interface TestRunConfig extends EngineConfig {
  readonly mode: 'test';
  readonly input: string;
  readonly output: string;
  readonly deadLetter: string;
  readonly outbox: string;
  readonly maxRecordBytes: number;
}

/** `prod --to-kafka`: rows, dead letters and checkpoints go to Kafka, one transaction per trigger. */
export interface KafkaOutputConfig {
  readonly outputTopic: string;
  /** Compacted topic holding every job's checkpoints and snapshots. */
  readonly checkpointTopic: string;
  /** Part of the transactional id: stable across restarts, unique among concurrent instances. */
  readonly instanceId: string;
}

/** `prod` mode: a Kafka consumer group in, MySQL/MariaDB (or a Kafka topic) out, effectively once. */
export interface ProdRunConfig extends EngineConfig {
  readonly mode: 'prod';
  readonly brokers: readonly string[];
  readonly topic: string;
  readonly group: string;
  readonly mysqlUrl: string;
  /** When set, the rows and checkpoints go to PostgreSQL instead of MySQL. */
  readonly postgresUrl: string | undefined;
  readonly deadLetterTopic: string;
  /** SMTP server for the report and alerts; without it they go to `outbox` as .eml files. */
  readonly smtpUrl: string | undefined;
  readonly outbox: string;
  /** Read up to the end offsets seen at start, then stop (for backfills and tests). */
  readonly bounded: boolean;
  /** When set, rows go to a Kafka topic exactly once instead of a database. */
  readonly kafkaOutput: KafkaOutputConfig | undefined;
}

export type RunConfig = TestRunConfig | ProdRunConfig;

export const RunConfig: ServiceIdentifier<RunConfig> = Symbol.for('hexstream.RunConfig');
