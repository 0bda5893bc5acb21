import { slidingWindows } from '../../../src/domain/windowing/window-spec';
import { ms, order, row } from '../../support/order-lines';
import { emitted } from '../../support/order-table';
import { OrdersTestStream } from '../../support/orders-test-stream';

// Defaults of OrdersTestStream: tumbling 1 min windows, watermark 10 s, update mode, times on 2025-01-01.
const LATE_DETAIL = (t: string, w: string, partition: number, window: readonly [string, string]): string =>
  `event time 2025-01-01T${t}Z is behind watermark 2025-01-01T${w}Z of partition ${partition}: window [2025-01-01T${window[0]}Z, 2025-01-01T${window[1]}Z) is closed`;

describe('StreamEngine: the watermark check happens before the record advances it', () => {
  it('drops as late a record whose window ends exactly at the watermark (W = max - 10 s)', () => {
    const newest = order({ orderid: 1, t: '00:01:10' }); // W = 00:01:00 = end of [00:00, 00:01)
    const late = order({ orderid: 2, t: '00:00:59.999' });
    const s = new OrdersTestStream().add(0, newest, late);

    const out = s.fire();

    expect(out.deadLetters).toEqual([
      {
        reason: 'late',
        detail: LATE_DETAIL('00:00:59.999', '00:01:00.000', 0, ['00:00:00.000', '00:01:00.000']),
        raw: late,
        partition: 0,
        position: 1,
      },
    ]);
    expect(emitted(out)).toEqual([
      row({
        window: ['00:01', '00:02'],
        expenditure: '1.00',
        items: 1,
        orders: 1,
        first: '00:01:10',
        last: '00:01:10',
      }),
    ]);
    expect(s.engine.stats()).toMatchObject({ read: 2, accepted: 1, late: 1 });
  });

  it('accepts the same record when the watermark is one millisecond earlier', () => {
    const s = new OrdersTestStream().add(
      0,
      order({ orderid: 1, t: '00:01:09.999' }),
      order({ orderid: 2, t: '00:00:59.999' }),
    );

    const out = s.fire();

    expect(out.deadLetters).toEqual([]);
    expect(emitted(out)).toEqual([
      row({
        window: ['00:00', '00:01'],
        expenditure: '1.00',
        items: 1,
        orders: 1,
        first: '00:00:59.999',
        last: '00:00:59.999',
      }),
      row({
        window: ['00:01', '00:02'],
        expenditure: '1.00',
        items: 1,
        orders: 1,
        first: '00:01:09.999',
        last: '00:01:09.999',
      }),
    ]);
  });

  it('checks a record that advances the watermark against the old one (a repeated id that would close the first window is a duplicate)', () => {
    // orderid 1 at 00:00:05 is remembered until W >= 00:01:00. The repeat at 00:01:10 moves W to
    // 00:01:00 only *after* it has been checked, against W = -00:00:05: it is a duplicate.
    const repeat = order({ orderid: 1, itemid: 2, t: '00:01:10' });
    const s = new OrdersTestStream().add(0, order({ orderid: 1, t: '00:00:05' }), repeat);

    const out = s.fire();

    expect(out.deadLetters).toEqual([
      {
        reason: 'duplicate',
        detail: 'orderid 1 was already accepted and a window of it is still open',
        raw: repeat,
        partition: 0,
        position: 1,
      },
    ]);
    expect(emitted(out)).toEqual([
      row({
        window: ['00:00', '00:01'],
        expenditure: '1.00',
        items: 1,
        orders: 1,
        first: '00:00:05',
        last: '00:00:05',
      }),
    ]);
  });

  it('does not let an invalid record advance the watermark', () => {
    const invalid = order({ orderid: 9, count: 0, t: '00:01:10' });
    const s = new OrdersTestStream().add(
      0,
      order({ orderid: 1, t: '00:00:05' }),
      invalid,
      order({ orderid: 2, t: '00:00:30' }),
    );

    const out = s.fire();

    expect(out.deadLetters).toEqual([
      {
        reason: 'invalid',
        detail: 'field "count" must be a positive integer, got 0',
        raw: invalid,
        partition: 0,
        position: 1,
      },
    ]);
    expect(s.engine.watermarks().get(0)).toBe(ms('00:00:20'));
    expect(emitted(out)).toEqual([
      row({
        window: ['00:00', '00:01'],
        expenditure: '2.00',
        items: 2,
        orders: 2,
        first: '00:00:05',
        last: '00:00:30',
      }),
    ]);
  });

  it('lets a duplicate advance the watermark, so a later old record is late', () => {
    // Sliding 2 min every 1 min: orderid 1 at 00:01:30 is in [00:00, 00:02) and [00:01, 00:03).
    // Its repeat at 00:02:20 is a duplicate (W = 00:01:20 < 00:03) and moves W to 00:02:10, which
    // closes both windows of a record at 00:00:30 ([-00:01, 00:01) and [00:00, 00:02)).
    const s = new OrdersTestStream({ window: slidingWindows(120_000, 60_000) }).add(
      0,
      order({ orderid: 1, t: '00:01:30' }),
      order({ orderid: 1, t: '00:02:20' }),
      order({ orderid: 2, t: '00:00:30' }),
    );

    const out = s.fire();

    expect(out.deadLetters.map((d) => [d.reason, d.position])).toEqual([
      ['duplicate', 1],
      ['late', 2],
    ]);
    expect(s.engine.watermarks().get(0)).toBe(ms('00:02:10'));
  });
});

