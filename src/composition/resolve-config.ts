import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { parseFailpoints, type FailpointPlan } from '../adapters/failpoints/failpoints';
import { HexstreamError } from '../domain/hexstream-error';
import { isOutputMode } from '../domain/engine/output-mode';
import { boundedByDefault, defaultTopic, JOBS, jobNames } from '../domain/jobs/job-catalog';
import type { AnyJob } from '../domain/jobs/job';
import { DEFAULT_MAX_RECORD_BYTES } from '../domain/records';
import { sessionWindows, slidingWindows, type WindowSpec } from '../domain/windowing/window-spec';
import { STDIN } from '../adapters/file/byte-source';
import { CONFIG_PATTERNS, isBrokerAddress } from './config-patterns';
import { DURATION_SYNTAX, parseDuration } from './duration';
import type {
  BatchRunConfig,
  EngineConfig,
  KafkaOutputConfig,
  LogLevel,
  ProdRunConfig,
  TestRunConfig,
} from './run-config';

/** Flags as parsed (strings as typed; absent when neither flag nor HEXSTREAM_* variable is set). */
export interface RawFlags {
  readonly email?: string;
  readonly job?: string;
  readonly window?: string;
  readonly slide?: string;
  readonly sessionGap?: string;
  readonly watermark?: string;
  readonly idleTimeout?: string;
  readonly outputMode?: string;
  readonly triggerInterval?: string;
  readonly triggerRecords?: string | number;
  readonly maxDrift?: string;
  readonly progressInterval?: string;
  readonly logLevel?: string;
  readonly verbose?: boolean;
  readonly input?: string;
  readonly output?: string;
  readonly deadLetter?: string;
  readonly outbox?: string;
  readonly maxRecordBytes?: string | number;
  readonly arrivalTime?: string | number;
  readonly brokers?: string;
  readonly topic?: string;
  readonly group?: string;
  readonly mysql?: string;
  readonly postgres?: string;
  readonly smtp?: string;
  readonly deadLetterTopic?: string;
  readonly bounded?: boolean;
  readonly atEnd?: string;
  readonly maxOutage?: string;
  readonly toKafka?: boolean;
  readonly outputTopic?: string;
  readonly checkpointTopic?: string;
  readonly instanceId?: string;
  readonly failpoints?: string;
}

// Pragmatic address check: one @, a local part without spaces or specials, a dotted domain.
const EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export function invalid(flag: string, message: string): HexstreamError {
  return new HexstreamError('CONFIG_INVALID', `${flag}: ${message}`);
}

export function resolveEngineConfig(flags: RawFlags, prodDefaults: { triggerIntervalMs: number }): EngineConfig {
  const email = flags.email ?? '';
  if (email.length > 254 || !EMAIL.test(email))
    throw invalid('<email>', `not a valid e-mail address: ${JSON.stringify(email)}`);
  const jobName = flags.job ?? 'orders';
  const job: AnyJob | undefined = JOBS.get(jobName);
  if (job === undefined)
    throw invalid('--job', `unknown job ${JSON.stringify(jobName)} (known: ${jobNames().join(', ')})`);
  const d = job.defaults;
  if (d.fixedWindows !== undefined) {
    const flag =
      flags.window !== undefined
        ? '--window'
        : flags.slide !== undefined
          ? '--slide'
          : flags.sessionGap !== undefined
            ? '--session-gap'
            : undefined;
    if (flag !== undefined) throw invalid(flag, `job ${job.name} ${d.fixedWindows}: its windows cannot be changed`);
  }
  let window: WindowSpec;
  if (flags.sessionGap !== undefined) {
    if (flags.window !== undefined || flags.slide !== undefined)
      throw invalid('--session-gap', 'session windows take no --window or --slide');
    const gapMs = duration('--session-gap', flags.sessionGap, 0);
    if (gapMs <= 0) throw invalid('--session-gap', 'must be longer than 0');
    window = sessionWindows(gapMs);
  } else {
    const windowMs = duration('--window', flags.window, d.windowMs);
    const slideMs =
      flags.slide === undefined && flags.window !== undefined && d.slideMs === d.windowMs
        ? windowMs
        : duration('--slide', flags.slide, d.slideMs);
    if (windowMs <= 0) throw invalid('--window', 'must be longer than 0');
    if (slideMs <= 0) throw invalid('--slide', 'must be longer than 0');
    if (slideMs > windowMs) throw invalid('--slide', `must not exceed --window (${slideMs} ms > ${windowMs} ms)`);
    window = slidingWindows(windowMs, slideMs);
  }
  // A session's row is written once, when it closes: append is the one mode sessions have.
  const outputMode = flags.outputMode ?? (window.sessionGapMs !== undefined ? 'append' : d.outputMode);
  if (!isOutputMode(outputMode))
    throw invalid('--output-mode', `must be update, append or complete, got ${JSON.stringify(outputMode)}`);
  if (window.sessionGapMs !== undefined && outputMode !== 'append') {
    throw invalid(
      '--output-mode',
      `session windows need append mode (rows are upserted, never deleted: a merge of two sessions would leave the row of the merged one), got ${outputMode}`,
    );
  }
  const triggerIntervalMs = duration('--trigger-interval', flags.triggerInterval, prodDefaults.triggerIntervalMs);
  if (triggerIntervalMs <= 0) throw invalid('--trigger-interval', 'must be longer than 0');
  const progressIntervalMs = duration('--progress-interval', flags.progressInterval, 5_000);
  if (progressIntervalMs <= 0) throw invalid('--progress-interval', 'must be longer than 0');
  return {
    email,
    job,
    window,
    watermarkMs: duration('--watermark', flags.watermark, d.watermarkMs),
    outputMode,
    idleTimeoutMs: idleTimeout(flags.idleTimeout),
    triggerIntervalMs,
    triggerRecords: positiveInteger('--trigger-records', flags.triggerRecords, 50_000),
    progressIntervalMs,
    maxDriftMs: duration('--max-drift', flags.maxDrift, 60_000),
    logLevel: logLevel(flags),
  };
}

