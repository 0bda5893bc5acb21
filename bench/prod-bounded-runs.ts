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

/** A bounded run and the ceiling that binds it, in records/s. */
export interface BoundedRun {
  readonly run: ProdRun;
  readonly ceiling: number;
}

/** (c): prod --bounded over the topic, each mode on a fresh database and group. */
export async function boundedRuns(
  names: BenchNames,
  res: Resources,
  sql: Connection,
  ceilings: Ceilings,
): Promise<Map<string, BoundedRun>> {
  const c = new Map<string, BoundedRun>();
  for (const mode of ['append', 'update']) c.set(mode, await boundedRun(names, res, sql, ceilings, mode));
  return c;
}

async function boundedRun(
  names: BenchNames,
  res: Resources,
  sql: Connection,
  ceilings: Ceilings,
  mode: string,
): Promise<BoundedRun> {
  const database = names.database(mode);
  const deadLetters = `${names.topic}-${mode}.dead-letter`;
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
    names.group(mode),
    '--mysql',
    `${MYSQL}/${database}`,
    '--bounded',
    '--output-mode',
    mode,
    '--dead-letter-topic',
    deadLetters,
    '--outbox',
    join(WORK, `outbox-${mode}`),
    '--log-level',
    'warn',
    ...kafkaClientArgs(),
  ]);
  const serverCpuSeconds = (serverCpu() ?? NaN) - (serverCpuBefore ?? NaN);
  const p = prodSummary(r.stdout, await tableRows(sql, database));
  const cpu =
    `CPU: prod ${r.cpuSeconds.toFixed(1)} s in ${r.seconds.toFixed(1)} s of wall time (${((100 * r.cpuSeconds) / r.seconds).toFixed(0)} % of one core)` +
    `${Number.isFinite(serverCpuSeconds) ? `, MariaDB server ${serverCpuSeconds.toFixed(1)} s (all its clients)` : ''}`;
  const ceiling = reportBoundedRun(mode, p, ceilings, await tableMb(sql, database), cpu);
  return { run: p, ceiling };
}

/** Prints (c) against (a) and (b); returns the binding ceiling. */
function reportBoundedRun(mode: string, p: ProdRun, ceilings: Ceilings, tableSizeMb: number, cpu: string): number {
  const aRate = ceilings.source;
  const rate = p.records / p.elapsed;
  const rowsPerRecord = p.rows / p.records;
  const rowsRate = p.rows / p.elapsed;
  const bMatched = ceilings.sinkAt(p.tableRows);
  const bAsRecords = bMatched / rowsPerRecord;
  const [bindingName, binding] = aRate <= bAsRecords ? ['(a)', aRate] : ['(b)', bAsRecords];
  console.log(
    `${`(c) prod --bounded, ${mode}`.padEnd(LABEL)}${fmt(rate).padStart(9)} records/s  ${p.elapsed.toFixed(2).padStart(6)} s   peak RSS ${fmt(p.rssMb).padStart(4)} MB   ` +
      `rows ${fmt(p.rows)} (${rowsPerRecord.toFixed(2)}/record) = ${fmt(rowsRate)} rows/s into ${fmt(p.tableRows)} rows, ${fmt(tableSizeMb)} MB\n` +
      `${''.padEnd(LABEL)}(c)/(a) = ${(rate / aRate).toFixed(2)}   (c) rows/s / (b) = ${(rowsRate / ceilings.sink).toFixed(2)}, / (b) over its first ${fmt(p.tableRows)} rows (${fmt(bMatched)} rows/s) = ${(rowsRate / bMatched).toFixed(2)}\n` +
      `${''.padEnd(LABEL)}binding ceiling ${bindingName}: ${fmt(binding)} records/s` +
      `${bindingName === '(b)' ? ` (${fmt(bMatched)} rows/s / ${rowsPerRecord.toFixed(2)} rows/record; (a) is ${fmt(aRate)})` : ` ((b) allows ${fmt(bAsRecords)})`} → (c) = ${(rate / binding).toFixed(2)} of it\n` +
      `${''.padEnd(LABEL)}${cpu}`,
  );
  return binding;
}
