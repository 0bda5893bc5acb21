import type { CombineFn } from './combiners';

/** Welford's running moments: count, mean and the sum of squared deviations from the mean. */
export interface MomentsAccumulator {
  n: number;
  mean: number;
  m2: number;
}

/**
 * Sample standard deviation (divides by n - 1); `NaN` below two values. Welford's update keeps it
 * accurate when values are large and close together, where the sum of squares would cancel; merges
 * use Chan's parallel formula.
 */
export function sampleStddev<I>(of: (input: I) => number): CombineFn<I, MomentsAccumulator, number> {
  return {
    create: () => ({ n: 0, mean: 0, m2: 0 }),
    add: (acc, input) => {
      const x = of(input);
      acc.n += 1;
      const delta = x - acc.mean;
      acc.mean += delta / acc.n;
      acc.m2 += delta * (x - acc.mean);
      return acc;
    },
    merge: (a, b) => {
      if (b.n === 0) return a;
      if (a.n === 0) return { n: b.n, mean: b.mean, m2: b.m2 };
      const n = a.n + b.n;
      const delta = b.mean - a.mean;
      a.m2 += b.m2 + (delta * delta * a.n * b.n) / n;
      a.mean += (delta * b.n) / n;
      a.n = n;
      return a;
    },
    extract: (acc) => (acc.n < 2 ? NaN : Math.sqrt(acc.m2 / (acc.n - 1))),
  };
}
