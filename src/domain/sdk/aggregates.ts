import { count, max, mean, min, sum, sumInteger, type CombineFn } from '../aggregation/combiners';
import { distinctCount } from '../aggregation/combiners';
import { firstByTime, lastByTime } from '../aggregation/first-last';
import { sampleStddev } from '../aggregation/stddev';
import type { TimedCombineFn } from '../aggregation/timed-combiner';
import { topN, type Ranked } from '../aggregation/top-n';

export type { Ranked } from '../aggregation/top-n';

/**
 * One named aggregate of a job: `read` takes its value from an event (a field, or the user's
 * function — which may throw), `fold` is the combiner over those values (never throws). Kept apart
 * so a record's values are all read before any accumulator changes.
 */
export interface Aggregate<E, O> {
  readonly kind: string;
  readonly read: (event: E) => unknown;
  readonly fold: TimedCombineFn<unknown, unknown, O>;
  /** `read` runs user code (a function, or a custom combiner's `add`). */
  readonly userCode: boolean;
  /** A user combiner: `fold.add` is user code on the whole event (staged on a copy of its accumulator). */
  readonly custom: boolean;
  /** The input fields it reads by name (checked by `defineJob`). */
  readonly fields: readonly string[];
}

/** Fields of E whose values are of type V. */
export type FieldsOf<E, V> = { [K in keyof E]-?: E[K] extends V ? K : never }[keyof E] & string;

/** A value of each event: the name of a field of type V, or a function. */
export type ValueOf<E, V> = FieldsOf<E, V> | ((event: E) => V);

type Ordered = string | number;
const identity = (v: unknown): unknown => v;

function reader<E>(of: string | ((event: E) => unknown)): { read: (e: E) => unknown; userCode: boolean } {
  if (typeof of === 'function') return { read: of, userCode: true };
  return { read: (e: E) => (e as Record<string, unknown>)[of], userCode: false };
}

function make<E, V, O>(
  kind: string,
  of: string | ((event: E) => unknown) | undefined,
  fold: TimedCombineFn<V, unknown, O>,
): Aggregate<E, O> {
  const { read, userCode } = of === undefined ? { read: () => undefined, userCode: false } : reader(of);
  const fields = typeof of === 'string' ? [of] : [];
  return { kind, read, fold: fold as TimedCombineFn<unknown, unknown, O>, userCode, custom: false, fields };
}

function wholeUnits(kind: string, of: ValueOf<unknown, number>): (e: unknown) => number {
  const { read } = reader<unknown>(of);
  return (e) => {
    const v = read(e);
    if (typeof v !== 'number' || !Number.isSafeInteger(v))
      throw new Error(`${kind} needs whole numbers (integer units of a decimal), got ${String(v)}`);
    return v;
  };
}

/** The aggregates a job may compute over its events E (the `a` of `aggregate: (a) => ({ … })`). */
export function aggregates<E>(): Aggregates<E> {
  const num = identity as (v: number) => number;
  return {
    sum: (of) => make<E, number, number>('sum', of, sum(num)),
    count: () => make<E, unknown, number>('count', undefined, count()),
    min: (of) => make<E, number, number>('min', of, min(num)),
    max: (of) => make<E, number, number>('max', of, max(num)),
    mean: (of) => make<E, number, number>('mean', of, mean(num)),
    stddev: (of) => make<E, number, number>('stddev', of, sampleStddev(num)),
    first: <V>(of: string | ((e: E) => V)) => make<E, V, V | undefined>('first', of, firstByTime<V>()),
    last: <V>(of: string | ((e: E) => V)) => make<E, V, V | undefined>('last', of, lastByTime<V>()),
    distinctCount: (of) => make<E, unknown, number>('distinctCount', of, distinctCount(identity)),
    decimalSum: (of) => ({
      ...make<E, number, number | bigint>('decimalSum', of, sumInteger(num)),
      read: wholeUnits('decimalSum', of as ValueOf<unknown, number>),
    }),
    topN: <V extends Ordered>(n: number, by: ValueOf<E, number>, of: string | ((e: E) => V)) => {
      const score = reader<E>(by);
      const value = reader<E>(of);
      const pair = (e: E): [number, V] => [score.read(e) as number, value.read(e) as V];
      const fold = topN<[number, V], V>(
        n,
        (p) => p[0],
        (p) => p[1],
      );
      const fields = [by, of].filter((f): f is string => typeof f === 'string');
      const userCode = score.userCode || value.userCode;
      return { ...make<E, [number, V], Ranked<V>[]>('topN', pair, fold), userCode, fields };
    },
    custom: <A, O>(fn: CombineFn<E, A, O>) => ({
      kind: 'custom',
      read: identity,
      fold: fn as unknown as TimedCombineFn<unknown, unknown, O>,
      userCode: true,
      custom: true,
      fields: [],
    }),
  } as Aggregates<E>;
}

export interface Aggregates<E> {
  /** Floating-point sum. */
  sum(of: ValueOf<E, number>): Aggregate<E, number>;
  /** Number of events. */
  count(): Aggregate<E, number>;
  min(of: ValueOf<E, number>): Aggregate<E, number>;
  max(of: ValueOf<E, number>): Aggregate<E, number>;
  /** Arithmetic mean. */
  mean(of: ValueOf<E, number>): Aggregate<E, number>;
  /** Sample standard deviation (n - 1); NaN below two events. */
  stddev(of: ValueOf<E, number>): Aggregate<E, number>;
  /** The value of the earliest event by event time (ties: the earliest to arrive). */
  first<K extends keyof E & string>(of: K): Aggregate<E, E[K] | undefined>;
  first<V>(of: (event: E) => V): Aggregate<E, V | undefined>;
  /** The value of the latest event by event time (ties: the latest to arrive). */
  last<K extends keyof E & string>(of: K): Aggregate<E, E[K] | undefined>;
  last<V>(of: (event: E) => V): Aggregate<E, V | undefined>;
  /** Number of distinct values (keeps every value). */
  distinctCount(of: (keyof E & string) | ((event: E) => unknown)): Aggregate<E, number>;
  /** Exact sum of whole numbers (decimal units): a number while safe, else a bigint. */
  decimalSum(of: ValueOf<E, number>): Aggregate<E, number | bigint>;
  /** The n distinct values of `of` with the highest `by`, best first (ties: smaller value first). */
  topN<K extends FieldsOf<E, Ordered>>(n: number, by: ValueOf<E, number>, of: K): Aggregate<E, Ranked<E[K]>[]>;
  topN<V extends Ordered>(n: number, by: ValueOf<E, number>, of: (event: E) => V): Aggregate<E, Ranked<V>[]>;
  /**
   * A combiner of your own, in Beam's CombineFn shape; its accumulator must be plain data. Its `add`
   * runs on a copy of the accumulator (so a throw changes nothing) unless it has `stage`, or is not
   * staged at all when it declares `neverThrows`.
   */
  custom<A, O>(fn: CombineFn<E, A, O>): Aggregate<E, O>;
}

/** The outputs of named aggregates: `{ n: a.count() }` → `{ n: number }`. */
export type OutputsOf<Ag> = { readonly [K in keyof Ag]: Ag[K] extends Aggregate<infer _E, infer O> ? O : never };
