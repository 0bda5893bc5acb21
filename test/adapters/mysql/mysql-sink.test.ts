import 'reflect-metadata';
import { MySqlSink, type MySqlSinkOptions } from '../../../src/adapters/mysql/mysql-sink.adapter';
import { HexstreamError } from '../../../src/domain/hexstream-error';
import { aggOrderWindowTable } from '../../../src/domain/jobs/orders.job';
import type { TableSchema } from '../../../src/domain/table-schema';
import { describeResultStoreContract } from '../../contracts/output.contract';
import { triggerStore, type TriggerStore } from '../../support/trigger-store';
import { createTestDatabase, type TestDatabase } from '../../support/mariadb';
import { driverError, orderRow, readRenderedTable, rejection, trigger, W0 } from './mysql-test-kit';
import { errorWith, stringContaining } from '../../support/matchers';

describeResultStoreContract(
  'MySqlSink',
  async () => {
    const db = await createTestDatabase();
    let failure: Error | undefined;
    const sink = new MySqlSink({
      url: db.url,
      job: 'orders',
      consumerGroup: 'contract',
      faultInjection: {
        beforeCheckpoint: () => {
          const error = failure;
          failure = undefined;
          if (error !== undefined) throw error;
        },
      },
    });
    return {
      store: sink,
      readTable: () => readRenderedTable(db, aggOrderWindowTable),
      failNextCommit: (error) => {
        failure = error;
      },
      cleanup: async () => {
        await sink.close();
        await db.drop();
      },
    };
  },
  { resumes: true, atomic: true },
);

/** Runs `body` on a fresh database with sinks made by `sinkOn`, closing them and dropping it after. */
async function withDatabase(
  body: (db: TestDatabase, sinkOn: (more?: Partial<MySqlSinkOptions>) => TriggerStore<MySqlSink>) => Promise<void>,
): Promise<void> {
  const db = await createTestDatabase();
  const sinks: MySqlSink[] = [];
  const sinkOn = (more: Partial<MySqlSinkOptions> = {}): TriggerStore<MySqlSink> => {
    const sink = new MySqlSink({ url: db.url, job: 'orders', consumerGroup: 'g1', retryBaseMs: 1, ...more });
    sinks.push(sink);
    return triggerStore(sink);
  };
  try {
    await body(db, sinkOn);
  } finally {
    for (const s of sinks) await s.close();
    await db.drop();
  }
}

async function count(db: TestDatabase, table = aggOrderWindowTable.name): Promise<number> {
  const [row] = await db.query(`SELECT COUNT(*) AS n FROM \`${table}\``);
  return Number(row?.n);
}

async function storedPositions(db: TestDatabase): Promise<Array<[number, number]>> {
  const rows = await db.query(
    "SELECT partition_id, next_position FROM hexstream_checkpoint WHERE job = 'orders' AND consumer_group = 'g1' ORDER BY partition_id",
  );
  return rows.map((r) => [Number(r.partition_id), Number(r.next_position)]);
}

const p0 = (position: number): Map<number, number> => new Map([[0, position]]);

/** Kills every connection to the test database but the helper's own: what a server restart does. */
async function killSinkConnections(db: TestDatabase): Promise<void> {
  const ids = await db.query(
    'SELECT ID AS id FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID()',
    [db.name],
  );
  for (const { id } of ids) await db.query(`KILL CONNECTION ${Number(id)}`);
}

