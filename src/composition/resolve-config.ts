import { dirname, resolve } from 'node:path';
import { parseFailpoints, type FailpointPlan } from '../adapters/failpoints/failpoints';
import { DEFAULT_MAX_RECORD_BYTES } from '../domain/records';
import { STDIN } from '../adapters/file/byte-source';
import { CONFIG_PATTERNS, isBrokerAddress } from './config-patterns';
import { instant, invalid, positiveDuration, positiveInteger } from './config-values';
import { resolveInstanceId, resolveKafkaClient, resolveKafkaOutput } from './kafka-output-config';
import type { RawFlags } from './raw-flags';
import { resolveEngineConfig } from './resolve-engine-config';
import type { BatchRunConfig, ProdRunConfig, TestRunConfig } from './run-config';
import { checkUrl, database } from './service-urls';

export type { RawFlags } from './raw-flags';
export { invalid } from './config-values';
export { resolveEngineConfig } from './resolve-engine-config';

export function resolveTestConfig(flags: RawFlags, samplesDir: string): TestRunConfig {
  const engine = resolveEngineConfig(flags, { triggerIntervalMs: 1_000 });
  const name = engine.job.name;
  return {
    ...engine,
    mode: 'test',
    // `-` is standard input (e.g. `produce --to - | test … --input -`): nothing stored on disk.
    input:
      flags.input === STDIN
        ? STDIN
        : resolve(flags.input ?? sampleOf(flags, samplesDir, engine.job.defaults.sampleFile)),
    output: resolve(flags.output ?? `out/${name}.jsonl`),
    deadLetter: resolve(flags.deadLetter ?? `out/${name}.dead-letter.jsonl`),
    outbox: resolve(flags.outbox ?? 'out/outbox'),
    maxRecordBytes: positiveInteger('--max-record-bytes', flags.maxRecordBytes, DEFAULT_MAX_RECORD_BYTES),
    arrivalMs: instant('--arrival-time', flags.arrivalTime),
  };
}

/** A built-in job's sample is in the shipped samples; a job file's, next to the file. */
function sampleOf(flags: RawFlags, samplesDir: string, sampleFile: string): string {
  return flags.jobFile === undefined ? `${samplesDir}/${sampleFile}` : resolve(dirname(flags.jobFile.file), sampleFile);
}

const TOPIC = CONFIG_PATTERNS.kafkaTopic;

export function resolveProdConfig(flags: RawFlags): ProdRunConfig {
  const engine = resolveEngineConfig({ ...flags, logLevel: flags.logLevel ?? 'info' }, { triggerIntervalMs: 1_000 });
  const brokers = (flags.brokers ?? '127.0.0.1:9092')
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '');
  const badBroker = brokers.find((b) => !isBrokerAddress(b));
  if (brokers.length === 0 || badBroker !== undefined)
    throw invalid(
      '--brokers',
      `expected host:port[,host:port…] (a host name or IPv4 address, a port from 1 to 65535), got ${JSON.stringify(flags.brokers)}`,
    );
  const topic = flags.topic ?? engine.job.io.topic;
  if (!TOPIC.test(topic)) throw invalid('--topic', `not a valid Kafka topic name: ${JSON.stringify(topic)}`);
  const deadLetterTopic = flags.deadLetterTopic ?? `${topic}.dead-letter`;
  if (!TOPIC.test(deadLetterTopic))
    throw invalid('--dead-letter-topic', `not a valid Kafka topic name: ${JSON.stringify(deadLetterTopic)}`);
  // Checkpoints are kept per job and group: another topic gets its own group, so that it never
  // resumes from the positions and state of the default topic.
  const group =
    flags.group ??
    (topic === engine.job.io.topic ? `hexstream-${engine.job.name}` : `hexstream-${engine.job.name}-${topic}`);
  if (!TOPIC.test(group)) throw invalid('--group', `not a valid consumer group id: ${JSON.stringify(group)}`);
  const { mysqlUrl } = database(flags);
  if (flags.smtp !== undefined) checkUrl('--smtp', flags.smtp, ['smtp:', 'smtps:'], undefined);
  const kafkaClient = resolveKafkaClient(flags);
  const instanceId = resolveInstanceId(flags, kafkaClient);
  const kafkaOutput = resolveKafkaOutput(flags, engine.job.table.name, instanceId);
  const bounded = flags.bounded ?? engine.job.io.bounded;
  return {
    ...engine,
    mode: 'prod',
    brokers,
    topic,
    group,
    mysqlUrl,
    postgresUrl: flags.postgres,
    deadLetterTopic,
    smtpUrl: flags.smtp,
    outbox: resolve(flags.outbox ?? 'out/outbox'),
    bounded,
    atEnd: atEnd(flags.atEnd, bounded),
    maxRecordBytes: positiveInteger('--max-record-bytes', flags.maxRecordBytes, DEFAULT_MAX_RECORD_BYTES),
    kafkaOutput,
    kafkaClient,
    groupInstanceId: kafkaClient === 'platformatic' ? instanceId : undefined,
    maxOutageMs: positiveDuration('--max-outage', flags.maxOutage, 5 * 60_000),
    failpoints: failpointPlan(flags.failpoints),
  };
}

/**
 * `--at-end` of a bounded prod run: `keep` (default) commits the windows still open for the next
 * run, which continues them exactly; `flush` writes them now, and a later run takes records for
 * them as late.
 */
function atEnd(text: string | undefined, bounded: boolean): 'flush' | 'keep' {
  if (text === undefined) return 'keep';
  if (text !== 'flush' && text !== 'keep')
    throw invalid('--at-end', `must be flush or keep, got ${JSON.stringify(text)}`);
  if (!bounded)
    throw invalid(
      '--at-end',
      'only with --bounded: an unbounded run has no end of input (a stop keeps the open windows for the next run)',
    );
  return text;
}

export function resolveBatchConfig(flags: RawFlags): BatchRunConfig {
  const engine = resolveEngineConfig({ ...flags, logLevel: flags.logLevel ?? 'warn' }, { triggerIntervalMs: 1_000 });
  if (flags.input === undefined) throw invalid('--input', 'batch needs the FILE or DIR to read');
  if (flags.input === STDIN)
    throw invalid(
      '--input',
      'batch reads files, whose positions it stores to read on from them later: standard input cannot be read again (use test mode)',
    );
  const group = flags.group ?? `hexstream-${engine.job.name}-batch`;
  if (!TOPIC.test(group)) throw invalid('--group', `not a valid group id: ${JSON.stringify(group)}`);
  return {
    ...engine,
    mode: 'batch',
    input: resolve(flags.input),
    deadLetter: resolve(flags.deadLetter ?? `out/${engine.job.name}.dead-letter.jsonl`),
    outbox: resolve(flags.outbox ?? 'out/outbox'),
    maxRecordBytes: positiveInteger('--max-record-bytes', flags.maxRecordBytes, DEFAULT_MAX_RECORD_BYTES),
    arrivalMs: instant('--arrival-time', flags.arrivalTime),
    group,
    ...database(flags),
    failpoints: failpointPlan(flags.failpoints),
  };
}

/** `--failpoints` (hidden, for crash tests; also HEXSTREAM_FAILPOINTS): see `FAILPOINTS`. */
function failpointPlan(text: string | undefined): FailpointPlan {
  if (text === undefined) return new Map();
  const parsed = parseFailpoints(String(text));
  if (!parsed.ok) throw invalid('--failpoints', parsed.message);
  return parsed.plan;
}