describe('StreamEngine: late data', () => {
  it('dead-letters a late record with its partition and position, counts it, and does not aggregate it', () => {
    const s = new OrdersTestStream({ outputMode: 'complete' }).add(
      2,
      order({ orderid: 1, t: '00:00:30' }),
      order({ orderid: 2, t: '00:01:15' }),
    );
    s.fire(); // W = 00:01:05: [00:00, 00:01) closes
    const late = order({ orderid: 3, count: 5, t: '00:00:40' });
    s.add(2, late);

    const out = s.fire();

    expect(out.deadLetters).toEqual([
      {
        reason: 'late',
        detail: LATE_DETAIL('00:00:40.000', '00:01:05.000', 2, ['00:00:00.000', '00:01:00.000']),
        raw: late,
        partition: 2,
        position: 2,
      },
    ]);
    // Complete mode writes the whole table when it changed: the late record changed nothing.
    expect(emitted(out)).toEqual([]);
    expect(s.engine.stats()).toMatchObject({ read: 3, accepted: 2, late: 1, lateWindowDrops: 0 });
    s.add(2, order({ orderid: 4, t: '00:01:20' }));
    expect(emitted(s.fire())).toEqual([
      row({
        window: ['00:00', '00:01'],
        expenditure: '1.00',
        items: 1,
        orders: 1,
        first: '00:00:30',
        last: '00:00:30',
      }),
      row({
        window: ['00:01', '00:02'],
        expenditure: '2.00',
        items: 2,
        orders: 2,
        first: '00:01:15',
        last: '00:01:20',
      }),
    ]);
  });

  it('drops a partially late record from its closed sliding window only and counts that in lateWindowDrops', () => {
    // Sliding 2 min every 1 min, watermark 5 s. After 00:02:10, W = 00:02:05 closes [00:00, 00:02);
    // a record at 00:01:30 stays in [00:01, 00:03).
    const s = new OrdersTestStream({ window: slidingWindows(120_000, 60_000), watermarkMs: 5_000 }).add(
      0,
      order({ orderid: 1, price: 2, t: '00:02:10' }),
      order({ orderid: 2, price: 3, t: '00:01:30' }),
    );

    const out = s.fire();

    expect(out.deadLetters).toEqual([]);
    expect(emitted(out)).toEqual([
      row({
        window: ['00:01', '00:03'],
        expenditure: '5.00',
        items: 2,
        orders: 2,
        first: '00:01:30',
        last: '00:02:10',
      }),
      row({
        window: ['00:02', '00:04'],
        expenditure: '2.00',
        items: 1,
        orders: 1,
        first: '00:02:10',
        last: '00:02:10',
      }),
    ]);
    expect(s.engine.stats()).toMatchObject({ accepted: 2, late: 0, lateWindowDrops: 1 });
    expect(s.engine.stateSize()).toEqual({ openWindows: 2, rows: 2, rememberedIds: 2 });
  });
});