export function resolveTestConfig(flags: RawFlags, samplesDir: string): TestRunConfig {
  const engine = resolveEngineConfig(flags, { triggerIntervalMs: 1_000 });
  const name = engine.job.name;
  return {
    ...engine,
    mode: 'test',
    // `-` is standard input (e.g. `produce --to - | test … --input -`): nothing stored on disk.
    input: flags.input === STDIN ? STDIN : resolve(flags.input ?? `${samplesDir}/${engine.job.defaults.sampleFile}`),
    output: resolve(flags.output ?? `out/${name}.jsonl`),
    deadLetter: resolve(flags.deadLetter ?? `out/${name}.dead-letter.jsonl`),
    outbox: resolve(flags.outbox ?? 'out/outbox'),
    maxRecordBytes: positiveInteger('--max-record-bytes', flags.maxRecordBytes, DEFAULT_MAX_RECORD_BYTES),
    arrivalMs: instant('--arrival-time', flags.arrivalTime),
  };
}

/** An instant as epoch milliseconds or ISO-8601 with a zone (`2020-01-01T10:00:00Z`). */
function instant(flag: string, value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value).trim();
  const ms = /^\d+$/.test(text)
    ? Number(text)
    : /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$/.test(text)
      ? Date.parse(text)
      : NaN;
  if (!Number.isSafeInteger(ms))
    throw invalid(
      flag,
      `expected epoch milliseconds or an ISO-8601 time with a zone (e.g. 2020-01-01T10:00:00Z), got ${JSON.stringify(value)}`,
    );
  return ms;
}

/** `--idle-timeout`: a duration (0: a partition is idle as soon as a trigger passes without its records), or `off`: never idle. */
function idleTimeout(text: string | undefined): number {
  if (text === undefined) return 30_000;
  if (String(text).trim() === 'off') return Number.POSITIVE_INFINITY;
  const ms = parseDuration(String(text));
  if (ms === undefined)
    throw invalid(
      '--idle-timeout',
      `invalid duration ${JSON.stringify(text)}: write ${DURATION_SYNTAX}, or off (never idle)`,
    );
  return ms;
}

function duration(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const ms = parseDuration(String(text));
  if (ms === undefined) throw invalid(flag, `invalid duration ${JSON.stringify(text)}: write ${DURATION_SYNTAX}`);
  return ms;
}

function positiveInteger(flag: string, value: string | number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = typeof value === 'number' ? value : /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0)
    throw invalid(flag, `must be a positive integer, got ${JSON.stringify(value)}`);
  return n;
}

const TOPIC = CONFIG_PATTERNS.kafkaTopic;
const INSTANCE_ID = CONFIG_PATTERNS.instanceId;

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
  const topic = flags.topic ?? defaultTopic(engine.job.name);
  if (!TOPIC.test(topic)) throw invalid('--topic', `not a valid Kafka topic name: ${JSON.stringify(topic)}`);
  const deadLetterTopic = flags.deadLetterTopic ?? `${topic}.dead-letter`;
  if (!TOPIC.test(deadLetterTopic))
    throw invalid('--dead-letter-topic', `not a valid Kafka topic name: ${JSON.stringify(deadLetterTopic)}`);
  // Checkpoints are kept per job and group: another topic gets its own group, so that it never
  // resumes from the positions and state of the default topic.
  const group =
    flags.group ??
    (topic === defaultTopic(engine.job.name)
      ? `hexstream-${engine.job.name}`
      : `hexstream-${engine.job.name}-${topic}`);
  if (!TOPIC.test(group)) throw invalid('--group', `not a valid consumer group id: ${JSON.stringify(group)}`);
  const { mysqlUrl } = database(flags);
  if (flags.smtp !== undefined) checkUrl('--smtp', flags.smtp, ['smtp:', 'smtps:'], undefined);
  const kafkaOutput = resolveKafkaOutput(flags, engine.job.table.name);
  const bounded = flags.bounded ?? boundedByDefault(engine.job.name);
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

