import { ordersJob } from '../src/domain/jobs/orders.job';
import type { OwnKafka } from '../scripts/own-kafka';
import { field, MAIN } from './common';

/** Settings of the prod bench (see prod-bench.ts for the environment variables). */
export const PARTITIONS = 6;
export const MYSQL = (process.env.BENCH_MYSQL ?? 'mysql://root@127.0.0.1:3306').replace(/\/+$/, '');
export const LIVE_RATE = Number(process.env.BENCH_LIVE_RATE ?? 20_000);
export const LIVE_COUNT = Number(process.env.BENCH_LIVE_COUNT ?? 200_000);
export const SINK_ROWS_PER_STATEMENT = 1_000;
export const SINK_STATEMENTS_PER_TRANSACTION = 10;
export const SAMPLE_EVERY_MS = 1_000;
export const SAMPLE_LIMIT = 2_000;
export const TABLE = ordersJob.table.name;
export const EMAIL = 'bench@example.com';
export const LABEL = 50;

/** Bootstrap servers: BENCH_BROKERS, or those of the broker the bench starts (set before any use). */
let brokers = process.env.BENCH_BROKERS ?? '';

export function benchBrokers(): string {
  return brokers;
}

export function useBrokers(bootstrap: string): void {
  brokers = bootstrap;
}

/** `hexstream produce` into `topic` (created with PARTITIONS partitions when missing), then `more` flags. */
export function produceToTopic(topic: string, more: readonly string[]): string[] {
  return [
    MAIN,
    'produce',
    '--to',
    'kafka',
    '--brokers',
    benchBrokers(),
    '--topic',
    topic,
    '--partitions',
    String(PARTITIONS),
    ...more,
  ];
}

/** The Kafka client of the bench's prod runs (`--kafka-client`): kafkajs unless a run asks for another. */
let kafkaClient: 'kafkajs' | 'platformatic' = 'kafkajs';

export function useKafkaClient(client: 'kafkajs' | 'platformatic'): void {
  kafkaClient = client;
}

/** The prod flags naming the Kafka client (with platformatic, one static member id: the bench runs one prod at a time). */
export function kafkaClientArgs(): string[] {
  return kafkaClient === 'kafkajs' ? [] : ['--kafka-client', kafkaClient, '--instance-id', 'bench'];
}

/** What the bench created, removed at the end. */
export interface Resources {
  readonly topics: string[];
  readonly groups: string[];
  readonly databases: string[];
  /** The broker started here, to be stopped at the end. */
  broker: OwnKafka | undefined;
}

/** One prod run, from its summary lines and its table. */
export interface ProdRun {
  readonly records: number;
  readonly rows: number;
  readonly elapsed: number;
  readonly rssMb: number;
  readonly tableRows: number;
}

export function prodSummary(stdout: string, tableRows: number): ProdRun {
  return {
    records: field(stdout, 'records read'),
    rows: field(stdout, 'rows written'),
    elapsed: field(stdout, 'elapsed'),
    rssMb: field(stdout, 'peak memory'),
    tableRows,
  };
}

/** Names of what one bench run creates, each recorded for removal at the end. */
export interface BenchNames {
  /** The topic of the bounded runs. */
  readonly topic: string;
  database(what: string): string;
  group(what: string): string;
}

export function benchNames(run: string, res: Resources): BenchNames {
  const topic = `hexstream-bench-${run}`;
  return {
    topic,
    database: (what) => {
      const name = `hexstream_bench_${run}_${what}`;
      res.databases.push(name);
      return name;
    },
    group: (what) => {
      const name = `${topic}-${what}`;
      res.groups.push(name);
      return name;
    },
  };
}