describe('StreamEngine: duplicates', () => {
  it('dead-letters an orderid seen again while a window of its first record is open', () => {
    const repeat = order({ orderid: 7, itemid: 2, t: '00:00:20' });
    const s = new OrdersTestStream().add(0, order({ orderid: 7, t: '00:00:10' }), repeat);

    const out = s.fire();

    expect(out.deadLetters).toEqual([
      {
        reason: 'duplicate',
        detail: 'orderid 7 was already accepted and a window of it is still open',
        raw: repeat,
        partition: 0,
        position: 1,
      },
    ]);
    expect(emitted(out)).toEqual([
      row({
        window: ['00:00', '00:01'],
        expenditure: '1.00',
        items: 1,
        orders: 1,
        first: '00:00:10',
        last: '00:00:10',
      }),
    ]);
    expect(s.engine.stats()).toMatchObject({ accepted: 1, duplicate: 1 });
  });

  it('accepts an orderid again once every window of its first record closed', () => {
    const s = new OrdersTestStream().add(0, order({ orderid: 7, t: '00:00:10' }), order({ orderid: 8, t: '00:01:15' }));
    s.fire(); // W = 00:01:05 >= 00:01:00: orderid 7 is forgotten
    expect(s.engine.stateSize().rememberedIds).toBe(1);
    s.add(0, order({ orderid: 7, itemid: 2, t: '00:01:20' }));

    const out = s.fire();

    expect(out.deadLetters).toEqual([]);
    expect(emitted(out)).toEqual([
      row({
        window: ['00:01', '00:02'],
        itemid: 2,
        expenditure: '1.00',
        items: 1,
        orders: 1,
        first: '00:01:20',
        last: '00:01:20',
      }),
    ]);
    expect(s.engine.stats()).toMatchObject({ accepted: 3, duplicate: 0 });
    expect(s.engine.stateSize().rememberedIds).toBe(2);
  });

  it('decides invalid before late before duplicate', () => {
    const s = new OrdersTestStream().add(0, order({ orderid: 1, t: '00:01:05' }), order({ orderid: 2, t: '00:01:15' })); // W = 00:01:05
    s.add(
      0,
      order({ orderid: 1, t: '00:00:30' }), // late and a repeat of a remembered id: late
      order({ orderid: 1, count: 0, t: '00:00:30' }), // invalid, late and a repeat: invalid
      order({ orderid: 1, t: '00:01:30' }), // a repeat in an open window: duplicate
      order({ orderid: 1, count: 0, t: '00:01:30' }), // invalid and a repeat: invalid
    );

    const out = s.fire();

    expect(out.deadLetters.map((d) => [d.reason, d.position])).toEqual([
      ['late', 2],
      ['invalid', 3],
      ['duplicate', 4],
      ['invalid', 5],
    ]);
  });
});

