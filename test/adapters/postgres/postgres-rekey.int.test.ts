import 'reflect-metadata';
import { PostgresSink } from '../../../src/adapters/postgres/postgres-sink.adapter';
import { createTestPgDatabase } from '../../support/postgres';
import { describeRekeying } from '../sql/rekey-test-kit';
import { readRendered } from './postgres-test-kit';

describeRekeying({
  name: 'PostgreSQL',
  createDatabase: createTestPgDatabase,
  sink: (url, logger) => new PostgresSink({ url, job: 'orders', consumerGroup: 'g1' }, logger),
  readRendered,
  primaryKeySql: `SELECT a.attname AS name FROM pg_index i JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n) ON true
           JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
          WHERE i.indrelid = 'agg_order_window'::regclass AND i.indisprimary ORDER BY k.n`,
  changedColumn: {
    sql: 'ALTER TABLE agg_order_window ALTER COLUMN total_orders TYPE INTEGER',
    message:
      "table agg_order_window does not match job orders: column total_orders is INTEGER, the job writes BIGINT; primary key is (rowkey), the job's is (window_start, rowkey)",
  },
  widerKeySql: 'ALTER TABLE agg_order_window DROP CONSTRAINT agg_order_window_pkey, ADD PRIMARY KEY (rowkey, region)',
});
