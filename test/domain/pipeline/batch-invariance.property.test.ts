import fc from 'fast-check';
import { ManualClock } from '../../../src/adapters/memory/manual-clock.adapter';
import { OUTPUT_MODES } from '../../../src/domain/engine/output-mode';
import { slidingWindows } from '../../../src/domain/windowing/window-spec';
import { deadLetterKeys, sortRows, tableOf } from '../../support/order-table';
import { runOrders } from '../../support/orders-pipeline';
import { referenceOrders } from '../../support/reference-orders';
import { propertyRuns } from '../../support/property-runs';

/*
 * Invariant (ARCHITECTURE §2): the final table does not depend on how the input is cut into batches
 * and triggers, nor on the output mode. It must equal the independent reference, and so must the
 * dead letters (by reason, partition and position).
 */

const BASE_MS = Date.UTC(2025, 0, 1);
const SECONDS_2030 = Date.UTC(2030, 0, 1) / 1000;

interface OrderEntry {
  readonly kind: 'order';
  readonly id: number;
  readonly item: number;
  readonly shop: number;
  readonly region: string;
  readonly count: number;
  readonly cents: number;
  /** Processing of this partition moves on by this much event time… */
  readonly stepMs: number;
  /** …and the record's own time is that plus this (out of order, sometimes far behind: late). */
  readonly jitterMs: number;
  /** Sub-millisecond part of the timestamp (rounded to the nearest ms by both sides). */
  readonly fractionMs: number;
}

type Entry = OrderEntry | { readonly kind: 'line'; readonly text: string | undefined };

const orderEntry: fc.Arbitrary<Entry> = fc.record({
  kind: fc.constant('order' as const),
  id: fc.integer({ min: 0, max: 9 }), // few ids: repeats (duplicates, or re-accepted once forgotten)
  item: fc.integer({ min: 1, max: 3 }),
  shop: fc.integer({ min: 1, max: 2 }),
  region: fc.constantFrom('TW', 'ID', 'Zürich', '東京', '\u{20BB7}野', 'US-CA'),
  count: fc.integer({ min: 1, max: 5 }),
  cents: fc.integer({ min: 0, max: 99_999 }),
  stepMs: fc.integer({ min: 0, max: 10_000 }),
  jitterMs: fc.constantFrom(0, 0, 0, 0, -1_500, -4_000, -9_000, -12_000, -25_000, -70_000),
  fractionMs: fc.constantFrom(0, 0, 0, 0.4, 0.6),
});

const blankLine = fc.constantFrom('', ' ', '\t', '  \r');
const malformedLine = fc.constantFrom(
  'not json',
  '{"orderid":1}',
  '[1,2,3]',
  'null',
  '{"orderid":1,"itemid":1,"shopid":1,"region":"TW","count":0,"price":1,"timestamp":1735689600}',
  '{"orderid":1,"itemid":1,"shopid":1,"region":"TW","count":1,"price":1.005,"timestamp":1735689600}',
  '{"orderid":1,"itemid":1,"shopid":1,"region":"","count":1,"price":1,"timestamp":1735689600}',
  `{"orderid":1,"itemid":1,"shopid":1,"region":"TW","count":1,"price":1,"timestamp":${SECONDS_2030 * 1000}}`,
  '{"orderid":-1,"itemid":1,"shopid":1,"region":"TW","count":1,"price":1,"timestamp":1735689600}',
);

const entry: fc.Arbitrary<Entry> = fc.oneof(
  { arbitrary: orderEntry, weight: 12 },
  { arbitrary: blankLine.map((text): Entry => ({ kind: 'line', text })), weight: 1 },
  { arbitrary: malformedLine.map((text): Entry => ({ kind: 'line', text })), weight: 1 },
  { arbitrary: fc.constant<Entry>({ kind: 'line', text: undefined }), weight: 1 },
);

/** Lines of one partition. Order ids are offset per partition so a repeated id stays in its partition. */
function toLines(partition: number, entries: readonly Entry[]): (string | undefined)[] {
  let clockMs = BASE_MS + partition * 7_000;
  return entries.map((e) => {
    if (e.kind === 'line') return e.text;
    clockMs += e.stepMs;
    const t = Math.max(BASE_MS, clockMs + e.jitterMs);
    return JSON.stringify({
      orderid: partition * 100 + e.id,
      itemid: e.item,
      shopid: e.shop,
      region: e.region,
      count: e.count,
      price: e.cents / 100,
      timestamp: (t + e.fractionMs) / 1000,
    });
  });
}

const WINDOWS = [
  { windowMs: 60_000, slideMs: 60_000 },
  { windowMs: 120_000, slideMs: 60_000 },
  { windowMs: 30_000, slideMs: 10_000 },
] as const;

const scenario = fc.record({
  // size 'max': lengths spread up to 40, so windows close during the run and late records occur.
  partitions: fc.array(fc.array(entry, { maxLength: 40, size: 'max' }), { minLength: 1, maxLength: 3 }),
  batchSizes: fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 1, maxLength: 4 }),
  triggerRecords: fc.integer({ min: 1, max: 20 }),
  outputMode: fc.constantFrom(...OUTPUT_MODES),
  window: fc.constantFrom(...WINDOWS),
  watermarkMs: fc.constantFrom(0, 5_000, 10_000),
  // Processing time per clock read, with a time trigger every 25 ms (never fires when the clock stands).
  clockStepMs: fc.constantFrom(0, 0, 7),
});

describe('batch invariance (property)', () => {
  it('ends with the reference table and dead letters, whatever the batches, triggers and output mode', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (sc) => {
        const partitions = new Map(sc.partitions.map((entries, p) => [p, toLines(p, entries)] as const));
        const { sink, report } = await runOrders({
          partitions,
          batchSizes: sc.batchSizes,
          clock: new ManualClock(0, sc.clockStepMs),
          settings: {
            window: slidingWindows(sc.window.windowMs, sc.window.slideMs),
            watermarkMs: sc.watermarkMs,
            outputMode: sc.outputMode,
            triggerRecords: sc.triggerRecords,
            triggerIntervalMs: 25,
          },
        });
        const reference = referenceOrders(partitions, { ...sc.window, watermarkMs: sc.watermarkMs });

        expect(report.completed).toBe(true);
        expect(tableOf(sink.table)).toEqual(sortRows(reference.rows.values()));
        expect(deadLetterKeys(sink.deadLetters)).toEqual(deadLetterKeys(reference.deadLetters));
        expect(report.counters).toMatchObject({ accepted: reference.accepted, blank: reference.blank });
      }),
      { numRuns: propertyRuns(100) },
    );
  });
});