describe('StreamEngine: per-partition watermarks', () => {
  it('does not treat a record as late because another partition is ahead', () => {
    const s = new OrdersTestStream();
    s.engine.addPartitions([0, 1]);
    s.add(0, order({ orderid: 1, t: '00:01:30' })); // W_0 = 00:01:20
    s.fire();
    s.add(1, order({ orderid: 2, t: '00:00:30' }));

    const out = s.fire();

    expect(out.deadLetters).toEqual([]);
    expect(emitted(out)).toEqual([
      row({
        window: ['00:00', '00:01'],
        expenditure: '1.00',
        items: 1,
        orders: 1,
        first: '00:00:30',
        last: '00:00:30',
      }),
    ]);
    expect(s.engine.stats()).toMatchObject({ accepted: 2, late: 0 });
  });

  it('closes a window only once every partition passed its end, keeping its state until then', () => {
    const s = new OrdersTestStream({ outputMode: 'append' });
    s.engine.addPartitions([0, 1]);
    s.add(0, order({ orderid: 1, t: '00:00:30' }), order({ orderid: 2, t: '00:01:30' })); // W_0 = 00:01:20

    expect(s.fire().rows).toEqual([]); // W_1 = -inf
    // Window [00:00, 00:01) stays, but orderid 1 is forgotten: ids follow their own partition (W_0).
    expect(s.engine.stateSize()).toEqual({ openWindows: 2, rows: 2, rememberedIds: 1 });

    s.add(1, order({ orderid: 3, t: '00:00:40' })); // W_1 = 00:00:30
    expect(s.fire().rows).toEqual([]);
    expect(s.engine.stateSize()).toEqual({ openWindows: 2, rows: 2, rememberedIds: 2 });

    s.add(1, order({ orderid: 4, t: '00:01:12' })); // W_1 = 00:01:02
    const out = s.fire();

    expect(emitted(out)).toEqual([
      row({
        window: ['00:00', '00:01'],
        expenditure: '2.00',
        items: 2,
        orders: 2,
        first: '00:00:30',
        last: '00:00:40',
      }),
    ]);
    expect(out.closedUpToMs).toBe(ms('00:01:02'));
    expect(s.engine.stateSize()).toEqual({ openWindows: 1, rows: 1, rememberedIds: 2 });
  });

  it('stops waiting for a partition once it ended', () => {
    const s = new OrdersTestStream({ outputMode: 'append' });
    s.engine.addPartitions([0, 1]);
    s.add(0, order({ orderid: 1, t: '00:00:30' }), order({ orderid: 2, t: '00:01:30' }));
    const before = s.fire();
    expect(before.rows).toEqual([]);
    expect(before.closedUpToMs).toBe(-Infinity);

    s.engine.endPartition(1);
    const out = s.fire();

    expect(emitted(out)).toEqual([
      row({
        window: ['00:00', '00:01'],
        expenditure: '1.00',
        items: 1,
        orders: 1,
        first: '00:00:30',
        last: '00:00:30',
      }),
    ]);
    expect(out.watermarks).toEqual(
      new Map([
        [0, ms('00:01:20')],
        [1, Infinity],
      ]),
    );
    expect(out.closedUpToMs).toBe(ms('00:01:20'));
  });
});

describe('StreamEngine: eviction', () => {
  it('evicts the rows of closed windows and forgets the ids whose windows all closed', () => {
    const s = new OrdersTestStream().add(
      0,
      order({ orderid: 1, itemid: 1, t: '00:00:10' }),
      order({ orderid: 2, itemid: 2, t: '00:00:20' }),
      order({ orderid: 3, itemid: 1, t: '00:00:30' }),
      order({ orderid: 4, itemid: 1, t: '00:01:05' }), // W = 00:00:55
    );
    expect(s.engine.stateSize()).toEqual({ openWindows: 2, rows: 3, rememberedIds: 4 });
    s.fire();
    expect(s.engine.stateSize()).toEqual({ openWindows: 2, rows: 3, rememberedIds: 4 });

    s.add(0, order({ orderid: 5, itemid: 3, t: '00:01:20' })); // W = 00:01:10
    expect(s.engine.stateSize()).toEqual({ openWindows: 2, rows: 4, rememberedIds: 5 });
    s.fire();

    expect(s.engine.stateSize()).toEqual({ openWindows: 1, rows: 2, rememberedIds: 2 });
    expect(s.engine.stats().stateRows).toBe(2);
  });
});

