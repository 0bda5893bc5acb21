import fc from 'fast-check';
import {
  combineAll,
  count,
  distinctCount,
  max,
  mean,
  min,
  sum,
  sumInteger,
  type CombineFn,
} from '../../../src/domain/aggregation/combiners';

const identity = (x: number): number => x;

function addAll<I, A, O>(fn: CombineFn<I, A, O>, xs: readonly I[]): A {
  let acc = fn.create();
  for (const x of xs) acc = fn.add(acc, x);
  return acc;
}

/** extract(merge(add(create, xs), add(create, ys))) */
function viaMerge<I, A, O>(fn: CombineFn<I, A, O>, xs: readonly I[], ys: readonly I[]): O {
  return fn.extract(fn.merge(addAll(fn, xs), addAll(fn, ys)));
}

/** extract(add(create, xs ++ ys)) */
function inOneGo<I, A, O>(fn: CombineFn<I, A, O>, xs: readonly I[], ys: readonly I[]): O {
  return fn.extract(addAll(fn, [...xs, ...ys]));
}

function bigSum(xs: readonly number[]): bigint {
  let s = 0n;
  for (const x of xs) s += BigInt(x);
  return s;
}

function toBig(v: number | bigint): bigint {
  return typeof v === 'bigint' ? v : BigInt(v);
}

/** Relative tolerance for sums of doubles, scaled by the magnitude of the terms. */
function closeEnough(a: number, b: number, scale: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, scale);
}

const MAX = Number.MAX_SAFE_INTEGER;
const safeInt = fc.integer({ min: -MAX, max: MAX });
const nonNegativeSafeInt = fc.integer({ min: 0, max: MAX });
const smallInt = fc.integer({ min: -1_000_000, max: 1_000_000 });
/** Finite doubles without -0, so min/max comparisons by Object.is are unambiguous. */
const finiteDouble = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }).map((x) => x + 0);

describe('sumInteger', () => {
  it('sums to 0 when nothing was added', () => {
    const fn = sumInteger(identity);
    expect(fn.extract(fn.create())).toBe(0);
  });

  it('sums small integers as a number', () => {
    expect(sumInteger(identity).extract(addAll(sumInteger(identity), [1, 2, 3, -4]))).toBe(2);
  });

  it('stays a number at exactly 2^53 - 1', () => {
    const fn = sumInteger(identity);
    expect(fn.extract(addAll(fn, [MAX - 1, 1]))).toBe(MAX);
  });

  it('switches to bigint past 2^53 and keeps the result exact', () => {
    const fn = sumInteger(identity);
    // 2^53 - 1 + 2 = 2^53 + 1, which a double would round to 2^53.
    expect(fn.extract(addAll(fn, [MAX, 2]))).toBe(9_007_199_254_740_993n);
    expect(fn.extract(addAll(fn, [MAX, 2, 1]))).toBe(9_007_199_254_740_994n);
    expect(fn.extract(addAll(fn, [MAX, MAX, MAX]))).toBe(27_021_597_764_222_973n);
  });

  it('merges a bigint partial sum with a number partial sum exactly', () => {
    const fn = sumInteger(identity);
    const big = addAll(fn, [MAX, MAX]);
    const small = addAll(fn, [3]);
    expect(fn.extract(fn.merge(big, small))).toBe(18_014_398_509_481_985n);
    expect(fn.extract(fn.merge(addAll(fn, [3]), addAll(fn, [MAX, MAX])))).toBe(18_014_398_509_481_985n);
  });

  it('equals a BigInt sum for any safe integers', () => {
    fc.assert(
      fc.property(fc.array(safeInt, { maxLength: 40 }), (xs) => {
        const fn = sumInteger(identity);
        expect(toBig(fn.extract(addAll(fn, xs)))).toBe(bigSum(xs));
      }),
    );
  });

  it('is a number exactly when a sum of non-negative integers stays safe', () => {
    fc.assert(
      fc.property(fc.array(nonNegativeSafeInt, { maxLength: 10 }), (xs) => {
        const fn = sumInteger(identity);
        const expected = bigSum(xs);
        expect(fn.extract(addAll(fn, xs))).toEqual(expected <= BigInt(MAX) ? Number(expected) : expected);
      }),
    );
  });

  it('merges partial sums of non-negative integers into exactly the one-pass result', () => {
    fc.assert(
      fc.property(
        fc.array(nonNegativeSafeInt, { maxLength: 10 }),
        fc.array(nonNegativeSafeInt, { maxLength: 10 }),
        (xs, ys) => {
          expect(viaMerge(sumInteger(identity), xs, ys)).toEqual(inOneGo(sumInteger(identity), xs, ys));
        },
      ),
    );
  });

  it('merges partial sums of signed integers into the exact total', () => {
    fc.assert(
      fc.property(fc.array(safeInt, { maxLength: 10 }), fc.array(safeInt, { maxLength: 10 }), (xs, ys) => {
        const expected = bigSum([...xs, ...ys]);
        expect(toBig(viaMerge(sumInteger(identity), xs, ys))).toBe(expected);
        expect(toBig(inOneGo(sumInteger(identity), xs, ys))).toBe(expected);
      }),
    );
  });
});

