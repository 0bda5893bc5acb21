import { aggOrderWindowTable } from '../../../src/domain/jobs/orders.job';
import { storeCommitOf } from '../../../src/domain/pipeline/pipeline-output';
import type { TableSchema } from '../../../src/domain/table-schema';
import type { LoggerPort } from '../../../src/ports/logger.port';
import type { ResultStorePort } from '../../../src/ports/result-store.port';
import { errorWith } from '../../support/matchers';
import { orderRow, rejection, trigger } from '../mysql/mysql-test-kit';

/** agg_order_window as versions before the key (window_start, rowkey) created it. */
const OLD_TABLE: TableSchema = { ...aggOrderWindowTable, primaryKey: ['rowkey'] };

const MIGRATED =
  'migrating table agg_order_window: primary key (rowkey) becomes (window_start, rowkey), which rebuilds the table; writes wait until it is done';

/** A throwaway database of the engine under test. */
export interface RekeyDatabase {
  readonly url: string;
  query(sql: string): Promise<Array<Record<string, unknown>>>;
  drop(): Promise<void>;
}

/** One SQL engine's side of the re-keying tests: its sink, its database, and its dialect's statements. */
export interface RekeyEngine<D extends RekeyDatabase> {
  /** Names the describe block: `<name> result table re-keying`. */
  readonly name: string;
  createDatabase(): Promise<D>;
  /** A sink of job `orders`, consumer group `g1`, on `url`. */
  sink(url: string, logger?: LoggerPort): ResultStorePort;
  readRendered(db: D, table: TableSchema): Promise<Map<string, Record<string, unknown>>>;
  /** Selects agg_order_window's primary key columns, in key order, as `name`. */
  readonly primaryKeySql: string;
  /** Changes the type of total_orders, and the refusal that names it and the old key. */
  readonly changedColumn: { readonly sql: string; readonly message: string };
  /** Makes the key (rowkey, region). */
  readonly widerKeySql: string;
}

/**
 * A result table keyed by a subset of the job's key (agg_order_window keyed by `rowkey`, as earlier
 * versions made it) is re-keyed when the sink opens it, once, keeping its rows; any other key is
 * still refused.
 */
export function describeRekeying<D extends RekeyDatabase>(engine: RekeyEngine<D>): void {
  describe(`${engine.name} result table re-keying`, () => {
    let db: D;

    beforeEach(async () => {
      db = await engine.createDatabase();
    });
    afterEach(async () => {
      await db.drop();
    });

    /** A logger keeping its warnings. */
    function recorder(): { logger: LoggerPort; lines: string[] } {
      const lines: string[] = [];
      const ignore = (): void => undefined;
      return { lines, logger: { debug: ignore, info: ignore, warn: (m) => lines.push(m), error: ignore } };
    }

    /** Writes `rows` through a sink of `table` in one trigger, positions moved to `position`. */
    async function write(table: TableSchema, rows: ReturnType<typeof orderRow>[], position: number): Promise<void> {
      const sink = engine.sink(db.url);
      try {
        await sink.open(table);
        await sink.commit(storeCommitOf(trigger(0, rows, new Map([[0, position]]))));
      } finally {
        await sink.close();
      }
    }

    const primaryKey = async (): Promise<string[]> =>
      (await db.query(engine.primaryKeySql)).map((r) => String(r['name']));

    /** Opening the table as it stands is refused with TABLE_SCHEMA_MISMATCH and `message`. */
    async function expectRefused(message: string): Promise<void> {
      const sink = engine.sink(db.url);
      try {
        expect(await rejection(sink.open(aggOrderWindowTable))).toEqual(
          errorWith({ code: 'TABLE_SCHEMA_MISMATCH', message }),
        );
      } finally {
        await sink.close();
      }
    }

    it('re-keys a table keyed by rowkey, keeps its rows, and the run goes on from its checkpoint', async () => {
      await write(OLD_TABLE, [orderRow(0), orderRow(1), orderRow(2, { cents: 5 })], 3);
      const before = await engine.readRendered(db, aggOrderWindowTable);
      const { logger, lines } = recorder();
      const sink = engine.sink(db.url, logger);
      try {
        const checkpoint = await sink.open(aggOrderWindowTable);
        expect([lines, await primaryKey(), checkpoint?.positions]).toEqual([
          [MIGRATED],
          ['window_start', 'rowkey'],
          new Map([[0, 3]]),
        ]);
        expect(await engine.readRendered(db, aggOrderWindowTable)).toEqual(before);
        // An update of a row written before, and a new row: upserted on the new key.
        await sink.commit(storeCommitOf(trigger(1, [orderRow(2, { cents: 7 }), orderRow(3)], new Map([[0, 5]]))));
      } finally {
        await sink.close();
      }
      // The table a run writing all of it into the new layout makes.
      const fresh = await engine.createDatabase();
      try {
        const reference = engine.sink(fresh.url);
        try {
          await reference.open(aggOrderWindowTable);
          await reference.commit(
            storeCommitOf(trigger(0, [orderRow(0), orderRow(1), orderRow(2, { cents: 7 }), orderRow(3)], new Map())),
          );
        } finally {
          await reference.close();
        }
        const withoutStamp = (t: Map<string, Record<string, unknown>>): unknown[] =>
          [...t].map(([key, { updated_at: _stamp, ...row }]) => [key, row]).sort();
        expect(withoutStamp(await engine.readRendered(db, aggOrderWindowTable))).toEqual(
          withoutStamp(await engine.readRendered(fresh, aggOrderWindowTable)),
        );
      } finally {
        await fresh.drop();
      }
    });

    it('re-keys once when instances open the old table together', async () => {
      await write(OLD_TABLE, [orderRow(0), orderRow(1)], 2);
      const { logger, lines } = recorder();
      const sinks = [0, 1, 2].map(() => engine.sink(db.url, logger));
      try {
        await Promise.all(sinks.map((s) => s.open(aggOrderWindowTable)));
      } finally {
        await Promise.all(sinks.map((s) => s.close()));
      }
      expect([lines, await primaryKey(), (await engine.readRendered(db, aggOrderWindowTable)).size]).toEqual([
        [MIGRATED],
        ['window_start', 'rowkey'],
        2,
      ]);
    });

    it('refuses a table keyed by rowkey that differs in anything else too, and leaves its key', async () => {
      await write(OLD_TABLE, [orderRow(0)], 1);
      await db.query(engine.changedColumn.sql);
      await expectRefused(engine.changedColumn.message);
      expect(await primaryKey()).toEqual(['rowkey']);
    });

    it('refuses a key with a column the job key lacks', async () => {
      await write(OLD_TABLE, [orderRow(0)], 1);
      await db.query(engine.widerKeySql);
      await expectRefused(
        "table agg_order_window does not match job orders: primary key is (rowkey, region), the job's is (window_start, rowkey)",
      );
    });
  });
}
