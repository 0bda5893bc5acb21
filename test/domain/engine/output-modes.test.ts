import type { TriggerOutput } from '../../../src/domain/engine/stream-engine';
import type { OutputMode } from '../../../src/domain/engine/output-mode';
import { order, row } from '../../support/order-lines';
import { emitted, sortRows, upsertAll } from '../../support/order-table';
import { OrdersTestStream } from '../../support/orders-test-stream';
import { referenceOrders } from '../../support/reference-orders';

/*
 * One scripted input, TestStream style (tumbling 1 min, watermark 10 s, one partition):
 *
 *   T1 ← o1 item 1 @00:05, o2 item 1 @00:20, o3 item 2 @00:30            W = 00:20
 *   T2 ← o4 item 1 @00:40, o5 item 3 @01:05                               W = 00:55
 *   T3 ← o6 item 3 @01:15                                                 W = 01:05: [00:00, 00:01) closes
 *   T4 ← end of input                                                     flush
 */
const STAGES: readonly (readonly string[])[] = [
  [
    order({ orderid: 1, itemid: 1, count: 1, price: 2.5, t: '00:00:05' }),
    order({ orderid: 2, itemid: 1, count: 2, price: 2.5, t: '00:00:20' }),
    order({ orderid: 3, itemid: 2, count: 1, price: 10, t: '00:00:30' }),
  ],
  [
    order({ orderid: 4, itemid: 1, count: 1, price: 2.5, t: '00:00:40' }),
    order({ orderid: 5, itemid: 3, count: 3, price: 1, t: '00:01:05' }),
  ],
  [order({ orderid: 6, itemid: 3, count: 1, price: 1, t: '00:01:15' })],
];

function run(mode: OutputMode): { outputs: TriggerOutput[]; stream: OrdersTestStream } {
  const stream = new OrdersTestStream({ outputMode: mode });
  const outputs: TriggerOutput[] = [];
  for (const stage of STAGES) {
    stream.add(0, ...stage);
    outputs.push(stream.fire());
  }
  outputs.push(stream.finish());
  return { outputs, stream };
}

// Rows by hand. "A1" is item 1 after T1, "A2" after o4; C1, C2 likewise for item 3.
const A1 = row({
  window: ['00:00', '00:01'],
  itemid: 1,
  expenditure: '7.50',
  items: 3,
  orders: 2,
  first: '00:00:05',
  last: '00:00:20',
});
const A2 = row({
  window: ['00:00', '00:01'],
  itemid: 1,
  expenditure: '10.00',
  items: 4,
  orders: 3,
  first: '00:00:05',
  last: '00:00:40',
});
const B = row({
  window: ['00:00', '00:01'],
  itemid: 2,
  expenditure: '10.00',
  items: 1,
  orders: 1,
  first: '00:00:30',
  last: '00:00:30',
});
const C1 = row({
  window: ['00:01', '00:02'],
  itemid: 3,
  expenditure: '3.00',
  items: 3,
  orders: 1,
  first: '00:01:05',
  last: '00:01:05',
});
const C2 = row({
  window: ['00:01', '00:02'],
  itemid: 3,
  expenditure: '4.00',
  items: 4,
  orders: 2,
  first: '00:01:05',
  last: '00:01:15',
});

describe('output modes', () => {
  it('update: emits each row changed since the previous trigger once, with its current value, and nothing unchanged', () => {
    const { outputs } = run('update');

    expect(outputs.map(emitted)).toEqual([
      [A1, B], // item 1 changed twice (o1, o2): one row
      [A2, C1], // B unchanged: not re-emitted
      [C2], // closing [00:00, 00:01) changes nothing
      [],
    ]);
    for (const out of outputs) expect(new Set(out.rows.map((r) => r.key)).size).toBe(out.rows.length);
  });

  it('append: emits each row once, with its final value, in the trigger where its window closes', () => {
    const { outputs } = run('append');

    expect(outputs.map(emitted)).toEqual([[], [], [A2, B], [C2]]);
  });

  it('complete: emits every row at every trigger that changed the table, closed windows included, and keeps their state', () => {
    const { outputs, stream } = run('complete');

    expect(outputs.map(emitted)).toEqual([
      [A1, B],
      [A2, B, C1],
      [A2, B, C2],
      [], // the end of input changed nothing: the table written at T3 is the final one
    ]);
    expect(stream.engine.stateSize()).toMatchObject({ openWindows: 2, rows: 3 });
  });

  it('evicts closed windows in update and append mode', () => {
    for (const mode of ['update', 'append'] as const) {
      const stream = new OrdersTestStream({ outputMode: mode });
      stream.add(0, ...(STAGES[0] ?? []), ...(STAGES[1] ?? []), ...(STAGES[2] ?? []));
      stream.fire();
      expect(stream.engine.stateSize()).toEqual({ openWindows: 1, rows: 1, rememberedIds: 2 });
    }
  });

  it.each(['update', 'append', 'complete'] as const)(
    '%s: the final table (last value per key) equals the reference',
    (mode) => {
      const { outputs } = run(mode);
      const reference = referenceOrders(new Map([[0, STAGES.flat()]]), {
        windowMs: 60_000,
        slideMs: 60_000,
        watermarkMs: 10_000,
      });

      expect(upsertAll(outputs)).toEqual([A2, B, C2]);
      expect(upsertAll(outputs)).toEqual(sortRows(reference.rows.values()));
    },
  );
});
