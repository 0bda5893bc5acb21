import type { CombineFn } from '../aggregation/combiners';
import type { TimedCombineFn } from '../aggregation/timed-combiner';
import type { Aggregate } from './aggregates';
import { plainCopy } from './plain-copy';

/**
 * The engine-facing combiner of a job's named aggregates: one accumulator array, one slot per
 * aggregate. `add` reads every value (user functions may throw) before any fold changes the
 * accumulator, and the built-in folds cannot throw, so a throw in `add` changes nothing. A custom
 * combiner's own `add` may throw halfway through changing its accumulator: with one, `stage` is
 * present, and runs it on a copy before anything changes (see `CombineFn.stage`).
 */
export interface JobCombiner<E, O> extends CombineFn<E, unknown[], O> {
  stage?(acc: unknown[], input: E): () => unknown[];
}

export function compileCombiner<E, O>(
  named: Readonly<Record<string, Aggregate<E, unknown>>>,
  eventTimeMs: (event: E) => number,
): JobCombiner<E, O> {
  const names = Object.keys(named);
  const parts = names.map((n) => named[n] as Aggregate<E, unknown>);
  const reads = parts.map((p) => p.read);
  const folds = parts.map((p) => p.fold);
  // Only first/last read the event time; others get 0 and ignore it.
  const timed = parts.some((p) => p.kind === 'first' || p.kind === 'last');
  const size = parts.length;
  // The values of the last event read, reused: the engine adds an event to each of its windows in
  // turn, so value functions run once per record, not once per window, and nothing is allocated.
  const values = new Array<unknown>(size);
  let read = false;
  let readOf: E | undefined;
  let t = 0;
  const readAll = (input: E): void => {
    if (read && readOf === input) return;
    read = false; // a throw below must not leave half-read values behind
    t = timed ? eventTimeMs(input) : 0;
    for (let i = 0; i < size; i++) values[i] = (reads[i] as (e: E) => unknown)(input);
    readOf = input;
    read = true;
  };
  const combiner: JobCombiner<E, O> = {
    create: () => {
      const acc = new Array<unknown>(size);
      for (let i = 0; i < size; i++) acc[i] = (folds[i] as TimedCombineFn<unknown, unknown, unknown>).create();
      return acc;
    },
    // Every value is read before any accumulator changes (a read may throw); the folds cannot throw.
    add: (acc, input) => {
      readAll(input);
      for (let i = 0; i < size; i++) {
        acc[i] = (folds[i] as TimedCombineFn<unknown, unknown, unknown>).add(acc[i], values[i], t);
      }
      return acc;
    },
    merge: (a, b) => {
      for (let i = 0; i < size; i++) a[i] = (folds[i] as TimedCombineFn<unknown, unknown, unknown>).merge(a[i], b[i]);
      return a;
    },
    extract: (acc) => {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < size; i++) {
        out[names[i] as string] = (folds[i] as TimedCombineFn<unknown, unknown, unknown>).extract(acc[i]);
      }
      return out as O;
    },
  };
  if (parts.some((p) => p.custom)) return { ...combiner, stage: stager(parts, timed, eventTimeMs) };
  return combiner;
}

/**
 * A custom combiner's staged add: its own `stage` when it has one (it knows what can throw), else
 * `add` on a copy of the accumulator — which costs a copy of the whole accumulator per event.
 */
function stageCustom<E>(fold: Aggregate<E, unknown>['fold'], acc: unknown, input: E, t: number): () => unknown {
  if (fold.stage !== undefined) return fold.stage(acc, input);
  const next = fold.add(plainCopy(acc), input, t);
  return () => next;
}

/** See `JobCombiner.stage`: everything that may throw happens before the commit function exists. */
function stager<E>(
  parts: readonly Aggregate<E, unknown>[],
  timed: boolean,
  eventTimeMs: (event: E) => number,
): (acc: unknown[], input: E) => () => unknown[] {
  return (acc, input) => {
    const t = timed ? eventTimeMs(input) : 0;
    const staged = new Array<unknown>(parts.length);
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i] as Aggregate<E, unknown>;
      staged[i] = p.custom ? stageCustom(p.fold, acc[i], input, t) : p.read(input);
    }
    return () => {
      for (let i = 0; i < parts.length; i++) {
        const p = parts[i] as Aggregate<E, unknown>;
        acc[i] = p.custom ? (staged[i] as () => unknown)() : p.fold.add(acc[i], staged[i], t);
      }
      return acc;
    };
  };
}
