import { firstByTime, lastByTime } from '../../../src/domain/aggregation/first-last';

describe('firstByTime / lastByTime', () => {
  const feed = <A>(fn: { create(): A; add(acc: A, v: string, t: number): A }, inputs: [number, string][]): A =>
    inputs.reduce((acc, [t, v]) => fn.add(acc, v, t), fn.create());
  const inputs: [number, string][] = [
    [20, 'b'],
    [10, 'a1'],
    [30, 'c1'],
    [10, 'a2'],
    [30, 'c2'],
  ];

  it('keeps the value at the earliest time, ties to the earliest arrival', () => {
    const f = firstByTime<string>();
    expect(f.extract(feed(f, inputs))).toBe('a1');
  });

  it('keeps the value at the latest time, ties to the latest arrival', () => {
    const l = lastByTime<string>();
    expect(l.extract(feed(l, inputs))).toBe('c2');
  });

  it('is undefined when nothing was added', () => {
    expect(firstByTime<string>().extract(undefined)).toBeUndefined();
  });

  it('merges with the second accumulator as the later arrival', () => {
    const f = firstByTime<string>();
    const l = lastByTime<string>();
    expect(f.extract(f.merge(feed(f, [[5, 'x']]), feed(f, [[5, 'y']])))).toBe('x');
    expect(l.extract(l.merge(feed(l, [[5, 'x']]), feed(l, [[5, 'y']])))).toBe('y');
    expect(f.extract(f.merge(f.create(), feed(f, [[7, 'z']])))).toBe('z');
    expect(l.extract(l.merge(feed(l, [[9, 'late']]), feed(l, [[3, 'early']])))).toBe('late');
  });

  it('never mutates a pair it handed out', () => {
    const f = firstByTime<string>();
    const acc = f.add(f.create(), 'a', 10);
    const snapshot = acc === undefined ? undefined : [...acc];
    f.add(acc, 'b', 5);
    expect(acc).toEqual(snapshot);
  });
});
