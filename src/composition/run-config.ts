import type { ServiceIdentifier } from 'inversify';
import type { FailpointPlan } from '../adapters/failpoints/failpoints';
import type { PipelineSettings } from '../domain/pipeline/stream-pipeline';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** How log lines look: `json` (one JSON object a line) or `pretty` (for a person at a terminal). */
export type LogFormat = 'json' | 'pretty';

/** Settings shared by every mode, resolved from flags > HEXSTREAM_* environment > job defaults. */
export interface EngineConfig extends Omit<PipelineSettings, 'onStop'> {
  readonly email: string;
  readonly logLevel: LogLevel;
  /** `--log-format`; undefined: pretty when standard error is a terminal, else json. */
  readonly logFormat?: LogFormat;
  /** Keep the final result table in memory for the command to print (jobs with a report, such as price-stats). */
  readonly keepFinalTable?: boolean;
}

/** `test` mode: files in, files out, no services. */
export interface TestRunConfig extends EngineConfig {
  readonly mode: 'test';
  readonly input: string;
  readonly output: string;
  readonly deadLetter: string;
  readonly outbox: string;
  readonly maxRecordBytes: number;
  /** Arrival time of every record read (epoch ms): the time of records that carry none (IEX quotes). */
  readonly arrivalMs: number | undefined;
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
  /** At the end of a bounded run: write the windows still open (`flush`) or commit them for the next run (`keep`). */
  readonly atEnd: 'flush' | 'keep';
  /** Longer messages are invalid records (a preview of their start is dead-lettered). */
  readonly maxRecordBytes: number;
  /** When set, rows go to a Kafka topic exactly once instead of a database. */
  readonly kafkaOutput: KafkaOutputConfig | undefined;
  /** The Kafka client library of the adapters (`--kafka-client`, default kafkajs). */
  readonly kafkaClient: 'kafkajs' | 'platformatic';
  /** The consumer's `group.instance.id` (static membership): with the platformatic client only. */
  readonly groupInstanceId: string | undefined;
  /** Failpoints turned on (`--failpoints`, hidden; crash tests): none by default. */
  readonly failpoints: FailpointPlan;
}

/**
 * `batch` mode: files in (a file or a directory, each file a partition identified by its name),
 * MySQL or PostgreSQL out with the same transaction per trigger as prod; positions are stored with
 * the rows, so running it again over the same files changes nothing and reads only what was added.
 */
export interface BatchRunConfig extends EngineConfig {
  readonly mode: 'batch';
  readonly input: string;
  readonly deadLetter: string;
  readonly outbox: string;
  readonly maxRecordBytes: number;
  readonly arrivalMs: number | undefined;
  /** Whose positions: runs with the same group continue each other. */
  readonly group: string;
  readonly mysqlUrl: string;
  readonly postgresUrl: string | undefined;
  readonly failpoints: FailpointPlan;
}

export type RunConfig = TestRunConfig | ProdRunConfig | BatchRunConfig;

export const RunConfig: ServiceIdentifier<RunConfig> = Symbol.for('hexstream.RunConfig');
