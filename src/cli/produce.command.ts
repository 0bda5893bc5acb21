import { resolve } from 'node:path';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { openFileOutput, type FileOutput } from '../adapters/file/file-output';
import { KafkaRecordProducer, type MessageKeyOf } from '../adapters/kafka/kafka-record-producer';
import { GENERATORS } from '../domain/jobs/generator-catalog';
import { defaultTopic } from '../domain/jobs/job-catalog';
import type { GeneratedRecord } from '../domain/jobs/orders.generator';
import type { StopToken } from '../domain/pipeline/stream-pipeline';
import { invalid } from '../composition/resolve-config';
import { formatCount, type CliOutput } from './console-output';
import { stopOnSignals } from './stop-on-signals';

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

/**
 * The Kafka message key of a generated record, per job: records of one key land in one partition,
 * so per-key order holds. A job not listed here is produced without keys (round robin).
 */
export const MESSAGE_KEYS: ReadonlyMap<string, MessageKeyOf> = new Map<string, MessageKeyOf>([
  ['orders', jsonIntegerField('shopid')],
  ['stock-averages', tradeSymbol],
  ['ohlc', jsonStringField('symbol')],
  ['top-price', jsonStringField('symbol')],
  ['price-stats', jsonStringField('symbol')],
]);

/** `--fault-share` when not given: the exercise's price producer sends only well-formed messages. */
const FAULT_SHARE_DEFAULTS: ReadonlyMap<string, number> = new Map([['price-stats', 0]]);

const KAFKA = 'kafka';
const DEFAULT_BROKERS = '127.0.0.1:9092';
const PROGRESS_EVERY_MS = 2_000;

/** `hexstream produce --to kafka|FILE|-`: sends or writes generated records, one per line. */
export async function produceCommand(flags: ProduceFlags, out: CliOutput): Promise<number> {
  const job = flags.job ?? 'orders';
  const generate = GENERATORS.get(job);
  if (generate === undefined)
    throw invalid('--job', `no generator for job ${JSON.stringify(job)} (known: ${[...GENERATORS.keys()].join(', ')})`);
  const toKafka = flags.to === KAFKA;
  const rate = flags.rate === undefined ? undefined : recordsPerSecond('--rate', flags.rate);
  if (rate !== undefined && !toKafka) throw invalid('--rate', 'only with --to kafka');
  // A paced run goes on until stopped unless --count says otherwise.
  const count =
    rate !== undefined && flags.count === undefined
      ? Number.MAX_SAFE_INTEGER
      : integer('--count', flags.count, 5000, 0);
  const seed = integer('--seed', flags.seed, 1, 0);
  // Paced, event time follows the wall clock, so a live pipeline sees realistic event times.
  const startMs =
    flags.start === undefined ? (rate === undefined ? Date.UTC(2025, 0, 1) : Date.now()) : Date.parse(flags.start);
  if (!Number.isFinite(startMs)) throw invalid('--start', `not an ISO-8601 instant: ${JSON.stringify(flags.start)}`);
  const eventsPerSecond = number('--event-rate', flags.eventRate, rate ?? 1000);
  if (eventsPerSecond <= 0) throw invalid('--event-rate', 'must be greater than 0');
  const faultShare = number('--fault-share', flags.faultShare, FAULT_SHARE_DEFAULTS.get(job) ?? 0.01);
  if (faultShare < 0 || faultShare > 1) throw invalid('--fault-share', 'must be between 0 and 1');
  if (toKafka)
    return produceToKafka(job, generate({ count, seed, startMs, eventsPerSecond, faultShare }), flags, rate, out);
  return produceToFile(job, generate({ count, seed, startMs, eventsPerSecond, faultShare }), count, flags.to, out);
}