describe('MySqlSink', () => {
  it('creates the result table from the TableSchema in utf8mb4 with the declared types', async () => {
    await withDatabase(async (db, sinkOn) => {
      await sinkOn().open(aggOrderWindowTable);
      const [t] = await db.query(
        'SELECT ENGINE, TABLE_COLLATION FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
        [db.name, 'agg_order_window'],
      );
      expect(t).toEqual({ ENGINE: 'InnoDB', TABLE_COLLATION: 'utf8mb4_bin' });
      const columns = await db.query(
        'SELECT COLUMN_NAME AS c, COLUMN_TYPE AS t, COLUMN_KEY AS k, IS_NULLABLE AS n, COLUMN_DEFAULT AS d, EXTRA AS e FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION',
        [db.name, 'agg_order_window'],
      );
      expect(
        columns.map((c) => `${String(c.c)} ${String(c.t)}${c.k === 'PRI' ? ' PK' : ''}${c.n === 'NO' ? '' : ' NULL'}`),
      ).toEqual([
        'rowkey char(32) PK',
        'window_start datetime(3) PK',
        'window_end datetime(3)',
        'region varchar(16)',
        'shop_id bigint(20)',
        'item_id bigint(20)',
        'total_expenditure decimal(20,2)',
        'total_items_sold bigint(20)',
        'total_orders bigint(20)',
        'first_event_at datetime(3)',
        'last_event_at datetime(3)',
        'updated_at timestamp(3)',
      ]);
      expect(columns.at(-1)).toMatchObject({ d: 'current_timestamp(3)', e: 'on update current_timestamp(3)' });
    });
  });

  it('splits a trigger across several REPLACE statements under a small statement limit, and every row arrives', async () => {
    await withDatabase(async (db, sinkOn) => {
      const sink = sinkOn({ maxStatementBytes: 4096 });
      await sink.open(aggOrderWindowTable);
      const rows = Array.from({ length: 300 }, (_, i) => orderRow(i, { items: i + 1 }));
      await sink.commit(trigger(0, rows, p0(300)));
      expect(sink.store.lastCommitStatements).toBeGreaterThan(10);
      const table = await readRenderedTable(db, aggOrderWindowTable);
      expect(table.size).toBe(300);
      for (const [i, row] of rows.entries())
        expect(table.get(row.key)).toMatchObject({
          shop_id: i,
          total_items_sold: i + 1,
          window_start: new Date(W0 + i * 60_000).toISOString(),
        });
    });
  });

  it('stores a large snapshot in chunks under a small statement limit and reads it back byte for byte', async () => {
    await withDatabase(async (db, sinkOn) => {
      const sink = sinkOn({ maxStatementBytes: 4096 });
      await sink.open(aggOrderWindowTable);
      // Multi-byte characters straddle chunk boundaries: chunks are cut in bytes and joined in bytes.
      const data = Array.from({ length: 3_000 }, (_, i) => `${i}:東京😀`).join('|');
      await sink.commit({ ...trigger(0, [], p0(5)), snapshot: { partitions: [0], data } });
      const [row] = await db.query(
        "SELECT COUNT(*) AS n, SUM(LENGTH(data)) AS bytes FROM hexstream_snapshot WHERE job = 'orders' AND consumer_group = 'g1'",
      );
      expect(Number(row?.n)).toBe(Math.ceil(Buffer.byteLength(data) / Math.floor((4096 - 512) / 2)));
      expect(Number(row?.bytes)).toBe(Buffer.byteLength(data));
      await sink.close();
      expect((await sinkOn().open(aggOrderWindowTable))?.snapshots).toEqual([{ partitions: [0], data }]);
    });
  });

  it('leaves no snapshot when the commit carrying it fails after writing it', async () => {
    await withDatabase(async (db, sinkOn) => {
      let fail = true;
      const sink = sinkOn({
        faultInjection: {
          beforeCommit: () => {
            if (fail) throw new Error('killed before COMMIT');
          },
        },
      });
      await sink.open(aggOrderWindowTable);
      expect(
        await rejection(sink.commit({ ...trigger(0, [], p0(5)), snapshot: { partitions: [0], data: 'state' } })),
      ).toMatchObject({ message: stringContaining('killed before COMMIT') });
      expect(await count(db, 'hexstream_snapshot')).toBe(0);
      fail = false;
      await sink.commit({ ...trigger(0, [], p0(5)), snapshot: { partitions: [0], data: 'state' } });
      expect(await count(db, 'hexstream_snapshot')).toBe(1);
    });
  });

  it('keeps 4-byte utf8mb4 characters byte for byte', async () => {
    await withDatabase(async (db, sinkOn) => {
      const sink = sinkOn();
      await sink.open(aggOrderWindowTable);
      const region = '😀東京👍🏽𝄞';
      const row = orderRow(0, { region });
      await sink.commit(trigger(0, [row], p0(1)));
      const [stored] = await db.query('SELECT region, HEX(region) AS hex FROM agg_order_window WHERE rowkey = ?', [
        row.values['rowkey'],
      ]);
      expect(stored).toEqual({ region, hex: Buffer.from(region, 'utf8').toString('hex').toUpperCase() });
    });
  });

  it('stores DECIMAL(20,2) exactly up to its largest value, given as bigint', async () => {
    await withDatabase(async (db, sinkOn) => {
      const sink = sinkOn();
      await sink.open(aggOrderWindowTable);
      const cents = [99_999_999_999_999_999_999n, 9_999_999_999_999_999_999n, 9_007_199_254_740_993n, 1n, 0n, -12_345n];
      const rows = cents.map((c, i) => orderRow(i, { cents: c }));
      await sink.commit(trigger(0, rows, p0(1)));
      const table = await readRenderedTable(db, aggOrderWindowTable);
      expect(rows.map((r) => table.get(r.key)?.total_expenditure)).toEqual([
        '999999999999999999.99',
        '99999999999999999.99',
        '90071992547409.93',
        '0.01',
        '0.00',
        '-123.45',
      ]);
    });
  });

  it('fails with SINK_WRITE_FAILED on a value beyond its column, leaving nothing of the trigger', async () => {
    await withDatabase(async (db, sinkOn) => {
      const sink = sinkOn();
      await sink.open(aggOrderWindowTable);
      const error = await rejection(
        sink.commit(trigger(0, [orderRow(0), orderRow(1, { cents: 100_000_000_000_000_000_000n })], p0(2))),
      );
      expect(error).toMatchObject({ code: 'SINK_WRITE_FAILED', cause: errorWith({ errno: 1264 }) });
      expect(await count(db)).toBe(0);
      expect(await storedPositions(db)).toEqual([]);
    });
  });

  it('sets updated_at to the commit time, in UTC', async () => {
    await withDatabase(async (db, sinkOn) => {
      const sink = sinkOn();
      await sink.open(aggOrderWindowTable);
      const before = Date.now();
      await sink.commit(trigger(0, [orderRow(0)], p0(1)));
      const [row] = await db.query('SELECT updated_at FROM agg_order_window');
      const at = Date.parse(`${String(row?.updated_at).replace(' ', 'T')}Z`);
      expect(Math.abs(at - before)).toBeLessThan(5_000);
    });
  });

  it('fences an instance whose partition another instance moved on: SINK_FENCED, and none of its rows', async () => {
    await withDatabase(async (db, sinkOn) => {
      const first = sinkOn();
      await first.open(aggOrderWindowTable);
      await first.commit(trigger(0, [], p0(0)));
      const a = sinkOn();
      const b = sinkOn();
      expect((await a.open(aggOrderWindowTable))?.positions).toEqual(p0(0));
      expect((await b.open(aggOrderWindowTable))?.positions).toEqual(p0(0));
      await b.commit(trigger(0, [orderRow(1)], p0(10)));
      const error = await rejection(a.commit(trigger(0, [orderRow(2)], p0(5))));
      expect(error).toBeInstanceOf(HexstreamError);
      expect(error).toMatchObject({
        code: 'SINK_FENCED',
        message: stringContaining('last saw position 0, but another instance has since committed position 10'),
      });
      const table = await readRenderedTable(db, aggOrderWindowTable);
      expect([...table.keys()]).toEqual([orderRow(1).key]);
      expect(await storedPositions(db)).toEqual([[0, 10]]);
      // Reopened, it resumes from what B committed.
      expect((await a.open(aggOrderWindowTable))?.positions).toEqual(p0(10));
      await a.commit(trigger(0, [orderRow(2)], p0(12)));
      expect(await storedPositions(db)).toEqual([[0, 12]]);
    });
  });

  it('fences an instance that creates a partition another instance created after it opened', async () => {
    await withDatabase(async (db, sinkOn) => {
      const a = sinkOn();
      const b = sinkOn();
      expect(await a.open(aggOrderWindowTable)).toBeUndefined();
      expect(await b.open(aggOrderWindowTable)).toBeUndefined();
      await b.commit(trigger(0, [], p0(10)));
      expect(await rejection(a.commit(trigger(0, [orderRow(2)], p0(5))))).toMatchObject({ code: 'SINK_FENCED' });
      expect(await count(db)).toBe(0);
      expect(await storedPositions(db)).toEqual([[0, 10]]);
    });
  });

  it('leaves neither rows nor positions of a commit that fails between the rows and the checkpoint', async () => {
    await withDatabase(async (db, sinkOn) => {
      let fail = false;
      const sink = sinkOn({
        faultInjection: {
          beforeCheckpoint: () => {
            if (fail) throw new Error('crash before the checkpoint');
          },
        },
      });
      await sink.open(aggOrderWindowTable);
      await sink.commit(trigger(0, [orderRow(0)], p0(1)));
      fail = true;
      const error = await rejection(sink.commit(trigger(1, [orderRow(1), orderRow(2)], p0(3))));
      expect(error).toMatchObject({
        code: 'SINK_WRITE_FAILED',
        cause: errorWith({ message: 'crash before the checkpoint' }),
      });
      expect([...(await readRenderedTable(db, aggOrderWindowTable)).keys()]).toEqual([orderRow(0).key]);
      expect(await storedPositions(db)).toEqual([[0, 1]]);
    });
  });

  it('reruns the whole transaction after a deadlock and applies it once', async () => {
    await withDatabase(async (db, sinkOn) => {
      let calls = 0;
      const deadlock = driverError('Deadlock found when trying to get lock; try restarting transaction', {
        errno: 1213,
        code: 'ER_LOCK_DEADLOCK',
      });
      const sink = sinkOn({
        faultInjection: {
          beforeCheckpoint: () => {
            if (calls++ === 0) throw deadlock;
          },
        },
      });
      await sink.open(aggOrderWindowTable);
      await sink.commit(trigger(0, [orderRow(0), orderRow(1)], p0(2)));
      expect(calls).toBe(2);
      expect(await count(db)).toBe(2);
      expect(await storedPositions(db)).toEqual([[0, 2]]);
    });
  });

  it('gives up after maxRetries reruns with SINK_WRITE_FAILED and the deadlock as cause', async () => {
    await withDatabase(async (db, sinkOn) => {
      let calls = 0;
      const deadlock = driverError('Deadlock found', { errno: 1213, code: 'ER_LOCK_DEADLOCK' });
      const sink = sinkOn({
        maxRetries: 2,
        faultInjection: {
          beforeCheckpoint: () => {
            calls++;
            throw deadlock;
          },
        },
      });
      await sink.open(aggOrderWindowTable);
      const error = await rejection(sink.commit(trigger(0, [orderRow(0)], p0(1))));
      expect(error).toMatchObject({
        code: 'SINK_WRITE_FAILED',
        cause: deadlock,
        message: stringContaining('3 attempts'),
      });
      expect(calls).toBe(3);
      expect(await count(db)).toBe(0);
    });
  });

  it('reruns the transaction on a fresh connection after its connection was killed', async () => {
    await withDatabase(async (db, sinkOn) => {
      let kills = 0;
      const sink = sinkOn({
        faultInjection: {
          beforeCheckpoint: async () => {
            if (kills++ === 0) await killSinkConnections(db);
          },
        },
      });
      await sink.open(aggOrderWindowTable);
      await sink.commit(trigger(0, [orderRow(0), orderRow(1)], p0(2)));
      expect(kills).toBeGreaterThanOrEqual(2);
      expect(await count(db)).toBe(2);
      expect(await storedPositions(db)).toEqual([[0, 2]]);
    });
  });

  it('does not rerun a commit whose connection is lost at COMMIT, and refuses commits until reopened', async () => {
    await withDatabase(async (db, sinkOn) => {
      let kills = 0;
      const sink = sinkOn({
        faultInjection: {
          beforeCommit: async () => {
            if (kills++ === 0) await killSinkConnections(db);
          },
        },
      });
      await sink.open(aggOrderWindowTable);
      const lost = trigger(0, [orderRow(0)], p0(3));
      const error = await rejection(sink.commit(lost));
      expect(error).toMatchObject({ code: 'SINK_UNAVAILABLE', message: stringContaining('outcome unknown') });
      expect(kills).toBe(1);
      expect(await rejection(sink.commit(trigger(1, [orderRow(1)], p0(4))))).toBe(error);
      // Killed before COMMIT reached the server: the reopen reads back that nothing was stored.
      expect(await sink.open(aggOrderWindowTable)).toBeUndefined();
      await sink.commit(lost);
      expect(await storedPositions(db)).toEqual([[0, 3]]);
      expect(await count(db)).toBe(1);
    });
  });

  it('lets instances that own different partitions of one group commit concurrently', async () => {
    await withDatabase(async (db, sinkOn) => {
      const owners = [sinkOn(), sinkOn()];
      for (const s of owners) await s.open(aggOrderWindowTable);
      // Both write the same rows (a hot key), in opposite orders: the sink's sorting avoids deadlocks.
      const rows = Array.from({ length: 50 }, (_, i) => orderRow(i));
      await Promise.all(
        owners.map(async (s, p) => {
          for (let n = 1; n <= 20; n++)
            await s.commit(trigger(n, p === 0 ? rows : [...rows].reverse(), new Map([[p, n]])));
        }),
      );
      expect(await storedPositions(db)).toEqual([
        [0, 20],
        [1, 20],
      ]);
      expect(await count(db)).toBe(50);
    });
  });

  it('stores watermarks of -Infinity and Infinity and gives them back, with the engine checkpoint', async () => {
    await withDatabase(async (_db, sinkOn) => {
      const sink = sinkOn();
      await sink.open(aggOrderWindowTable);
      const positions = new Map([
        [0, 0],
        [1, 9],
        [2, 4],
      ]);
      const watermarks = new Map([
        [0, -Infinity],
        [1, Infinity],
        [2, W0],
      ]);
      const committed = trigger(0, [], positions, watermarks);
      await sink.commit(committed);
      expect(await sink.open(aggOrderWindowTable)).toEqual({ positions, watermarks, engine: committed.checkpoint });
    });
  });

  it('refuses a trigger whose engine checkpoint disagrees with its positions, writing nothing', async () => {
    await withDatabase(async (db, sinkOn) => {
      const sink = sinkOn();
      await sink.open(aggOrderWindowTable);
      const bad = { ...trigger(0, [orderRow(0)], p0(5)), checkpoint: trigger(0, [], p0(4)).checkpoint };
      expect(await rejection(sink.commit(bad))).toMatchObject({
        code: 'SINK_WRITE_FAILED',
        message: stringContaining('disagrees'),
      });
      expect(await count(db)).toBe(0);
    });
  });

  it('refuses a position that moves back, and a commit before open()', async () => {
    await withDatabase(async (_db, sinkOn) => {
      const sink = sinkOn();
      expect(await rejection(sink.commit(trigger(0, [], p0(1))))).toMatchObject({ code: 'SINK_WRITE_FAILED' });
      await sink.open(aggOrderWindowTable);
      await sink.commit(trigger(0, [], p0(5)));
      expect(await rejection(sink.commit(trigger(1, [], p0(4))))).toMatchObject({
        code: 'SINK_WRITE_FAILED',
        message: stringContaining('move back from 5 to 4'),
      });
    });
  });
});

