import { StreamEngine } from '../../../src/domain/engine/stream-engine';
import { tumblingWindows } from '../../../src/domain/windowing/window-spec';
import { defineJob, double, eventTime, field, integer, instant, json, text, tumbling } from '../../../src/index';

/** The same job twice, but for its aggregates: what a user changes between two releases of a job. */
function spendJob(withMax: boolean) {
  return defineJob({
    name: 'spend',
    description: 'spend per region',
    input: json({
      fields: { region: field.string({ maxLength: 8 }), cents: field.number(), ts: field.time('epoch-ms') },
    }),
    time: eventTime('ts'),
    key: ['region'],
    window: tumbling('1m'),
    aggregate: (a) => ({ total: a.sum('cents'), top: withMax ? a.max('cents') : a.min('cents') }),
    table: {
      name: 'spend',
      columns: { region: text(8), window_start: instant(), total: double(), top: integer(64) },
      primaryKey: ['region', 'window_start'],
    },
    row: ({ window, key, agg }) => ({
      region: key.region,
      window_start: window.startMs,
      total: agg.total,
      top: agg.top,
    }),
  });
}

const settingsOf = (withMax: boolean): string =>
  new StreamEngine(spendJob(withMax), {
    window: tumblingWindows(60_000),
    watermarkMs: 0,
    outputMode: 'update',
  }).settingsKey();

describe("a job's state shape", () => {
  it('names each aggregate and its kind in the engine settings a snapshot must match', () => {
    expect(settingsOf(true)).toBe('spend window=60000/60000 watermark=0 output=update state=total:sum,top:max');
  });

  it('differs once the aggregates change, so a snapshot of the old job is not restored', () => {
    expect(settingsOf(false)).toBe('spend window=60000/60000 watermark=0 output=update state=total:sum,top:min');
  });
});
