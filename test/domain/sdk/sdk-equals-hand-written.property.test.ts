import fc from 'fast-check';
import { combineAll, count, max, mean, min, sumInteger } from '../../../src/domain/aggregation/combiners';
import { StreamEngine } from '../../../src/domain/engine/stream-engine';
import type { JobDefinition } from '../../../src/domain/jobs/job';
import { isPlainObject, parseJson } from '../../../src/domain/jobs/validation';
import type { ResultRow } from '../../../src/domain/records';
import { slidingWindows } from '../../../src/domain/windowing/window-spec';
import {
  decimal,
  defineJob,
  double,
  eventTime,
  field,
  instant,
  integer,
  json,
  sliding,
  text,
} from '../../../src/index';
import { propertyRuns } from '../../support/property-runs';

const T0 = 1_735_689_600_000;

const sdkJob = defineJob({
  name: 'spend',
  description: 'spend per region, sliding 20 s every 10 s',
  input: json({
    fields: {
      region: field.string({ maxLength: 4 }),
      cents: field.number({ integer: true, min: 0 }),
      ts: field.time('epoch-ms'),
    },
  }),
  time: eventTime('ts'),
  key: ['region'],
  window: sliding('20s', '10s'),
  watermark: '5s',
  aggregate: (a) => ({
    spend: a.decimalSum('cents'),
    n: a.count(),
    lo: a.min('cents'),
    hi: a.max('cents'),
    avg: a.mean('cents'),
  }),
  table: {
    name: 'spend',
    columns: {
      region: text(4),
      window_start: instant(),
      spend: decimal(20, 2),
      orders: integer(),
      low: integer(),
      high: integer(),
      avg: double(),
    },
    primaryKey: ['region', 'window_start'],
  },
  row: ({ window, key, agg }) => ({
    region: key.region,
    window_start: window.startMs,
    spend: agg.spend,
    orders: agg.n,
    low: agg.lo,
    high: agg.hi,
    avg: agg.avg,
  }),
});

interface Spend {
  readonly region: string;
  readonly cents: number;
  readonly ts: number;
}
const combiner = combineAll({
  spend: sumInteger<Spend>((s) => s.cents),
  n: count<Spend>(),
  lo: min<Spend>((s) => s.cents),
  hi: max<Spend>((s) => s.cents),
  avg: mean<Spend>((s) => s.cents),
});
type Acc = ReturnType<typeof combiner.create>;

/** The same job written by hand against the engine's interface. */
const handJob: JobDefinition<Spend, { region: string }, Acc> = {
  ...sdkJob,
  decode: (text) => {
    const p = parseJson(text);
    if (!p.ok) return p;
    const o = p.event;
    if (!isPlainObject(o) || typeof o.region !== 'string' || o.region.length > 4) return { ok: false, detail: 'bad' };
    if (typeof o.cents !== 'number' || !Number.isSafeInteger(o.cents) || o.cents < 0)
      return { ok: false, detail: 'bad' };
    if (typeof o.ts !== 'number' || !Number.isSafeInteger(o.ts)) return { ok: false, detail: 'bad' };
    return { ok: true, event: { region: o.region, cents: o.cents, ts: o.ts } };
  },
  eventTimeMs: (s) => s.ts,
  groupKey: (s) => s.region,
  groupFields: (s) => ({ region: s.region }),
  combiner,
  rowKey: (w, g) => `${g.region}|${w.startMs}`,
  toRow: (w, g, acc, key) => {
    const r = combiner.extract(acc);
    const values = {
      region: g.region,
      window_start: w.startMs,
      spend: r.spend,
      orders: r.n,
      low: r.lo,
      high: r.hi,
      avg: r.avg,
    };
    return { key, finalAtMs: w.endMs, values };
  },
};

type Step =
  | { kind: 'event'; region: string; cents: number; dt: number; partition: number }
  | { kind: 'bad' }
  | { kind: 'trigger' };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('event' as const),
      region: fc.constantFrom('EU', 'US', 'APAC'),
      cents: fc.integer({ min: 0, max: 10_000 }),
      dt: fc.integer({ min: 0, max: 60_000 }),
      partition: fc.integer({ min: 0, max: 1 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'bad' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'trigger' as const }) },
);

function runAll<E, G, A>(job: JobDefinition<E, G, A>, steps: Step[]): [ResultRow[][], string[][]] {
  const engine = new StreamEngine(job, {
    window: slidingWindows(20_000, 10_000),
    watermarkMs: 5_000,
    outputMode: 'update',
  });
  engine.addPartitions([0, 1]);
  const next = [0, 0];
  const rows: ResultRow[][] = [];
  const reasons: string[][] = [];
  const collect = (): void => {
    const out = engine.trigger();
    rows.push(out.rows);
    reasons.push(out.deadLetters.map((d) => d.reason));
  };
  for (const s of steps) {
    if (s.kind === 'trigger') collect();
    else {
      const partition = s.kind === 'event' ? s.partition : 0;
      const value =
        s.kind === 'event' ? JSON.stringify({ region: s.region, cents: s.cents, ts: T0 + s.dt }) : '{"region":7}';
      const position = next[partition] ?? 0;
      next[partition] = position + 1;
      engine.process({ partition, position, value });
    }
  }
  engine.finish();
  collect();
  return [rows, reasons];
}

describe('an SDK-defined job', () => {
  it('emits exactly what the same job written by hand emits', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        expect(runAll(sdkJob, steps)).toEqual(runAll(handJob, steps));
      }),
      { numRuns: propertyRuns(300) },
    );
  });
});
