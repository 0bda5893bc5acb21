import fc from 'fast-check';
import { topN } from '../../../src/domain/aggregation/top-n';
import { propertyRuns } from '../../support/property-runs';

type Quote = [string, number];
const top = (n: number) =>
  topN<Quote, string>(
    n,
    (q) => q[1],
    (q) => q[0],
  );

/** The ranking computed the slow way: best `by` per value, sorted, cut at n. */
function reference(n: number, quotes: Quote[]): { value: string; by: number }[] {
  const best = new Map<string, number>();
  for (const [v, by] of quotes) best.set(v, Math.max(best.get(v) ?? -Infinity, by));
  return [...best]
    .map(([value, by]) => ({ value, by }))
    .sort((a, b) => b.by - a.by || (a.value < b.value ? -1 : 1))
    .slice(0, n);
}

describe('topN', () => {
  it('ranks distinct values by their best measure, ties to the smaller value', () => {
    const t = top(3);
    const quotes: Quote[] = [
      ['A', 5],
      ['B', 9],
      ['A', 7],
      ['C', 7],
      ['D', 1],
      ['B', 2],
    ];
    const acc = quotes.reduce((a, q) => t.add(a, q), t.create());
    expect(t.extract(acc)).toEqual([
      { value: 'B', by: 9 },
      { value: 'A', by: 7 },
      { value: 'C', by: 7 },
    ]);
  });

  it('refuses n below 1', () => {
    expect(() => top(0)).toThrow('topN needs a whole n ≥ 1, got 0');
  });

  it('equals the ranking over all inputs, however they are split and merged', () => {
    const quote = fc.tuple(fc.constantFrom('A', 'B', 'C', 'D', 'E', 'F'), fc.integer({ min: -5, max: 5 }));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(quote), fc.array(quote), (n, xs, ys) => {
        const t = top(n);
        const a = xs.reduce((acc, q) => t.add(acc, q), t.create());
        const b = ys.reduce((acc, q) => t.add(acc, q), t.create());
        expect(t.extract(t.merge(a, b))).toEqual(reference(n, [...xs, ...ys]));
      }),
      { numRuns: propertyRuns(500) },
    );
  });
});
