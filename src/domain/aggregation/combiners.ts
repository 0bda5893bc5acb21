/**
 * A combiner in Beam's CombineFn shape: an accumulator is created, inputs are added to it,
 * accumulators of partial results merge, and the output is extracted at the end. `add` and `merge`
 * may mutate and return their first argument.
 */
export interface CombineFn<I, A, O> {
  create(): A;
  add(acc: A, input: I): A;
  /**
   * Optional, for combiners whose `add` may throw (user code): does everything that can throw
   * without changing `acc`, and returns the commit, which cannot throw and returns the new
   * accumulator. The engine then stages an event for every window it goes to before committing
   * any, so a throw leaves every window as it was. Without it the engine calls `add` per window.
   */
  stage?(acc: A, input: I): () => A;
  merge(a: A, b: A): A;
  extract(acc: A): O;
}

/** A combiner that stages (see `CombineFn.stage`). */
export type StagingCombineFn<I, A, O> = CombineFn<I, A, O> & { stage(acc: A, input: I): () => A };

export function stages<I, A, O>(combiner: CombineFn<I, A, O>): combiner is StagingCombineFn<I, A, O> {
  return combiner.stage !== undefined;
}

/** Exact integer sum; switches to bigint only if the sum leaves the safe-integer range. */
export function sumInteger<I>(of: (input: I) => number): CombineFn<I, number | bigint, number | bigint> {
  const plus = (a: number | bigint, b: number | bigint): number | bigint => {
    if (typeof a === 'number' && typeof b === 'number') {
      const s = a + b;
      if (Number.isSafeInteger(s)) return s;
    }
    const big = BigInt(a) + BigInt(b);
    // Back to a number once safe again, so the type never depends on the order of merges.
    return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  };
  return {
    create: () => 0,
    add: (acc, input) => plus(acc, of(input)),
    merge: plus,
    extract: (acc) => acc,
  };
}

/** Floating-point sum (for quantities that are not money). */
export function sum<I>(of: (input: I) => number): CombineFn<I, number, number> {
  return {
    create: () => 0,
    add: (acc, input) => acc + of(input),
    merge: (a, b) => a + b,
    extract: (acc) => acc,
  };
}

export function count<I>(): CombineFn<I, number, number> {
  return {
    create: () => 0,
    add: (acc) => acc + 1,
    merge: (a, b) => a + b,
    extract: (acc) => acc,
  };
}

/** Smallest value; `Infinity` when nothing was added. */
export function min<I>(of: (input: I) => number): CombineFn<I, number, number> {
  return {
    create: () => Infinity,
    add: (acc, input) => Math.min(acc, of(input)),
    merge: (a, b) => Math.min(a, b),
    extract: (acc) => acc,
  };
}

/** Largest value; `-Infinity` when nothing was added. */
export function max<I>(of: (input: I) => number): CombineFn<I, number, number> {
  return {
    create: () => -Infinity,
    add: (acc, input) => Math.max(acc, of(input)),
    merge: (a, b) => Math.max(a, b),
    extract: (acc) => acc,
  };
}

export interface MeanAccumulator {
  sum: number;
  count: number;
}

/** Arithmetic mean; `NaN` when nothing was added. */
export function mean<I>(of: (input: I) => number): CombineFn<I, MeanAccumulator, number> {
  return {
    create: () => ({ sum: 0, count: 0 }),
    add: (acc, input) => {
      acc.sum += of(input);
      acc.count += 1;
      return acc;
    },
    merge: (a, b) => {
      a.sum += b.sum;
      a.count += b.count;
      return a;
    },
    extract: (acc) => (acc.count === 0 ? NaN : acc.sum / acc.count),
  };
}

/** Number of distinct values. Keeps every value, so use it only where the set stays small. */
export function distinctCount<I, V>(of: (input: I) => V): CombineFn<I, Set<V>, number> {
  return {
    create: () => new Set<V>(),
    add: (acc, input) => acc.add(of(input)),
    merge: (a, b) => {
      for (const v of b) a.add(v);
      return a;
    },
    extract: (acc) => acc.size,
  };
}

type Outputs<C> = { [K in keyof C]: C[K] extends CombineFn<infer _I, infer _A, infer O> ? O : never };

/**
 * Runs several combiners over the same input as one, with named outputs:
 * `combineAll({ total: sum(f), n: count() })` extracts `{ total, n }`.
 */
export function combineAll<I, C extends Record<string, CombineFn<I, unknown, unknown>>>(
  combiners: C,
): CombineFn<I, unknown[], Outputs<C>> {
  const names = Object.keys(combiners);
  // Widened once here so the loops below stay monomorphic and allocation-free.
  const fns = names.map((n) => combiners[n] as unknown as CombineFn<I, unknown, unknown>);
  return {
    create: () => {
      const acc = new Array<unknown>(fns.length);
      for (let i = 0; i < fns.length; i++) acc[i] = (fns[i] as CombineFn<I, unknown, unknown>).create();
      return acc;
    },
    add: (acc, input) => {
      for (let i = 0; i < fns.length; i++) acc[i] = (fns[i] as CombineFn<I, unknown, unknown>).add(acc[i], input);
      return acc;
    },
    merge: (a, b) => {
      for (let i = 0; i < fns.length; i++) a[i] = (fns[i] as CombineFn<I, unknown, unknown>).merge(a[i], b[i]);
      return a;
    },
    extract: (acc) => {
      const out: Record<string, unknown> = {};
      names.forEach((n, i) => {
        out[n] = (fns[i] as CombineFn<I, unknown, unknown>).extract(acc[i]);
      });
      return out as Outputs<C>;
    },
  };
}