describe('StreamEngine: idle partitions', () => {
  it('advances an idle partition by the processing time beyond the idle timeout, so its last window closes', () => {
    const s = new OrdersTestStream({ outputMode: 'append' }).add(
      0,
      order({ orderid: 1, t: '00:00:30' }),
      order({ orderid: 2, t: '00:00:50' }),
    ); // W = 00:00:40
    const tick = (nowMs: number): ReturnType<OrdersTestStream['fire']> => {
      s.engine.advanceIdle(nowMs, 5_000);
      return s.fire();
    };

    expect(tick(1_000).rows).toEqual([]); // records seen since the last tick: active at 1 000
    expect(tick(5_000).rows).toEqual([]); // idle from 6 000
    expect(s.engine.watermarks().get(0)).toBe(ms('00:00:40'));
    expect(tick(20_000).rows).toEqual([]); // + (20 000 - 6 000)
    expect(s.engine.watermarks().get(0)).toBe(ms('00:00:54'));

    const out = tick(27_000); // + (27 000 - 20 000)

    expect(s.engine.watermarks().get(0)).toBe(ms('00:01:01'));
    expect(out.closedUpToMs).toBe(ms('00:01:01'));
    expect(emitted(out)).toEqual([
      row({
        window: ['00:00', '00:01'],
        expenditure: '2.00',
        items: 2,
        orders: 2,
        first: '00:00:30',
        last: '00:00:50',
      }),
    ]);
  });

  it('accepts the first records of a stream whose only partition was idle from the start', () => {
    // A partition that never saw a record has no watermark: its idleness must not close windows
    // it may still receive records for (e.g. an empty topic at startup, longer than the timeout).
    const s = new OrdersTestStream();
    s.engine.addPartitions([0]);
    s.engine.advanceIdle(0, 1_000);
    s.fire();
    s.engine.advanceIdle(5_000, 1_000);
    s.fire();
    s.add(0, order({ orderid: 1, t: '00:00:30' }));

    const out = s.fire();

    expect(out.deadLetters).toEqual([]);
    expect(emitted(out)).toEqual([
      row({
        window: ['00:00', '00:01'],
        expenditure: '1.00',
        items: 1,
        orders: 1,
        first: '00:00:30',
        last: '00:00:30',
      }),
    ]);
    expect(s.engine.stats()).toMatchObject({ accepted: 1, late: 0 });
  });
});

