import { MemorySink } from '../../../src/adapters/memory/memory-sink.adapter';
import { ms, order, row } from '../../support/order-lines';
import { deadLetterKeys, sortRows, tableOf } from '../../support/order-table';
import { runOrders, type Partitions } from '../../support/orders-pipeline';
import { committedOf } from '../../support/memory-committed';

/**
 * The end of a bounded prod run (onStop: 'checkpoint'), append mode: two partitions whose records
 * reach 00:02:30 and 00:02:20, so [00:00, 00:01) and [00:01, 00:02) close by the watermark and
 * [00:02, 00:03) is still open when the input ends.
 */
const FIRST: Partitions = new Map([
  [
    0,
    [order({ orderid: 1, t: '00:00:10' }), order({ orderid: 2, t: '00:01:10' }), order({ orderid: 3, t: '00:02:30' })],
  ],
  [1, [order({ orderid: 11, shopid: 2, t: '00:00:20' }), order({ orderid: 12, shopid: 2, t: '00:02:20' })]],
]);

/** What a producer sends afterwards: one record for the window open at the end, one for a later window. */
const LATER: Partitions = new Map([
  [0, [...(FIRST.get(0) ?? []), order({ orderid: 4, t: '00:02:40' }), order({ orderid: 5, t: '00:03:10' })]],
  [1, [...(FIRST.get(1) ?? [])]],
]);

const CLOSED_BY_WATERMARK = [
  row({ window: ['00:00', '00:01'], expenditure: '1.00', items: 1, orders: 1, first: '00:00:10', last: '00:00:10' }),
  row({
    window: ['00:00', '00:01'],
    shopid: 2,
    expenditure: '1.00',
    items: 1,
    orders: 1,
    first: '00:00:20',
    last: '00:00:20',
  }),
  row({ window: ['00:01', '00:02'], expenditure: '1.00', items: 1, orders: 1, first: '00:01:10', last: '00:01:10' }),
];
const OPEN_SHOP_1 = row({
  window: ['00:02', '00:03'],
  expenditure: '1.00',
  items: 1,
  orders: 1,
  first: '00:02:30',
  last: '00:02:30',
});
const OPEN_SHOP_2 = row({
  window: ['00:02', '00:03'],
  shopid: 2,
  expenditure: '1.00',
  items: 1,
  orders: 1,
  first: '00:02:20',
  last: '00:02:20',
});

describe('the end of a bounded prod run', () => {
  const prod = { onStop: 'checkpoint' as const, outputMode: 'append' as const };

  it('keeps the windows still open for the next run by default, and says how many rows stay open', async () => {
    const sink = new MemorySink();
    const { report } = await runOrders({ partitions: FIRST, sink, settings: prod });

    expect(tableOf(sink.table)).toEqual(sortRows(CLOSED_BY_WATERMARK));
    expect(report).toMatchObject({
      completed: true,
      openWindowsAtEnd: 'kept',
      finalRows: 3,
      state: { openWindows: 1, rows: 2 },
    });

    // The next run continues them: the record for the open window joins it.
    const next = await runOrders({ partitions: LATER, sink, settings: { ...prod, atEnd: 'flush' } });
    expect(next.report.counters).toMatchObject({ read: 2, accepted: 2, late: 0 });
    expect(tableOf(sink.table)).toEqual(
      sortRows([
        ...CLOSED_BY_WATERMARK,
        row({
          window: ['00:02', '00:03'],
          expenditure: '2.00',
          items: 2,
          orders: 2,
          first: '00:02:30',
          last: '00:02:40',
        }),
        OPEN_SHOP_2,
        row({
          window: ['00:03', '00:04'],
          expenditure: '1.00',
          items: 1,
          orders: 1,
          first: '00:03:10',
          last: '00:03:10',
        }),
      ]),
    );
  });

  it('with atEnd flush, writes every open window; a later run takes records for them as late and later ones as usual', async () => {
    const sink = new MemorySink();
    const { report } = await runOrders({ partitions: FIRST, sink, settings: { ...prod, atEnd: 'flush' } });

    expect(tableOf(sink.table)).toEqual(sortRows([...CLOSED_BY_WATERMARK, OPEN_SHOP_1, OPEN_SHOP_2]));
    expect(report).toMatchObject({
      completed: true,
      openWindowsAtEnd: 'flushed',
      finalRows: 5,
      state: { openWindows: 0, rows: 0 },
    });
    // The partitions keep their watermarks: only the flushed windows count as closed.
    expect(committedOf(sink)?.watermarks).toEqual(
      new Map([
        [0, ms('00:02:20')],
        [1, ms('00:02:10')],
      ]),
    );

    const next = await runOrders({ partitions: LATER, sink, settings: prod });

    expect(next.report.counters).toMatchObject({ read: 2, accepted: 1, late: 1 });
    expect(deadLetterKeys(sink.deadLetters)).toEqual([{ reason: 'late', partition: 0, position: 3 }]);
    expect(sink.deadLetters[0]?.detail).toBe(
      'event time 2025-01-01T00:02:40.000Z is behind watermark 2025-01-01T00:03:00.000Z of partition 0: window [2025-01-01T00:02:00.000Z, 2025-01-01T00:03:00.000Z) is closed',
    );
    // 00:03:10 is in a window nobody wrote yet: accepted, and kept open at this run's end.
    expect(next.report).toMatchObject({ openWindowsAtEnd: 'kept', state: { openWindows: 1, rows: 1 } });
  });

  it('complete mode: a run that continues a snapshot and reads nothing new still writes the whole table once', async () => {
    const sink = new MemorySink();
    const complete = { onStop: 'checkpoint' as const, outputMode: 'complete' as const };
    await runOrders({ partitions: FIRST, sink, settings: complete });
    const before = sink.commits.length;

    const again = await runOrders({ partitions: FIRST, sink, settings: complete });

    expect(again.report.counters).toMatchObject({ read: 0, replayed: 0 });
    const written = sink.commits.slice(before);
    expect(written.map((c) => c.rows.length)).toEqual([5]);
    expect(again.report.finalRows).toBe(5);
  });
});
