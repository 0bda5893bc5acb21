import type { JobDefinition, WindowBounds } from '../../jobs/job';
import type { CombineFn } from '../../aggregation/combiners';

/** An event with the processing time at which it was added. */
export interface Stamped<E> {
  readonly event: E;
  readonly atMs: number;
}

interface Staging<E, A> {
  stage?(acc: A, input: E): () => A;
}

/**
 * Runs a processing-time job on the event-time engine: each event is stamped with the processing
 * time of its record (read from `now` as it is decoded) and windowed by that stamp, so the
 * harness's processing clock plays the part of event time and its watermark.
 */
export function stampedByProcessingTime<E, G, A>(
  job: JobDefinition<E, G, A>,
  now: () => number,
): JobDefinition<Stamped<E>, G, A> {
  const inner = job.combiner as CombineFn<E, A, unknown> & Staging<E, A>;
  const stamp = (event: E): Stamped<E> => ({ event, atMs: now() });
  const combiner: CombineFn<Stamped<E>, A, unknown> & Staging<Stamped<E>, A> = {
    create: () => inner.create(),
    add: (acc, s) => inner.add(acc, s.event),
    merge: (a, b) => inner.merge(a, b),
    extract: (acc) => inner.extract(acc),
    ...(inner.stage === undefined
      ? {}
      : { stage: (acc: A, s: Stamped<E>) => (inner.stage as NonNullable<typeof inner.stage>)(acc, s.event) }),
  };
  const decodeMany = job.decodeMany?.bind(job);
  const toRows = job.toRows?.bind(job);
  const dedupe = job.dedupe;
  return {
    name: job.name,
    description: job.description,
    table: job.table,
    defaults: job.defaults,
    timeDomain: 'event',
    rowKey: (w, g) => job.rowKey(w, g),
    toRow: (w, g, acc, key) => job.toRow(w, g, acc, key),
    ...(toRows === undefined ? {} : { toRows: (w: WindowBounds, g: G, acc: A) => toRows(w, g, acc) }),
    decode: (text, arrivalMs) => {
      const d = job.decode(text, arrivalMs);
      return d.ok ? { ok: true, event: stamp(d.event) } : d;
    },
    ...(decodeMany === undefined
      ? {}
      : {
          decodeMany: (text: string, arrivalMs?: number) => {
            const d = decodeMany(text, arrivalMs);
            return d.ok ? { ok: true as const, events: d.events.map(stamp) } : d;
          },
        }),
    eventTimeMs: (s) => s.atMs,
    groupKey: (s) => job.groupKey(s.event),
    groupFields: (s) => job.groupFields(s.event),
    ...(dedupe === undefined ? {} : { dedupe: { field: dedupe.field, id: (s: Stamped<E>) => dedupe.id(s.event) } }),
    combiner,
  };
}