describe('StreamEngine: idle partitions and partitions never read', () => {
  it('lets a partition that never received a record stop holding the others back, so the idle ones close their last windows', () => {
    const s = new OrdersTestStream({ outputMode: 'append' }).add(
      0,
      order({ orderid: 1, t: '00:00:30' }),
      order({ orderid: 2, t: '00:00:50' }),
    ); // W_0 = 00:00:40
    s.engine.addPartitions([1]);
    const tick = (nowMs: number): ReturnType<OrdersTestStream['fire']> => {
      s.engine.advanceIdle(nowMs, 5_000);
      return s.fire();
    };

    expect(tick(1_000).closedUpToMs).toBe(-Infinity); // both active at 1 000; partition 1 holds everything back
    expect(tick(6_000).closedUpToMs).toBe(-Infinity); // idle from 6 000, not beyond it yet
    const once = tick(7_000);
    // Partition 1 is idle without a watermark: it no longer counts; partition 0 moved by 1 s.
    expect(s.engine.watermarks()).toEqual(
      new Map([
        [0, ms('00:00:41')],
        [1, -Infinity],
      ]),
    );
    expect(once.closedUpToMs).toBe(ms('00:00:41'));
    expect(once.rows).toEqual([]);

    const out = tick(26_000); // + (26 000 − 7 000)

    expect(s.engine.watermarks()).toEqual(
      new Map([
        [0, ms('00:01:00')],
        [1, -Infinity],
      ]),
    );
    expect(out.closedUpToMs).toBe(ms('00:01:00'));
    expect(emitted(out)).toEqual([
      row({
        window: ['00:00', '00:01'],
        expenditure: '2.00',
        items: 2,
        orders: 2,
        first: '00:00:30',
        last: '00:00:50',
      }),
    ]);
    expect(s.engine.stateSize()).toEqual({ openWindows: 0, rows: 0, rememberedIds: 0 });
  });

  it('does not advance a partition with records waiting, however long since its last record: the reader is behind, not the producer', () => {
    // Partitions 0 and 1 are read; 1 has a record waiting that its reader has not reached.
    // Partition 2 has nothing waiting: it is idle and advances, for contrast.
    const s = new OrdersTestStream({ outputMode: 'append' })
      .add(0, order({ orderid: 1, t: '00:00:30' }))
      .add(1, order({ orderid: 2, itemid: 2, t: '00:00:30' }))
      .add(2, order({ orderid: 3, itemid: 3, t: '00:00:30' }));
    const waiting = new Map([
      [0, 0],
      [1, 1],
      [2, 0],
    ]);
    s.engine.advanceIdle(0, 5_000, waiting);
    s.fire();
    for (let now = 10_000, id = 10; now <= 60_000; now += 10_000, id++) {
      s.add(0, order({ orderid: id, t: '00:00:40' }));
      s.engine.advanceIdle(now, 5_000, waiting);
      s.fire();
    }
    expect(s.engine.watermarks()).toEqual(
      new Map([
        [0, ms('00:00:30')],
        [1, ms('00:00:20')],
        [2, ms('00:01:15')],
      ]),
    );

    s.add(1, order({ orderid: 4, itemid: 2, t: '00:00:31' }));
    const out = s.finish();

    expect(out.deadLetters).toEqual([]);
    expect(emitted(out)).toEqual([
      row({
        window: ['00:00', '00:01'],
        expenditure: '7.00',
        items: 7,
        orders: 7,
        first: '00:00:30',
        last: '00:00:40',
      }),
      row({
        window: ['00:00', '00:01'],
        itemid: 2,
        expenditure: '2.00',
        items: 2,
        orders: 2,
        first: '00:00:30',
        last: '00:00:31',
      }),
      row({
        window: ['00:00', '00:01'],
        itemid: 3,
        expenditure: '1.00',
        items: 1,
        orders: 1,
        first: '00:00:30',
        last: '00:00:30',
      }),
    ]);
    expect(s.engine.stats()).toMatchObject({ accepted: 10, late: 0 });
  });

  it('counts no partition as idle while the source cannot tell what waits (its broker is unreachable)', () => {
    const s = new OrdersTestStream({ outputMode: 'append' }).add(
      0,
      order({ orderid: 1, t: '00:00:30' }),
      order({ orderid: 2, t: '00:00:50' }),
    ); // W_0 = 00:00:40
    s.engine.addPartitions([1]);
    s.engine.advanceIdle(0, 5_000);
    s.fire();
    for (let now = 10_000; now <= 60_000; now += 10_000) {
      s.engine.advanceIdle(now, 5_000, 'unknown');
      expect(s.fire().closedUpToMs).toBe(-Infinity); // partition 1, without a record, still holds everything back
    }

    expect(s.engine.watermarks()).toEqual(
      new Map([
        [0, ms('00:00:40')],
        [1, -Infinity],
      ]),
    );
    // Known again, nothing waiting: idle from 65 000 (the idle timeout after the outage's last tick).
    s.engine.advanceIdle(
      66_000,
      5_000,
      new Map([
        [0, 0],
        [1, 0],
      ]),
    );
    expect(s.fire().closedUpToMs).toBe(ms('00:00:41'));
  });

  it('holds the others back again once a partition idle without a record has records waiting', () => {
    const s = new OrdersTestStream({ outputMode: 'append' }).add(0, order({ orderid: 1, t: '00:00:30' }));
    s.engine.addPartitions([1]);
    s.engine.advanceIdle(0, 5_000);
    s.fire();
    s.add(0, order({ orderid: 2, t: '00:00:40' }));
    s.engine.advanceIdle(6_000, 5_000);
    expect(s.fire().closedUpToMs).toBe(ms('00:00:30')); // partition 1 idle without a record: W_0 alone

    // Partition 0 moves past the window's end while partition 1's first record waits to be read.
    s.add(0, order({ orderid: 3, itemid: 2, t: '00:01:15' }));
    s.engine.advanceIdle(7_000, 5_000, new Map([[1, 1]]));
    const waitingTrigger = s.fire();
    s.add(1, order({ orderid: 4, shopid: 2, t: '00:00:45' }));
    const out = s.finish();

    expect(waitingTrigger.closedUpToMs).toBe(ms('00:00:30'));
    expect(waitingTrigger.rows).toEqual([]);
    expect(out.deadLetters).toEqual([]);
    expect(emitted(out)).toEqual([
      row({
        window: ['00:00', '00:01'],
        expenditure: '2.00',
        items: 2,
        orders: 2,
        first: '00:00:30',
        last: '00:00:40',
      }),
      row({
        window: ['00:00', '00:01'],
        shopid: 2,
        expenditure: '1.00',
        items: 1,
        orders: 1,
        first: '00:00:45',
        last: '00:00:45',
      }),
      row({
        window: ['00:01', '00:02'],
        itemid: 2,
        expenditure: '1.00',
        items: 1,
        orders: 1,
        first: '00:01:15',
        last: '00:01:15',
      }),
    ]);
  });
});

