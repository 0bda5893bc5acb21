import 'reflect-metadata';
import { MySqlSink } from '../../../src/adapters/mysql/mysql-sink.adapter';
import { createTestDatabase } from '../../support/mariadb';
import { describeRekeying } from '../sql/rekey-test-kit';
import { readRenderedTable } from './mysql-test-kit';

describeRekeying({
  name: 'MySQL',
  createDatabase: createTestDatabase,
  sink: (url, logger) => new MySqlSink({ url, job: 'orders', consumerGroup: 'g1' }, logger),
  readRendered: readRenderedTable,
  primaryKeySql:
    "SELECT COLUMN_NAME AS name FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'agg_order_window' AND INDEX_NAME = 'PRIMARY' ORDER BY SEQ_IN_INDEX",
  changedColumn: {
    sql: 'ALTER TABLE agg_order_window MODIFY total_orders INT NOT NULL',
    message:
      "table agg_order_window does not match job orders: column total_orders is INT, the job writes BIGINT; primary key is (rowkey), the job's is (window_start, rowkey)",
  },
  widerKeySql: 'ALTER TABLE agg_order_window DROP PRIMARY KEY, ADD PRIMARY KEY (rowkey, region)',
});
