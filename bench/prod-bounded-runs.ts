import { join } from 'node:path';
import type { Connection } from 'mysql2/promise';
import { fmt, MAIN, runNode, WORK } from './common';
import { serverCpu, tableMb, tableRows } from './bench-services';
import type { Ceilings } from './prod-ceilings';
import {
  kafkaClientArgs,
  benchBrokers,
  EMAIL,
  LABEL,
  MYSQL,
  prodSummary,
  type BenchNames,
  type ProdRun,
  type Resources,
} from './prod-bench-config';

/** Where a bounded run writes: MariaDB/MySQL (a table), or Kafka (`--to-kafka`, exactly once). */
export type BenchSink = 'mysql' | 'kafka';

/** One cell of the matrix: output mode × sink × Kafka client, on `threads` stream threads. */
export interface BoundedSpec {
  readonly mode: 'append' | 'update';
  readonly sink: BenchSink;
  readonly client: string;
  readonly threads: string;
}

/** A bounded run and the ceiling that binds it, in records/s (MySQL runs only). */
export interface BoundedRun {
  readonly spec: BoundedSpec;
  readonly run: ProdRun;
  readonly ceiling: number | undefined;
}

/**
 * The cells (c) runs: BENCH_SINKS (default `mysql,kafka`) × BENCH_KAFKA_CLIENTS (default
 * `kafkajs,platformatic`) × append, update, each on BENCH_THREADS stream threads (default `auto`);
 * then, unless BENCH_THREADS is 1, the first client's update runs again on one thread, to show what
 * the second core gives.
 */
export function boundedSpecs(): BoundedSpec[] {
  const list = (name: string, fallback: string): string[] =>
    (process.env[name] ?? fallback)
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  const specs: BoundedSpec[] = [];
  for (const sink of list('BENCH_SINKS', 'mysql,kafka'))
    for (const client of list('BENCH_KAFKA_CLIENTS', 'kafkajs,platformatic'))
      for (const mode of ['append', 'update'] as const)
        specs.push({ mode, sink: sink as BenchSink, client, threads: process.env.BENCH_THREADS ?? 'auto' });
  const first = specs[0]?.client;
  if (process.env.BENCH_THREADS !== '1')
    for (const s of specs.filter((x) => x.mode === 'update' && x.client === first)) specs.push({ ...s, threads: '1' });
  return specs;
}

/** (c): prod --bounded over the topic, each cell on a fresh database (or topics) and group. */
export async function boundedRuns(
  names: BenchNames,
  res: Resources,
  sql: Connection,
  ceilings: Ceilings,
): Promise<BoundedRun[]> {
  const runs: BoundedRun[] = [];
  for (const spec of boundedSpecs()) runs.push(await boundedRun(names, res, sql, ceilings, spec));
  return runs;
}

/** The name of a cell, for labels, databases, groups and topics. */
export function cellName(spec: BoundedSpec): string {
  return `${spec.mode}-${spec.sink}-${spec.client}-${spec.threads === '1' ? '1thread' : `${spec.threads}threads`}`;
}

function sinkArgs(names: BenchNames, res: Resources, cell: string, database: string | undefined): string[] {
  if (database !== undefined) return ['--mysql', `${MYSQL}/${database}`];
  const output = `${names.topic}-${cell}.rows`;
  const checkpoints = `${names.topic}-${cell}.checkpoints`;
  res.topics.push(output, checkpoints);
  return ['--to-kafka', '--output-topic', output, '--checkpoint-topic', checkpoints, '--instance-id', 'bench'];
}