describe('StreamEngine: blank, empty and undecodable records', () => {
  it('skips blank lines without dead-lettering them', () => {
    const s = new OrdersTestStream().add(0, '', '   ', '\t', '\r');

    expect(s.fire().deadLetters).toEqual([]);
    expect(s.engine.stats()).toMatchObject({ read: 4, blank: 4, invalid: 0, accepted: 0 });
  });

  it('treats a whitespace-only line as blank whatever whitespace it starts with', () => {
    // ' \u00a0' is blank for the engine (it starts with a space); '\u00a0 ' must be too.
    const s = new OrdersTestStream().add(0, ' \u00a0', '\u00a0 ', '\f', '\v', '\u3000');

    expect(s.fire().deadLetters).toEqual([]);
    expect(s.engine.stats()).toMatchObject({ read: 5, blank: 5, invalid: 0 });
  });

  it('dead-letters tombstones, undecodable and malformed records as invalid with their detail', () => {
    const garbled = '{"orderid":1,"region":"\uFFFD"}';
    const s = new OrdersTestStream()
      .addRecord({ partition: 1, value: undefined })
      .addRecord({ partition: 1, value: garbled, decodeError: 'invalid UTF-8 at byte 24' })
      .add(1, '{"orderid":1}', '[1,2]');

    expect(s.fire().deadLetters).toEqual([
      { reason: 'invalid', detail: 'record has no value (tombstone)', raw: '', partition: 1, position: 0 },
      { reason: 'invalid', detail: 'invalid UTF-8 at byte 24', raw: garbled, partition: 1, position: 1 },
      { reason: 'invalid', detail: 'missing field "itemid"', raw: '{"orderid":1}', partition: 1, position: 2 },
      { reason: 'invalid', detail: 'record is not a JSON object', raw: '[1,2]', partition: 1, position: 3 },
    ]);
    expect(s.engine.stats()).toMatchObject({ read: 4, invalid: 4 });
  });

  it('counts every record read in exactly one outcome', () => {
    const s = new OrdersTestStream().add(
      0,
      order({ orderid: 1, t: '00:00:10' }), // accepted
      '', // blank
      'x', // invalid
      order({ orderid: 2, t: '00:01:20' }), // accepted, W = 00:01:10
      order({ orderid: 3, t: '00:00:30' }), // late
      order({ orderid: 2, t: '00:01:25' }), // duplicate
      undefined, // invalid (tombstone)
    );
    s.add(1, order({ orderid: 10, t: '00:00:05' })); // accepted: partition 1 has its own watermark
    s.fire();

    const c = s.engine.stats();
    expect(c).toMatchObject({ read: 8, blank: 1, accepted: 3, invalid: 2, late: 1, duplicate: 1 });
    expect(c.blank + c.accepted + c.invalid + c.late + c.duplicate).toBe(c.read);
  });
});

