import { resolve } from 'node:path';
import { once } from 'node:events';
import { builtInJob, builtInJobs } from '../composition/built-in-jobs';
import { isJobFilePath, loadJobFile } from '../composition/job-files';
import type { AnyJob } from '../domain/jobs/job';
import type { RecordGenerator } from '../domain/jobs/generator-catalog';
import type { GeneratedRecord } from '../domain/jobs/orders.generator';
import { invalid } from '../composition/resolve-config';
import { produceIo, type GeneratedFile } from '../composition/produce-io';
import { formatCount, type CliOutput } from './console-output';
import { integer, kafkaTarget, number, recordsPerSecond, type ProduceFlags } from './produce-flags';
import { sendPaced } from './send-paced';
import { stopOnSignals } from './stop-on-signals';

export type { ProduceFlags } from './produce-flags';

/** `--fault-share` when the job gives none. */
const FAULT_SHARE_DEFAULT = 0.01;

const KAFKA = 'kafka';
const PROGRESS_EVERY_MS = 2_000;

/** `hexstream produce --to kafka|FILE|-`: sends or writes generated records, one per line. */
export async function produceCommand(flags: ProduceFlags, out: CliOutput): Promise<number> {
  const job = await producibleJob(flags.job ?? 'orders');
  const generate = job.generate;
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
  const faultShare = number('--fault-share', flags.faultShare, job.definition.io.faultShare ?? FAULT_SHARE_DEFAULT);
  if (faultShare < 0 || faultShare > 1) throw invalid('--fault-share', 'must be between 0 and 1');
  if (toKafka)
    return produceToKafka(
      job.definition,
      generate({ count, seed, startMs, eventsPerSecond, faultShare }),
      flags,
      rate,
      out,
    );
  return produceToFile(
    job.definition.name,
    generate({ count, seed, startMs, eventsPerSecond, faultShare }),
    count,
    flags.to,
    out,
  );
}

/** A built-in job, or a job file (`./my-job.ts`), with a generator (`io.generator`). */
async function producibleJob(
  name: string,
): Promise<{ readonly definition: AnyJob; readonly generate: RecordGenerator }> {
  if (isJobFilePath(name)) {
    const definition = await loadJobFile(name);
    const generate = definition.io.generator;
    if (generate === undefined)
      throw invalid(
        '--job',
        `${name}: job ${definition.name} has no generator (io.generator): produce has nothing to write`,
      );
    return { definition, generate };
  }
  const definition = builtInJob(name);
  const generate = definition?.io.generator;
  if (definition === undefined || generate === undefined) {
    const known = [...builtInJobs().values()].filter((j) => j.io.generator !== undefined).map((j) => j.name);
    throw invalid('--job', `no generator for job ${JSON.stringify(name)} (known: ${known.join(', ')})`);
  }
  return { definition, generate };
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
  const file = toStdout ? undefined : await produceIo.openFile(path);
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

async function produceToKafka(
  job: AnyJob,
  records: Iterable<GeneratedRecord>,
  flags: ProduceFlags,
  rate: number | undefined,
  out: CliOutput,
): Promise<number> {
  const target = kafkaTarget(job.io.topic, flags);
  const producer = produceIo.kafkaProducer(target, job.io.partitionKey ?? noKey);
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
    `sent ${formatCount(producer.sent)} ${job.name} records (${summary}) to topic ${target.topic} on ${target.brokers.join(',')}`,
  );
  return 0;
}

const STANDARD_KINDS: ReadonlySet<string> = new Set(['valid', 'late', 'duplicate', 'malformed']);

function noKey(): undefined {
  return undefined;
}

async function emit(file: GeneratedFile | undefined, text: string): Promise<void> {
  if (text.length === 0) return;
  if (file !== undefined) return file.write(text);
  if (!process.stdout.write(text)) await once(process.stdout, 'drain');
}