describe('MySqlSink configuration and connection errors', () => {
  const SECRET = 'S3cr3t-Pa55word';

  async function openError(
    url: string,
    table: TableSchema = aggOrderWindowTable,
    more: Partial<MySqlSinkOptions> = {},
  ): Promise<{ error: unknown; elapsedMs: number }> {
    const sink = new MySqlSink({ url, job: 'orders', consumerGroup: 'g1', connectTimeoutMs: 3_000, ...more });
    const started = Date.now();
    try {
      return { error: await rejection(sink.open(table)), elapsedMs: Date.now() - started };
    } finally {
      await sink.close();
    }
  }

  it.each([
    ['a wrong password', `mysql://root:${SECRET}@127.0.0.1:3306/hexstream_never_created`],
    ['an unknown host', `mysql://root:${SECRET}@no-such-host.invalid:3306/hexstream_never_created`],
    ['a closed port', `mysql://root:${SECRET}@127.0.0.1:1/hexstream_never_created`],
    // Non-routable: no answer at all, so only connectTimeoutMs ends the attempt.
    ['a host that does not answer', `mysql://root:${SECRET}@10.255.255.1:3306/hexstream_never_created`],
  ])('gives SINK_UNAVAILABLE for %s, quickly and without the password', async (_what, url) => {
    const { error, elapsedMs } = await openError(url);
    expect(error).toBeInstanceOf(HexstreamError);
    expect(error).toMatchObject({ code: 'SINK_UNAVAILABLE', message: stringContaining('mysql://root:***@') });
    expect((error as Error).message).not.toContain(SECRET);
    expect((error as Error).cause).toBeDefined();
    expect(elapsedMs).toBeLessThan(15_000);
  });

  it.each([
    ['a database name', 'mysql://root@127.0.0.1:3306/hexstream-dash', aggOrderWindowTable],
    [
      'a table name',
      'mysql://root@127.0.0.1:3306/hexstream_unused',
      { ...aggOrderWindowTable, name: 'agg;DROP TABLE x' },
    ],
    [
      'a column name',
      'mysql://root@127.0.0.1:3306/hexstream_unused',
      {
        ...aggOrderWindowTable,
        columns: [...aggOrderWindowTable.columns, { name: 'bad name', type: { kind: 'longText' } }],
      },
    ],
    [
      'a column type MySQL cannot hold',
      'mysql://root@127.0.0.1:3306/hexstream_unused',
      {
        ...aggOrderWindowTable,
        columns: [{ name: 'rowkey', type: { kind: 'text', maxLength: 256, fixedLength: true } }],
      },
    ],
    ['a name over 64 characters', `mysql://root@127.0.0.1:3306/${'d'.repeat(65)}`, aggOrderWindowTable],
  ] as Array<[string, string, TableSchema]>)(
    'gives CONFIG_INVALID for %s that is not a plain identifier, before connecting',
    async (_what, url, table) => {
      const { error } = await openError(url, table);
      expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
      const db = await createTestDatabase();
      try {
        const [row] = await db.query(
          "SELECT COUNT(*) AS n FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN ('hexstream_unused', 'hexstream-dash')",
        );
        expect(Number(row?.n)).toBe(0);
      } finally {
        await db.drop();
      }
    },
  );

  it.each([
    ['a job name over 64 characters', { job: 'j'.repeat(65) }],
    ['an empty consumer group', { consumerGroup: '' }],
    ['a negative maxRetries', { maxRetries: -1 }],
    ['a statement limit below 1024 bytes', { maxStatementBytes: 100 }],
  ] as Array<[string, Partial<MySqlSinkOptions>]>)('gives CONFIG_INVALID for %s', async (_what, more) => {
    const { error } = await openError('mysql://root@127.0.0.1:3306/hexstream_unused', aggOrderWindowTable, more);
    expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
  });
});