async function produceToFile(
  job: string,
  records: Iterable<GeneratedRecord>,
  count: number,
  to: string,
  out: CliOutput,
): Promise<number> {
  const toStdout = to === '-';
  const path = resolve(to);
  // A file is put in place only once whole; a failed write (a full disk) ends with one line naming it.
  const file = toStdout ? undefined : await openFileOutput(path, { mode: 'replace' });
  const kinds = new Map<string, number>();
  let chunk = '';
  try {
    for (const record of records) {
      kinds.set(record.kind, (kinds.get(record.kind) ?? 0) + 1);
      chunk += `${record.line}\n`;
      if (chunk.length >= 1 << 20) {
        await emit(file, chunk);
        chunk = '';
      }
    }
    await emit(file, chunk);
    await file?.complete();
  } catch (e) {
    await file?.discard();
    throw e;
  }
  const summary = [...kinds].map(([k, n]) => `${k} ${formatCount(n)}`).join(', ');
  const line = `wrote ${formatCount(count)} ${job} records (${summary}) to ${toStdout ? 'stdout' : path}`;
  if (toStdout) process.stderr.write(`${line}\n`);
  else out.line(line);
  return 0;
}

interface KafkaTarget {
  readonly brokers: readonly string[];
  readonly topic: string;
  readonly partitions: number;
}

function kafkaTarget(job: string, flags: ProduceFlags): KafkaTarget {
  const text = flags.brokers ?? DEFAULT_BROKERS;
  const brokers = String(text)
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '');
  const bad = brokers.find((b) => !isHostPort(b));
  if (brokers.length === 0 || bad !== undefined)
    throw invalid('--brokers', `expected host:port[,host:port…], got ${JSON.stringify(text)}`);
  const topic = flags.topic ?? defaultTopic(job);
  if (!/^[A-Za-z0-9._-]{1,249}$/.test(topic) || topic === '.' || topic === '..') {
    throw invalid(
      '--topic',
      `not a valid Kafka topic name (letters, digits, . _ -; at most 249): ${JSON.stringify(topic)}`,
    );
  }
  return { brokers, topic, partitions: integer('--partitions', flags.partitions, 3, 1) };
}

async function produceToKafka(
  job: string,
  records: Iterable<GeneratedRecord>,
  flags: ProduceFlags,
  rate: number | undefined,
  out: CliOutput,
): Promise<number> {
  const target = kafkaTarget(job, flags);
  const producer = new KafkaRecordProducer({ ...target, key: MESSAGE_KEYS.get(job) ?? noKey });
  const opened = await producer.open();
  if (opened.partitions !== target.partitions) {
    process.stderr.write(
      `topic ${target.topic} exists with ${opened.partitions} partition${opened.partitions === 1 ? '' : 's'}; left as it is\n`,
    );
  }
  // Signals are caught only once connected: until then Ctrl-C simply ends the process.
  const stop = stopOnSignals();
  const startedAt = performance.now();
  const progress = setInterval(() => {
    const seconds = (performance.now() - startedAt) / 1000;
    process.stderr.write(
      `sent ${formatCount(producer.sent)} records, ${formatCount(producer.sent / seconds)}/s, ${seconds.toFixed(1)} s elapsed\n`,
    );
  }, PROGRESS_EVERY_MS);
  progress.unref();
  let kinds: Map<string, number>;
  try {
    kinds = await sendPaced(records, producer, rate, stop);
  } finally {
    clearInterval(progress);
    stop.dispose();
    await producer.close().catch(() => undefined);
  }
  if (stop.isStopped()) process.stderr.write(`stopped by signal after ${formatCount(producer.sent)} records\n`);
  const summary = [
    'valid',
    'late',
    'duplicate',
    'malformed',
    ...[...kinds.keys()].filter((k) => !STANDARD_KINDS.has(k)),
  ]
    .map((k) => `${k} ${formatCount(kinds.get(k) ?? 0)}`)
    .join(', ');
  out.line(
    `sent ${formatCount(producer.sent)} ${job} records (${summary}) to topic ${target.topic} on ${target.brokers.join(',')}`,
  );
  return 0;
}

const STANDARD_KINDS: ReadonlySet<string> = new Set(['valid', 'late', 'duplicate', 'malformed']);

/*
 * Pacing with --rate R: record i is due at t0 + i/R seconds, so the average rate holds however long
 * a send takes (a stall is caught up, in batches). Between sends it sleeps until about 10 ms worth
 * of records are due, so batches are not one record each:
 *
 *   due:   0   1   2   3   4   5   6   7 …         (every 1/R s)
 *   send:  [0]        [1 2 3 4 5]     [6 7 8 9 10] (each send awaited)
 *          └─ sleep ─┘           └─ sleep ┘
 *
 * Without --rate there is no schedule: everything is due at once, and only the batch sends pace it.
 */
