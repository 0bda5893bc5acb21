import { stockAveragesJob } from '../../src/domain/jobs/stock-averages.job';
import { parseJsonObject } from '../contracts/output.contract';
import { fixedWindow } from './fixed-window';
import { readTopic, type TopicMessage } from './kafka-read';
import { referenceStockAverages, type StockReferenceResult } from './reference-stock-averages';

/**
 * What the tests of job stock-averages writing to Kafka share: the producer's command line, the
 * reference under the job's default window, and the topics read back in the reference's terms.
 */

/** `produce` of `job` into the Kafka topic `topic` (`partitions` of them), 3% faulty records; `extra` adds flags. */
export function produceArgs(
  job: string,
  topic: string,
  load: { readonly partitions: number; readonly count: number; readonly seed: number },
  extra: readonly string[] = [],
): string[] {
  const { partitions, count, seed } = load;
  return [
    'produce',
    '--job',
    job,
    '--to',
    'kafka',
    '--topic',
    topic,
    '--partitions',
    String(partitions),
    '--count',
    String(count),
    '--seed',
    String(seed),
    '--fault-share',
    '0.03',
    ...extra,
  ];
}

/** The reference of stock-averages on `data` with the job's default window and watermark. */
export function stockAveragesReference(data: ReadonlyMap<number, readonly string[]>): StockReferenceResult {
  const d = stockAveragesJob.defaults;
  return referenceStockAverages(data, {
    windowMs: fixedWindow(d.window).lengthMs,
    slideMs: fixedWindow(d.window).slideMs,
    watermarkMs: d.watermarkMs,
  });
}

/**
 * The reference rows a bounded run writes: those of windows every partition's watermark has passed
 * (a run ends with each partition's watermark where its input left it; later windows stay open).
 */
export function closedRows(expected: StockReferenceResult): StockReferenceResult['rows'] {
  const closedUpTo = Math.min(...expected.maxEventMs.values()) - stockAveragesJob.defaults.watermarkMs;
  return new Map([...expected.rows].filter(([, row]) => Date.parse(row.window_end) <= closedUpTo));
}

/** The output topic's rows by their `row-key` header, without the time each was written (it differs between runs). */
export function rowsByKey(messages: readonly TopicMessage[]): Map<string | undefined, Record<string, unknown>> {
  return new Map(
    messages.map((m) => {
      const { updated_at: _writtenAt, ...row } = parseJsonObject(m.value ?? '');
      return [m.headers['row-key'], row];
    }),
  );
}

/** The dead letters of `topic` as `reason@partition:offset`, sorted. */
export async function deadLetterRefs(topic: string): Promise<string[]> {
  return (await readTopic(topic))
    .map((m) => `${m.headers['reason']}@${m.headers['source-partition']}:${m.headers['source-offset']}`)
    .sort();
}

/** The reference's dead letters in the form of {@link deadLetterRefs}, sorted. */
export function referenceDeadLetterRefs(dead: StockReferenceResult['dead']): string[] {
  return dead.map((x) => `${x.reason}@${x.partition}:${x.position}`).sort();
}
