import type { TimedCombineFn } from './timed-combiner';

/** The value of the earliest or latest input by event time so far, with that time: `[eventMs, value]`. */
export type TimedValue<V> = [number, V] | undefined;

/**
 * The value at the earliest (`first`) or latest (`last`) event time. Ties keep arrival order: of
 * inputs with the same time, `first` keeps the earliest to arrive and `last` the latest — and a
 * merge treats the second accumulator as the later one. `undefined` when nothing was added.
 */
function valueAt<V>(which: 'first' | 'last'): TimedCombineFn<V, TimedValue<V>, V | undefined> {
  const better =
    which === 'first'
      ? (t: number, best: number): boolean => t < best
      : (t: number, best: number): boolean => t >= best;
  return {
    create: () => undefined,
    // A new pair only when the value changes: the pair in the accumulator is never mutated.
    add: (acc, value, eventMs) => (acc === undefined || better(eventMs, acc[0]) ? [eventMs, value] : acc),
    merge: (a, b) => (a === undefined ? b : b === undefined ? a : better(b[0], a[0]) ? b : a),
    extract: (acc) => acc?.[1],
  };
}

export function firstByTime<V>(): TimedCombineFn<V, TimedValue<V>, V | undefined> {
  return valueAt<V>('first');
}

export function lastByTime<V>(): TimedCombineFn<V, TimedValue<V>, V | undefined> {
  return valueAt<V>('last');
}