describe('sum', () => {
  it('sums to 0 when nothing was added', () => {
    const fn = sum(identity);
    expect(fn.extract(fn.create())).toBe(0);
  });

  it('sums the values taken from the inputs', () => {
    const fn = sum((o: { q: number }) => o.q);
    expect(fn.extract(addAll(fn, [{ q: 1.5 }, { q: 2.25 }, { q: -0.75 }]))).toBe(3);
  });

  it('merges partial sums of integers exactly', () => {
    fc.assert(
      fc.property(fc.array(smallInt), fc.array(smallInt), (xs, ys) => {
        const expected = Number(bigSum([...xs, ...ys]));
        expect(viaMerge(sum(identity), xs, ys)).toBe(expected);
        expect(inOneGo(sum(identity), xs, ys)).toBe(expected);
      }),
    );
  });

  it('merges partial sums of doubles into the one-pass sum up to rounding', () => {
    fc.assert(
      fc.property(fc.array(finiteDouble), fc.array(finiteDouble), (xs, ys) => {
        const scale = [...xs, ...ys].reduce((a, x) => a + Math.abs(x), 0);
        expect(closeEnough(viaMerge(sum(identity), xs, ys), inOneGo(sum(identity), xs, ys), scale)).toBe(true);
      }),
    );
  });
});

describe('count', () => {
  it('counts inputs, whatever their value', () => {
    const fn = count<string>();
    expect(fn.extract(fn.create())).toBe(0);
    expect(fn.extract(addAll(fn, ['a', 'a', 'b']))).toBe(3);
  });

  it('merges partial counts exactly', () => {
    fc.assert(
      fc.property(fc.array(fc.string()), fc.array(fc.string()), (xs, ys) => {
        expect(viaMerge(count<string>(), xs, ys)).toBe(xs.length + ys.length);
        expect(inOneGo(count<string>(), xs, ys)).toBe(xs.length + ys.length);
      }),
    );
  });
});

describe('min and max', () => {
  it('are +Infinity and -Infinity when nothing was added', () => {
    expect(min(identity).extract(min(identity).create())).toBe(Infinity);
    expect(max(identity).extract(max(identity).create())).toBe(-Infinity);
  });

  it('find the smallest and the largest value', () => {
    expect(min(identity).extract(addAll(min(identity), [3, -7, 12, 0]))).toBe(-7);
    expect(max(identity).extract(addAll(max(identity), [3, -7, 12, 0]))).toBe(12);
  });

  it('merge partial results into exactly the one-pass result', () => {
    fc.assert(
      fc.property(fc.array(finiteDouble), fc.array(finiteDouble), (xs, ys) => {
        const all = [...xs, ...ys];
        let lo = Infinity;
        let hi = -Infinity;
        for (const x of all) {
          if (x < lo) lo = x;
          if (x > hi) hi = x;
        }
        expect(viaMerge(min(identity), xs, ys)).toBe(lo);
        expect(inOneGo(min(identity), xs, ys)).toBe(lo);
        expect(viaMerge(max(identity), xs, ys)).toBe(hi);
        expect(inOneGo(max(identity), xs, ys)).toBe(hi);
      }),
    );
  });
});