async function sendPaced(
  records: Iterable<GeneratedRecord>,
  producer: KafkaRecordProducer,
  rate: number | undefined,
  stop: StopToken,
): Promise<Map<string, number>> {
  const kinds = new Map<string, number>();
  const iterator = records[Symbol.iterator]();
  const t0 = performance.now();
  const dueAt = (i: number): number => (rate === undefined ? t0 : t0 + (i * 1000) / rate);
  const perTick = rate === undefined ? 1 : Math.max(1, Math.min(1000, Math.floor(rate / 100)));
  let pulled = 0;
  let done = false;
  while (!done && !stop.isStopped()) {
    const now = performance.now();
    while (!stop.isStopped() && (rate === undefined || dueAt(pulled) <= now)) {
      const next = iterator.next();
      if (next.done === true) {
        done = true;
        break;
      }
      pulled += 1;
      kinds.set(next.value.kind, (kinds.get(next.value.kind) ?? 0) + 1);
      await producer.write(next.value.line);
    }
    await producer.flush();
    if (!done) await sleepUntil(dueAt(pulled + perTick - 1), stop);
  }
  return kinds;
}

/** Sleeps in short steps, so a signal ends the wait soon. */
async function sleepUntil(when: number, stop: StopToken): Promise<void> {
  for (let left = when - performance.now(); left > 0 && !stop.isStopped(); left = when - performance.now()) {
    await sleep(Math.min(left, 100));
  }
}

function noKey(): undefined {
  return undefined;
}

/** Key = a trade's symbol: the first field of a CSV line, or `stockName` of a JSON one. */
function tradeSymbol(line: string): string | undefined {
  const text = line.trim();
  if (text.startsWith('{')) {
    try {
      const value: unknown = JSON.parse(text);
      const name: unknown =
        typeof value === 'object' && value !== null ? (value as Record<string, unknown>).stockName : undefined;
      return typeof name === 'string' && name !== '' ? name : undefined;
    } catch {
      return undefined;
    }
  }
  const symbol = text.split(',', 1)[0]?.trim() ?? '';
  return symbol === '' ? undefined : symbol;
}

/** Key = a non-empty string field of a JSON object line; anything else has no key. */
function jsonStringField(name: string): MessageKeyOf {
  return (line) => {
    try {
      const value: unknown = JSON.parse(line);
      const field: unknown =
        typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
      return typeof field === 'string' && field !== '' ? field : undefined;
    } catch {
      return undefined;
    }
  };
}

/** Key = the decimal text of an integer field of a JSON object line; anything else has no key. */
function jsonIntegerField(name: string): MessageKeyOf {
  return (line) => {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return undefined;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    const field: unknown = (value as Record<string, unknown>)[name];
    return typeof field === 'number' && Number.isSafeInteger(field) ? String(field) : undefined;
  };
}

function isHostPort(text: string): boolean {
  const m = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?):(\d{1,5})$/.exec(text);
  const port = Number(m?.[1]);
  return m !== null && port >= 1 && port <= 65535;
}

/** `--rate 500` or `--rate 500/s`. */
function recordsPerSecond(flag: string, text: string): number {
  const n = Number(String(text).replace(/\/s$/, ''));
  if (String(text).trim() === '' || !Number.isFinite(n) || n <= 0)
    throw invalid(flag, `must be a number of records per second greater than 0, got ${JSON.stringify(text)}`);
  return n;
}

async function emit(file: FileOutput | undefined, text: string): Promise<void> {
  if (text.length === 0) return;
  if (file !== undefined) return file.write(text);
  if (!process.stdout.write(text)) await once(process.stdout, 'drain');
}

function integer(flag: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  const n = /^\d+$/.test(String(text)) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min)
    throw invalid(flag, `must be a whole number ≥ ${min}, got ${JSON.stringify(text)}`);
  return n;
}

function number(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (String(text).trim() === '' || !Number.isFinite(n))
    throw invalid(flag, `must be a number, got ${JSON.stringify(text)}`);
  return n;
}
