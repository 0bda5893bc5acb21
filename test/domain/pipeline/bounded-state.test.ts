import { order } from '../../support/order-lines';
import { upsertAll, sortRows } from '../../support/order-table';
import { runOrders } from '../../support/orders-pipeline';
import { referenceOrders } from '../../support/reference-orders';

const MINUTE_MS = 60_000;
const TUMBLING_1M = { windowMs: MINUTE_MS, slideMs: MINUTE_MS, watermarkMs: 10_000 };
const BATCH = 50;

function clock(seconds: number): string {
  const s = seconds % 60;
  const m = Math.floor(seconds / 60) % 60;
  const h = Math.floor(seconds / 3600);
  return [h, m, s].map((n) => String(n).padStart(2, '0')).join(':');
}

/**
 * Two partitions over `minutes` of event time, read at the same number of records per poll: partition
 * 0 holds one order a second, partition 1 five. Read that way, partition 0 runs ahead in event time
 * by 40 s every round, so without alignment its windows wait for partition 1 ever longer.
 */
function skewedPartitions(minutes: number): Map<number, string[]> {
  const sparse = Array.from({ length: minutes * 60 }, (_, i) => order({ orderid: i + 1, itemid: i + 1, t: clock(i) }));
  const dense = Array.from({ length: minutes * 300 }, (_, i) =>
    order({
      orderid: 1_000_000 + i,
      itemid: 1_000_000 + i,
      shopid: 2,
      t: `${clock(Math.floor(i / 5))}.${(i % 5) * 200}`,
    }),
  );
  return new Map([
    [0, sparse],
    [1, dense],
  ]);
}

async function run(
  minutes: number,
  maxDriftMs: number | undefined,
): Promise<{ peakWindows: number; peakRows: number; table: ReturnType<typeof upsertAll> }> {
  const { sink, report } = await runOrders({
    partitions: skewedPartitions(minutes),
    batchSizes: [BATCH],
    settings: { triggerRecords: 200, ...(maxDriftMs !== undefined ? { maxDriftMs } : {}) },
  });
  return { peakWindows: report.peakState.openWindows, peakRows: report.peakState.rows, table: upsertAll(sink.commits) };
}

describe('StreamPipeline: state bounded by event-time alignment', () => {
  it('keeps the open windows under a constant however many windows have closed', async () => {
    const short = await run(20, MINUTE_MS);
    const long = await run(60, MINUTE_MS);

    // Partition 0 is held once it is a minute ahead, after at most one more poll of it (50 s): the
    // windows open at a trigger span that skew, the watermark delay (10 s), the 200 records since the
    // last trigger (at most 40 s of partition 1) and the window being filled.
    const bound = Math.ceil((MINUTE_MS + BATCH * 1_000 + 10_000 + 40_000) / MINUTE_MS) + 1;
    expect(long.peakWindows).toBeLessThanOrEqual(bound);
    expect(long.peakWindows).toBe(short.peakWindows);
    expect(long.peakRows).toBe(short.peakRows);
  });

  it('without alignment, lets the open windows grow with the input', async () => {
    const short = await run(20, undefined);
    const long = await run(60, undefined);

    // Partition 0 ends after 60·m records; by then partition 1 is at about m/5 minutes: some 4/5 of
    // the windows are still open.
    expect(short.peakWindows).toBeGreaterThan(0.7 * 20);
    expect(long.peakWindows).toBeGreaterThan(0.7 * 60);
  });

  it('changes nothing in the result table', async () => {
    const partitions = skewedPartitions(20);
    const expected = sortRows(referenceOrders(partitions, TUMBLING_1M).rows.values());

    expect((await run(20, MINUTE_MS)).table).toEqual(expected);
    expect((await run(20, undefined)).table).toEqual(expected);
  });
});
