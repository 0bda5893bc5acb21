import { sampleStddev } from '../../../src/domain/aggregation/stddev';

describe('sampleStddev', () => {
  const s = sampleStddev<number>((x) => x);
  const of = (xs: number[]): number => s.extract(xs.reduce((a, x) => s.add(a, x), s.create()));

  it('is the sample standard deviation (n - 1)', () => {
    // mean 5, squared deviations 9+1+1+1+0+0+4+16 = 32, / 7.
    expect(of([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect(of([1, 3])).toBeCloseTo(Math.SQRT2, 12);
  });

  it('is NaN below two values', () => {
    expect(of([])).toBeNaN();
    expect(of([42])).toBeNaN();
  });

  it('stays accurate for large values close together', () => {
    expect(of([1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16])).toBeCloseTo(Math.sqrt(30), 6);
  });

  it('merges as one accumulator over all values', () => {
    const a = [2, 4, 4, 4].reduce((acc, x) => s.add(acc, x), s.create());
    const b = [5, 5, 7, 9].reduce((acc, x) => s.add(acc, x), s.create());
    expect(s.extract(s.merge(a, b))).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect(s.extract(s.merge(s.create(), b))).toBeCloseTo(of([5, 5, 7, 9]), 12);
    expect(s.extract(s.merge(b, s.create()))).toBeCloseTo(of([5, 5, 7, 9]), 12);
  });
});
