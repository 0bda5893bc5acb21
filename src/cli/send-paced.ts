import { setTimeout as sleep } from 'node:timers/promises';
import type { GeneratedRecord } from '../domain/jobs/orders.generator';
import type { StopToken } from '../domain/pipeline/stream-pipeline';
import type { RecordProducer } from '../composition/produce-io';

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
export async function sendPaced(
  records: Iterable<GeneratedRecord>,
  producer: RecordProducer,
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
