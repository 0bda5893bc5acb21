import type { CombineFn } from '../../../src/domain/aggregation/combiners';
import { aggregates, type Aggregate } from '../../../src/domain/sdk/aggregates';
import { compileCombiner } from '../../../src/domain/sdk/compiled-combiner';
import { decodeState, encodeState } from '../../../src/domain/engine/state-codec';

interface Ev {
  readonly s: string;
  readonly x: number;
  readonly units: number;
  readonly t: number;
}
const a = aggregates<Ev>();
const evs: Ev[] = [
  { s: 'a', x: 2, units: 5, t: 30 },
  { s: 'b', x: 4, units: Number.MAX_SAFE_INTEGER, t: 10 },
  { s: 'a', x: 4, units: 5, t: 10 },
  { s: 'c', x: 9, units: 1, t: 30 },
];

function run<O>(named: Record<string, Aggregate<Ev, unknown>>, events: Ev[] = evs): O {
  const c = compileCombiner<Ev, O>(named, (e) => e.t);
  return c.extract(events.reduce((acc, e) => c.add(acc, e), c.create()));
}

describe('aggregates', () => {
  it('compute each named aggregate over the events', () => {
    expect(
      run({
        sum: a.sum('x'),
        n: a.count(),
        lo: a.min('x'),
        hi: a.max('x'),
        avg: a.mean((e) => e.x * 2),
        sd: a.stddev('x'),
        first: a.first('s'),
        last: a.last((e) => `${e.s}${e.x}`),
        distinct: a.distinctCount('s'),
        top: a.topN(2, 'x', 's'),
        exact: a.decimalSum('units'),
      }),
    ).toEqual({
      sum: 19,
      n: 4,
      lo: 2,
      hi: 9,
      avg: 9.5,
      // mean 4.75; squared deviations 7.5625 + 0.5625 + 0.5625 + 18.0625 = 26.75, / 3.
      sd: Math.sqrt(26.75 / 3),
      // earliest t = 10: 'b' arrived before 'a'; latest t = 30: 'c9' arrived after 'a2'.
      first: 'b',
      last: 'c9',
      distinct: 3,
      top: [
        { value: 'c', by: 9 },
        { value: 'a', by: 4 },
      ],
      exact: BigInt(Number.MAX_SAFE_INTEGER) + 11n,
    });
  });

  it('custom combiners run as given', () => {
    const concat: CombineFn<Ev, string[], string> = {
      create: () => [],
      add: (acc, e) => [...acc, e.s],
      merge: (x, y) => [...x, ...y],
      extract: (acc) => acc.join(''),
    };
    expect(run({ all: a.custom(concat), n: a.count() })).toEqual({ all: 'abac', n: 4 });
  });

  it('decimalSum refuses a value that is not whole', () => {
    const c = compileCombiner<Ev, unknown>({ s: a.decimalSum((e) => e.x / 3) }, (e) => e.t);
    expect(() => c.add(c.create(), evs[0] as Ev)).toThrow(
      'decimalSum needs whole numbers (integer units of a decimal), got 0.6666666666666666',
    );
  });

  it('add reads every value before it changes an accumulator', () => {
    const c = compileCombiner<Ev, { n: number; s: number | bigint }>(
      { n: a.count(), s: a.decimalSum('x') },
      (e) => e.t,
    );
    expect(c.stage).toBeUndefined();
    const acc = c.add(c.create(), evs[0] as Ev);
    expect(() => c.add(acc, { s: 'z', x: 0.5, units: 0, t: 0 })).toThrow(
      'decimalSum needs whole numbers (integer units of a decimal), got 0.5',
    );
    expect(c.extract(acc)).toEqual({ n: 1, s: 2 });
  });

  it('reads an event once however many windows it is added to', () => {
    let reads = 0;
    const c = compileCombiner<Ev, { s: number }>(
      {
        s: a.sum((e) => {
          reads++;
          return e.x;
        }),
      },
      (e) => e.t,
    );
    const [w1, w2] = [c.create(), c.create()];
    const e = evs[0] as Ev;
    c.add(w1, e);
    c.add(w2, e);
    c.add(w1, { ...e });
    expect([reads, c.extract(w1).s, c.extract(w2).s]).toEqual([2, 4, 2]);
  });

  it('only jobs with a custom combiner stage', () => {
    expect(compileCombiner<Ev, unknown>({ n: a.count(), s: a.sum((e) => e.x) }, (e) => e.t).stage).toBeUndefined();
    const custom = a.custom<number, number>({
      create: () => 0,
      add: (n) => n + 1,
      merge: (x, y) => x + y,
      extract: (n) => n,
    });
    expect(compileCombiner<Ev, unknown>({ s: a.sum('x'), c: custom }, (e) => e.t).stage).toBeDefined();
  });

  it('a throw of a value function in add changes nothing', () => {
    const c = compileCombiner<Ev, { n: number; s: number }>(
      {
        n: a.count(),
        s: a.sum((e) => {
          if (e.s === 'c') throw new Error('no c');
          return e.x;
        }),
      },
      (e) => e.t,
    );
    const acc = evs.slice(0, 3).reduce((x, e) => c.add(x, e), c.create());
    expect(() => c.add(acc, evs[3] as Ev)).toThrow('no c');
    expect(c.extract(acc)).toEqual({ n: 3, s: 10 });
  });

  it('a throw while staging leaves every accumulator as it was', () => {
    const failing: CombineFn<Ev, { seen: string[] }, number> = {
      create: () => ({ seen: [] }),
      add: (acc, e) => {
        acc.seen.push(e.s); // mutates first, then throws: only a copy is touched
        if (e.s === 'c') throw new Error('no c');
        return acc;
      },
      merge: (x, y) => ({ seen: [...x.seen, ...y.seen] }),
      extract: (acc) => acc.seen.length,
    };
    const c = compileCombiner<Ev, { n: number; sum: number; custom: number }>(
      { n: a.count(), sum: a.sum((e) => (e.x > 100 ? Number.NaN : e.x)), custom: a.custom(failing) },
      (e) => e.t,
    );
    const stage = c.stage;
    if (stage === undefined) throw new Error('expected stage');
    let acc = c.create();
    for (const e of evs.slice(0, 3)) acc = stage(acc, e)();
    const before = encodeState(acc);
    expect(() => stage(acc, evs[3] as Ev)).toThrow('no c');
    expect(encodeState(acc)).toEqual(before);
    expect(c.extract(acc)).toEqual({ n: 3, sum: 10, custom: 3 });
  });

  it('a custom combiner that stages itself is staged in place, not on a copy', () => {
    const list: string[] = [];
    const staging: CombineFn<Ev, string[], string> = {
      create: () => list,
      add: () => {
        throw new Error('add is not called when the combiner stages');
      },
      stage: (acc, e) => {
        if (e.s === 'c') throw new Error('no c');
        return () => {
          acc.push(e.s);
          return acc;
        };
      },
      merge: (x, y) => [...x, ...y],
      extract: (acc) => acc.join(''),
    };
    const c = compileCombiner<Ev, { n: number; all: string }>({ n: a.count(), all: a.custom(staging) }, (e) => e.t);
    const stage = c.stage;
    if (stage === undefined) throw new Error('expected stage');
    let acc = c.create();
    for (const e of evs.slice(0, 3)) acc = stage(acc, e)();
    expect(() => stage(acc, evs[3] as Ev)).toThrow('no c');
    expect(acc[1]).toBe(list);
    expect(c.extract(acc)).toEqual({ n: 3, all: 'aba' });
  });

  it('accumulators survive the state codec', () => {
    const named = {
      d: a.distinctCount('s'),
      top: a.topN(2, 'x', 's'),
      f: a.first('x'),
      m: a.mean('x'),
      sd: a.stddev('x'),
    };
    const c = compileCombiner<Ev, unknown>(named, (e) => e.t);
    const acc = evs.reduce((x, e) => c.add(x, e), c.create());
    expect(c.extract(decodeState(encodeState(acc)) as unknown[])).toEqual(c.extract(acc));
  });
});