function positiveDuration(flag: string, text: string | undefined, fallback: number): number {
  const ms = duration(flag, text, fallback);
  if (ms <= 0) throw invalid(flag, 'must be longer than 0');
  return ms;
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

/** `--mysql` (default) or `--postgres`, checked. */
function database(flags: RawFlags): { mysqlUrl: string; postgresUrl: string | undefined } {
  const mysqlUrl = flags.mysql ?? 'mysql://root@127.0.0.1:3306/hexstream';
  checkUrl('--mysql', mysqlUrl, ['mysql:', 'mariadb:'], CONFIG_PATTERNS.mysqlDatabase);
  if (flags.postgres !== undefined) {
    if (flags.mysql !== undefined)
      throw invalid('--postgres', 'give --mysql or --postgres, not both: a job writes to one database');
    checkUrl('--postgres', flags.postgres, ['postgres:', 'postgresql:'], CONFIG_PATTERNS.postgresDatabase);
  }
  return { mysqlUrl, postgresUrl: flags.postgres };
}

/**
 * `--to-kafka` and its flags. The instance id defaults to the host name: stable across restarts of
 * one machine (or a StatefulSet pod), distinct between machines; two instances on one host need
 * their own `--instance-id`.
 */
function resolveKafkaOutput(flags: RawFlags, table: string): KafkaOutputConfig | undefined {
  if (flags.toKafka !== true) {
    for (const [value, flag] of [
      [flags.outputTopic, '--output-topic'],
      [flags.checkpointTopic, '--checkpoint-topic'],
      [flags.instanceId, '--instance-id'],
    ] as const) {
      if (value !== undefined) throw invalid(flag, 'only with --to-kafka');
    }
    return undefined;
  }
  if (flags.mysql !== undefined) throw invalid('--mysql', 'not with --to-kafka: the rows go to the Kafka topic');
  if (flags.postgres !== undefined) throw invalid('--postgres', 'not with --to-kafka: the rows go to the Kafka topic');
  const outputTopic = flags.outputTopic ?? table;
  if (!TOPIC.test(outputTopic))
    throw invalid('--output-topic', `not a valid Kafka topic name: ${JSON.stringify(outputTopic)}`);
  const checkpointTopic = flags.checkpointTopic ?? 'hexstream-checkpoints';
  if (!TOPIC.test(checkpointTopic))
    throw invalid('--checkpoint-topic', `not a valid Kafka topic name: ${JSON.stringify(checkpointTopic)}`);
  const instanceId =
    flags.instanceId ??
    (hostname()
      .replace(/[^A-Za-z0-9._-]/g, '-')
      .slice(0, 100) ||
      'default');
  if (!INSTANCE_ID.test(instanceId))
    throw invalid('--instance-id', `must match ${INSTANCE_ID.source}, got ${JSON.stringify(instanceId)}`);
  return { outputTopic, checkpointTopic, instanceId };
}

/**
 * Checks a service URL without ever echoing its password: a database URL's path must be a database
 * name matching `database` (taken as typed: a percent-escape is refused, not decoded); a URL
 * without a database (`--smtp`) takes no path, query or fragment.
 */
function checkUrl(flag: string, text: string, protocols: readonly string[], database: RegExp | undefined): void {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid(flag, 'not a valid URL');
  }
  if (!protocols.includes(url.protocol))
    throw invalid(flag, `must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
  if (url.hostname === '') throw invalid(flag, 'names no host');
  if (database === undefined) {
    if ((url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.hash !== '')
      throw invalid(flag, 'takes no path, query or fragment');
    return;
  }
  const db = url.pathname.replace(/^\//, '');
  if (!database.test(db)) throw invalid(flag, `database name must match ${database.source}, got ${JSON.stringify(db)}`);
}

function logLevel(flags: RawFlags): LogLevel {
  if (flags.verbose === true) return 'debug';
  const level = flags.logLevel ?? 'warn';
  if (level === 'debug' || level === 'info' || level === 'warn' || level === 'error' || level === 'silent')
    return level;
  throw invalid('--log-level', `must be debug, info, warn, error or silent, got ${JSON.stringify(level)}`);
}