async function boundedRun(
  names: BenchNames,
  res: Resources,
  sql: Connection,
  ceilings: Ceilings,
  spec: BoundedSpec,
): Promise<BoundedRun> {
  const cell = cellName(spec);
  // MySQL names stop at 64 characters: the database takes the cell's initials (u_m_k_auto).
  const initials = [spec.mode, spec.sink, spec.client].map((w) => w.charAt(0)).join('_');
  const database = spec.sink === 'mysql' ? names.database(`${initials}_${spec.threads}`) : undefined;
  const deadLetters = `${names.topic}-${cell}.dead-letter`;
  res.topics.push(deadLetters);
  const serverCpuBefore = serverCpu();
  const r = await runNode([
    MAIN,
    'prod',
    EMAIL,
    '--brokers',
    benchBrokers(),
    '--topic',
    names.topic,
    '--group',
    names.group(cell),
    ...sinkArgs(names, res, cell, database),
    '--kafka-client',
    spec.client,
    '--threads',
    spec.threads,
    '--bounded',
    '--output-mode',
    spec.mode,
    '--dead-letter-topic',
    deadLetters,
    '--outbox',
    join(WORK, `outbox-${cell}`),
    '--log-level',
    'warn',
    ...kafkaClientArgs(),
  ]);
  const serverCpuSeconds = (serverCpu() ?? NaN) - (serverCpuBefore ?? NaN);
  const p = prodSummary(r.stdout, database === undefined ? NaN : await tableRows(sql, database));
  const cpu =
    `CPU: prod ${r.cpuSeconds.toFixed(1)} s in ${r.seconds.toFixed(1)} s of wall time (${((100 * r.cpuSeconds) / r.seconds).toFixed(0)} % of one core)` +
    `${Number.isFinite(serverCpuSeconds) ? `, MariaDB server ${serverCpuSeconds.toFixed(1)} s (all its clients)` : ''}`;
  if (database === undefined) {
    reportKafkaRun(spec, p, cpu);
    return { spec, run: p, ceiling: undefined };
  }
  const ceiling = reportBoundedRun(spec, p, ceilings, await tableMb(sql, database), cpu);
  return { spec, run: p, ceiling };
}

function label(spec: BoundedSpec): string {
  return `(c) ${spec.mode} → ${spec.sink === 'mysql' ? 'MariaDB' : 'Kafka'}, ${spec.client}, threads ${spec.threads}`;
}

function reportKafkaRun(spec: BoundedSpec, p: ProdRun, cpu: string): void {
  console.log(
    `${label(spec).padEnd(LABEL)}${fmt(p.records / p.elapsed).padStart(9)} records/s  ${p.elapsed.toFixed(2).padStart(6)} s   peak RSS ${fmt(p.rssMb).padStart(4)} MB   ` +
      `rows ${fmt(p.rows)} (${(p.rows / p.records).toFixed(2)}/record), one Kafka transaction per trigger\n${''.padEnd(LABEL)}${cpu}`,
  );
}

/** Prints a MySQL cell of (c) against (a) and (b); returns the binding ceiling. */
function reportBoundedRun(spec: BoundedSpec, p: ProdRun, ceilings: Ceilings, tableSizeMb: number, cpu: string): number {
  const aRate = ceilings.source;
  const rate = p.records / p.elapsed;
  const rowsPerRecord = p.rows / p.records;
  const rowsRate = p.rows / p.elapsed;
  const bMatched = ceilings.sinkAt(p.tableRows);
  const bAsRecords = bMatched / rowsPerRecord;
  const [bindingName, binding] = aRate <= bAsRecords ? ['(a)', aRate] : ['(b)', bAsRecords];
  console.log(
    `${label(spec).padEnd(LABEL)}${fmt(rate).padStart(9)} records/s  ${p.elapsed.toFixed(2).padStart(6)} s   peak RSS ${fmt(p.rssMb).padStart(4)} MB   ` +
      `rows ${fmt(p.rows)} (${rowsPerRecord.toFixed(2)}/record) = ${fmt(rowsRate)} rows/s into ${fmt(p.tableRows)} rows, ${fmt(tableSizeMb)} MB\n` +
      `${''.padEnd(LABEL)}(c)/(a) = ${(rate / aRate).toFixed(2)}   (c) rows/s / (b) = ${(rowsRate / ceilings.sink).toFixed(2)}, / (b) over its first ${fmt(p.tableRows)} rows (${fmt(bMatched)} rows/s) = ${(rowsRate / bMatched).toFixed(2)}\n` +
      `${''.padEnd(LABEL)}binding ceiling ${bindingName}: ${fmt(binding)} records/s` +
      `${bindingName === '(b)' ? ` (${fmt(bMatched)} rows/s / ${rowsPerRecord.toFixed(2)} rows/record; (a) is ${fmt(aRate)})` : ` ((b) allows ${fmt(bAsRecords)})`} → (c) = ${(rate / binding).toFixed(2)} of it\n` +
      `${''.padEnd(LABEL)}${cpu}`,
  );
  return binding;
}
