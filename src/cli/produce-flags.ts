import { invalid } from '../composition/resolve-config';
import type { KafkaTarget } from '../composition/produce-io';

export interface ProduceFlags {
  readonly job?: string;
  readonly count?: string;
  readonly seed?: string;
  readonly to: string;
  readonly start?: string;
  readonly eventRate?: string;
  readonly faultShare?: string;
  readonly brokers?: string;
  readonly topic?: string;
  readonly partitions?: string;
  readonly rate?: string;
}

const DEFAULT_BROKERS = '127.0.0.1:9092';

/** Where `--to kafka` sends: `--brokers`, and `--topic` or else the job's input topic. */
export function kafkaTarget(jobTopic: string, flags: ProduceFlags): KafkaTarget {
  const text = flags.brokers ?? DEFAULT_BROKERS;
  const brokers = String(text)
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '');
  const bad = brokers.find((b) => !isHostPort(b));
  if (brokers.length === 0 || bad !== undefined)
    throw invalid('--brokers', `expected host:port[,host:port…], got ${JSON.stringify(text)}`);
  const topic = flags.topic ?? jobTopic;
  if (!/^[A-Za-z0-9._-]{1,249}$/.test(topic) || topic === '.' || topic === '..') {
    throw invalid(
      '--topic',
      `not a valid Kafka topic name (letters, digits, . _ -; at most 249): ${JSON.stringify(topic)}`,
    );
  }
  return { brokers, topic, partitions: integer('--partitions', flags.partitions, 3, 1) };
}

function isHostPort(text: string): boolean {
  const m = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?):(\d{1,5})$/.exec(text);
  const port = Number(m?.[1]);
  return m !== null && port >= 1 && port <= 65535;
}

/** `--rate 500` or `--rate 500/s`. */
export function recordsPerSecond(flag: string, text: string): number {
  const n = Number(String(text).replace(/\/s$/, ''));
  if (String(text).trim() === '' || !Number.isFinite(n) || n <= 0)
    throw invalid(flag, `must be a number of records per second greater than 0, got ${JSON.stringify(text)}`);
  return n;
}

export function integer(flag: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  const n = /^\d+$/.test(String(text)) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min)
    throw invalid(flag, `must be a whole number ≥ ${min}, got ${JSON.stringify(text)}`);
  return n;
}

export function number(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (String(text).trim() === '' || !Number.isFinite(n))
    throw invalid(flag, `must be a number, got ${JSON.stringify(text)}`);
  return n;
}
