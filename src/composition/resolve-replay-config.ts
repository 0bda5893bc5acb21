import type { DeadLetterReason } from '../domain/records';
import { builtInJob, jobNames } from './built-in-jobs';
import { CONFIG_PATTERNS, isBrokerAddress } from './config-patterns';
import { instant, invalid } from './config-values';
import { isJobFilePath, loadJobFile } from './job-files';
import type { DeadLetterEntry } from './replay-io';

/** `replay`'s flags as parsed. */
export interface ReplayFlags {
  readonly job?: string;
  readonly brokers?: string;
  readonly topic?: string;
  readonly deadLetterTopic?: string;
  readonly reason?: string;
  readonly partition?: string;
  readonly fromOffset?: string;
  readonly toOffset?: string;
  readonly fromTime?: string;
  readonly toTime?: string;
  readonly dryRun?: boolean;
}

export interface ReplayConfig {
  readonly brokers: readonly string[];
  /** Where the letters go: the job's input topic. */
  readonly topic: string;
  readonly deadLetterTopic: string;
  readonly select: (letter: DeadLetterEntry) => boolean;
  readonly dryRun: boolean;
}

const REASONS: readonly DeadLetterReason[] = ['invalid', 'late', 'duplicate', 'error'];

/**
 * `replay`'s configuration: the topics as `prod` names them (`--topic`, default the job's;
 * `--dead-letter-topic`, default `<topic>.dead-letter`), and which letters to send: every filter
 * given must hold (`--reason` a list; `--partition` a list of source partitions; `--from-offset` and
 * `--to-offset` source offsets, both included; `--from-time` included and `--to-time` excluded,
 * the time the letter was written).
 */
export async function resolveReplayConfig(flags: ReplayFlags): Promise<ReplayConfig> {
  const brokers = (flags.brokers ?? '127.0.0.1:9092')
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '');
  if (brokers.length === 0 || brokers.some((b) => !isBrokerAddress(b)))
    throw invalid('--brokers', `expected host:port[,host:port…], got ${JSON.stringify(flags.brokers)}`);
  const topic = flags.topic ?? (await jobTopic(flags.job ?? 'orders'));
  const deadLetterTopic = flags.deadLetterTopic ?? `${topic}.dead-letter`;
  for (const [flag, name] of [
    ['--topic', topic],
    ['--dead-letter-topic', deadLetterTopic],
  ] as const)
    if (!CONFIG_PATTERNS.kafkaTopic.test(name))
      throw invalid(flag, `not a valid Kafka topic name: ${JSON.stringify(name)}`);
  return { brokers, topic, deadLetterTopic, select: selection(flags), dryRun: flags.dryRun === true };
}

async function jobTopic(name: string): Promise<string> {
  if (isJobFilePath(name)) return (await loadJobFile(name)).io.topic;
  const job = builtInJob(name);
  if (job === undefined)
    throw invalid('--job', `unknown job ${JSON.stringify(name)} (known: ${jobNames().join(', ')})`);
  return job.io.topic;
}

function selection(flags: ReplayFlags): (letter: DeadLetterEntry) => boolean {
  const reasons = flags.reason === undefined ? undefined : list('--reason', flags.reason, reason);
  const partitions = flags.partition === undefined ? undefined : list('--partition', flags.partition, whole);
  const fromOffset = flags.fromOffset === undefined ? undefined : whole('--from-offset', flags.fromOffset);
  const toOffset = flags.toOffset === undefined ? undefined : whole('--to-offset', flags.toOffset);
  const fromMs = instant('--from-time', flags.fromTime);
  const toMs = instant('--to-time', flags.toTime);
  if (fromOffset !== undefined && toOffset !== undefined && toOffset < fromOffset)
    throw invalid('--to-offset', `${toOffset} is before --from-offset ${fromOffset}`);
  if (fromMs !== undefined && toMs !== undefined && toMs <= fromMs)
    throw invalid('--to-time', 'must be after --from-time');
  return (d) => {
    const offset = d.sourceOffset ?? -1;
    return (
      (reasons === undefined || (d.reason !== undefined && reasons.includes(d.reason))) &&
      (partitions === undefined || (d.sourcePartition !== undefined && partitions.includes(d.sourcePartition))) &&
      (fromOffset === undefined || offset >= fromOffset) &&
      (toOffset === undefined || (offset >= 0 && offset <= toOffset)) &&
      (fromMs === undefined || d.timestampMs >= fromMs) &&
      (toMs === undefined || d.timestampMs < toMs)
    );
  };
}

function list<T>(flag: string, text: string, item: (flag: string, text: string) => T): T[] {
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length === 0) throw invalid(flag, 'expected at least one value');
  return items.map((s) => item(flag, s));
}

function reason(flag: string, text: string): string {
  if (!(REASONS as readonly string[]).includes(text))
    throw invalid(flag, `expected ${REASONS.join(', ')} (or a comma-separated list), got ${JSON.stringify(text)}`);
  return text;
}

function whole(flag: string, text: string): number {
  const n = /^\d{1,15}$/.test(String(text)) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n)) throw invalid(flag, `expected a whole number ≥ 0, got ${JSON.stringify(text)}`);
  return n;
}