describe('StreamEngine: restoring for partitions another instance has not committed', () => {
  it('decides late for a partition without a checkpoint by its own watermark, not by windows others closed', () => {
    const checkpoint = {
      // Instance A, reading only partition 0, had closed every window up to 00:09:50.
      partitions: new Map([
        [
          0,
          {
            nextPosition: 5,
            watermarkMs: ms('00:09:50'),
            replayFrom: 5,
            replayMaxEventMs: ms('00:10:00'),
            closedUpToMs: ms('00:09:50'),
          },
        ],
      ]),
    };
    const s = new OrdersTestStream();
    s.engine.restore(checkpoint, new Set([0, 1]));
    s.engine.addPartitions([0, 1]);
    // Partition 1 was never committed: its first order, at 00:02:10, belongs in [00:02, 00:03).
    s.add(1, order({ orderid: 9, t: '00:02:10' }));

    const out = s.fire();

    expect(out.deadLetters).toEqual([]);
    expect(emitted(out)).toEqual([
      row({
        window: ['00:02', '00:03'],
        expenditure: '1.00',
        items: 1,
        orders: 1,
        first: '00:02:10',
        last: '00:02:10',
      }),
    ]);
  });
});

describe('StreamEngine: restoring partitions whose committers closed windows at different instants', () => {
  it('keeps a window closed for the replay of the partition whose committer closed it, though another partition is behind', () => {
    const cp = (nextPosition: number, w: string, maxBefore: string, closed: string) => ({
      nextPosition,
      watermarkMs: ms(w),
      replayFrom: 0,
      replayMaxEventMs: ms(maxBefore),
      closedUpToMs: ms(closed),
    });
    // Instance A (partition 0) closed [00:08, 00:09) and wrote its row; instance B (partition 1) had closed only up to 00:05.
    const checkpoint = {
      partitions: new Map([
        [0, cp(2, '00:08:52', '00:09:05', '00:09:00')],
        [1, cp(0, '00:05:00', '00:05:10', '00:05:00')],
      ]),
    };
    const s = new OrdersTestStream();
    s.engine.restore(checkpoint, new Set([0, 1]));
    s.engine.addPartitions([0, 1]);
    // Replayed: A accepted the second order into [00:08, 00:09) (its watermark was 00:08:52), then closed that window.
    s.add(0, order({ orderid: 1, t: '00:09:02' }), order({ orderid: 2, t: '00:08:58' }));

    const out = s.fire();

    // Re-emitting [00:08, 00:09) with only this order would overwrite A's complete row; the
    // rebuilt [00:09, 00:10) changed only by replayed records is in the table already.
    expect(emitted(out)).toEqual([]);
    expect(s.engine.stateSize()).toMatchObject({ openWindows: 1, rows: 1 });
    expect(out.deadLetters).toEqual([]);
    // Both records are re-read: their outcomes were counted by the instance that read them first.
    expect(s.engine.stats()).toMatchObject({ read: 0, replayed: 2, accepted: 0, late: 0, invalid: 0, duplicate: 0 });
    expect(out.checkpoint.partitions.get(0)?.closedUpToMs).toBe(ms('00:09:00'));
    expect(out.checkpoint.partitions.get(1)?.closedUpToMs).toBe(ms('00:05:00'));
  });
});

describe('StreamEngine: update mode while replaying after a restart', () => {
  it('writes no row changed only by replayed records, and a row a new record changes with everything', () => {
    const checkpoint = {
      partitions: new Map([
        [
          0,
          {
            nextPosition: 2,
            watermarkMs: ms('00:00:00'),
            replayFrom: 0,
            replayMaxEventMs: -Infinity,
            closedUpToMs: -Infinity,
          },
        ],
      ]),
    };
    const s = new OrdersTestStream();
    s.engine.restore(checkpoint, new Set([0]));
    s.engine.addPartitions([0]);
    // Positions 0 and 1 were committed before: their rows are in the table with these values.
    s.add(0, order({ orderid: 1, t: '00:00:01' }), order({ orderid: 2, shopid: 2, t: '00:00:02' }));
    expect(emitted(s.fire())).toEqual([]);
    s.add(0, order({ orderid: 3, t: '00:00:03' }));
    expect(emitted(s.fire())).toEqual([
      row({
        window: ['00:00', '00:01'],
        expenditure: '2.00',
        items: 2,
        orders: 2,
        first: '00:00:01',
        last: '00:00:03',
      }),
    ]);
  });
});