describe('mean', () => {
  it('is NaN when nothing was added', () => {
    expect(mean(identity).extract(mean(identity).create())).toBeNaN();
  });

  it('is the arithmetic mean', () => {
    expect(mean(identity).extract(addAll(mean(identity), [1, 2, 3, 4]))).toBe(2.5);
  });

  it('merges partial means of integers exactly', () => {
    fc.assert(
      fc.property(fc.array(smallInt), fc.array(smallInt), (xs, ys) => {
        const all = [...xs, ...ys];
        const expected = all.length === 0 ? Number.NaN : Number(bigSum(all)) / all.length;
        expect(viaMerge(mean(identity), xs, ys)).toBe(expected);
        expect(inOneGo(mean(identity), xs, ys)).toBe(expected);
      }),
    );
  });

  it('merges partial means of doubles into the one-pass mean up to rounding', () => {
    fc.assert(
      fc.property(fc.array(finiteDouble, { minLength: 1 }), fc.array(finiteDouble), (xs, ys) => {
        const scale = [...xs, ...ys].reduce((a, x) => Math.max(a, Math.abs(x)), 0);
        expect(closeEnough(viaMerge(mean(identity), xs, ys), inOneGo(mean(identity), xs, ys), scale)).toBe(true);
      }),
    );
  });
});

describe('distinctCount', () => {
  it('counts distinct values once each', () => {
    const fn = distinctCount((o: { id: number }) => o.id);
    expect(fn.extract(fn.create())).toBe(0);
    expect(fn.extract(addAll(fn, [{ id: 1 }, { id: 2 }, { id: 1 }, { id: 3 }, { id: 2 }]))).toBe(3);
  });

  it('merges partial results into exactly the number of distinct values', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 })), fc.array(fc.integer({ min: 0, max: 20 })), (xs, ys) => {
        const sorted = [...xs, ...ys].sort((a, b) => a - b);
        const expected = sorted.filter((x, i) => i === 0 || x !== sorted[i - 1]).length;
        expect(viaMerge(distinctCount(identity), xs, ys)).toBe(expected);
        expect(inOneGo(distinctCount(identity), xs, ys)).toBe(expected);
      }),
    );
  });
});

describe('combineAll', () => {
  interface Trade {
    readonly qty: number;
    readonly price: number;
  }
  const trades = (): CombineFn<
    Trade,
    unknown[],
    { qty: number | bigint; n: number; lo: number; hi: number; avg: number }
  > =>
    combineAll({
      qty: sumInteger<Trade>((t) => t.qty),
      n: count<Trade>(),
      lo: min<Trade>((t) => t.price),
      hi: max<Trade>((t) => t.price),
      avg: mean<Trade>((t) => t.price),
    });

  it('extracts every named output of its combiners', () => {
    const fn = trades();
    const acc = addAll(fn, [
      { qty: 3, price: 10 },
      { qty: 5, price: 4 },
      { qty: 2, price: 7 },
    ]);
    expect(fn.extract(acc)).toEqual({ qty: 10, n: 3, lo: 4, hi: 10, avg: 7 });
  });

  it('extracts the empty value of each combiner when nothing was added', () => {
    const fn = trades();
    expect(fn.extract(fn.create())).toEqual({ qty: 0, n: 0, lo: Infinity, hi: -Infinity, avg: Number.NaN });
  });

  it('merges partial results into exactly the one-pass result', () => {
    const trade = fc.record({ qty: fc.integer({ min: 0, max: 1_000 }), price: fc.integer({ min: 0, max: 100_000 }) });
    fc.assert(
      fc.property(fc.array(trade), fc.array(trade), (xs, ys) => {
        const all = [...xs, ...ys];
        const qty = all.reduce((a, t) => a + t.qty, 0);
        const priceSum = all.reduce((a, t) => a + t.price, 0);
        const expected = {
          qty,
          n: all.length,
          lo: all.reduce((a, t) => (t.price < a ? t.price : a), Infinity),
          hi: all.reduce((a, t) => (t.price > a ? t.price : a), -Infinity),
          avg: all.length === 0 ? Number.NaN : priceSum / all.length,
        };
        expect(viaMerge(trades(), xs, ys)).toEqual(expected);
        expect(inOneGo(trades(), xs, ys)).toEqual(expected);
      }),
    );
  });
});
