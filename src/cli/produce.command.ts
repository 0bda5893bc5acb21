import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { once } from 'node:events';
import { HexstreamError } from '../domain/hexstream-error';
import { GENERATORS } from '../domain/jobs/generator-catalog';
import { invalid } from '../composition/resolve-config';
import { formatCount, type CliOutput } from './console-output';

export interface ProduceFlags {
  readonly job?: string;
  readonly count?: string;
  readonly seed?: string;
  readonly to: string;
  readonly start?: string;
  readonly eventRate?: string;
  readonly faultShare?: string;
}

/** `hexstream produce --to FILE`: writes generated records, one per line. */
export async function produceCommand(flags: ProduceFlags, out: CliOutput): Promise<number> {
  const job = flags.job ?? 'orders';
  const generate = GENERATORS.get(job);
  if (generate === undefined) throw invalid('--job', `no generator for job ${JSON.stringify(job)} (known: ${[...GENERATORS.keys()].join(', ')})`);
  const count = integer('--count', flags.count, 5000, 0);
  const seed = integer('--seed', flags.seed, 1, 0);
  const startMs = flags.start === undefined ? Date.UTC(2025, 0, 1) : Date.parse(flags.start);
  if (!Number.isFinite(startMs)) throw invalid('--start', `not an ISO-8601 instant: ${JSON.stringify(flags.start)}`);
  const eventsPerSecond = number('--event-rate', flags.eventRate, 1000);
  if (eventsPerSecond <= 0) throw invalid('--event-rate', 'must be greater than 0');
  const faultShare = number('--fault-share', flags.faultShare, 0.01);
  if (faultShare < 0 || faultShare > 1) throw invalid('--fault-share', 'must be between 0 and 1');

  const toStdout = flags.to === '-';
  const path = resolve(flags.to);
  const stream = toStdout ? undefined : await openFile(path);
  const kinds = new Map<string, number>();
  let chunk = '';
  for (const record of generate({ count, seed, startMs, eventsPerSecond, faultShare })) {
    kinds.set(record.kind, (kinds.get(record.kind) ?? 0) + 1);
    chunk += `${record.line}\n`;
    if (chunk.length >= 1 << 20) {
      await emit(stream, chunk);
      chunk = '';
    }
  }
  await emit(stream, chunk);
  if (stream !== undefined) {
    stream.end();
    await once(stream, 'finish');
  }
  const summary = [...kinds].map(([k, n]) => `${k} ${formatCount(n)}`).join(', ');
  const line = `wrote ${formatCount(count)} ${job} records (${summary}) to ${toStdout ? 'stdout' : path}`;
  if (toStdout) process.stderr.write(`${line}\n`);
  else out.line(line);
  return 0;
}

async function openFile(path: string): Promise<WriteStream> {
  try {
    await mkdir(dirname(path), { recursive: true });
    const stream = createWriteStream(path);
    await once(stream, 'open');
    return stream;
  } catch (e) {
    throw new HexstreamError('SINK_UNAVAILABLE', `cannot write ${path}: ${(e as Error).message}`, { cause: e });
  }
}

async function emit(stream: WriteStream | undefined, text: string): Promise<void> {
  if (text.length === 0) return;
  const target = stream ?? process.stdout;
  if (!target.write(text)) await once(target, 'drain');
}

function integer(flag: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  const n = /^\d+$/.test(String(text)) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min) throw invalid(flag, `must be a whole number ≥ ${min}, got ${JSON.stringify(text)}`);
  return n;
}

function number(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (String(text).trim() === '' || !Number.isFinite(n)) throw invalid(flag, `must be a number, got ${JSON.stringify(text)}`);
  return n;
}
