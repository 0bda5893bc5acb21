import { resultTableDdl } from '../../../src/adapters/mysql/mysql-table';
import { pgResultTableDdl } from '../../../src/adapters/postgres/postgres-table';
import { builtInJobs } from '../../../src/composition/built-in-jobs';
import type { TableSchema } from '../../../src/domain/table-schema';

/**
 * The result tables as hexstream created them when jobs declared MySQL type strings, captured from
 * that code. This is a compatibility contract: a database created then is opened with `CREATE TABLE
 * IF NOT EXISTS` and no migration, so the tables hexstream expects must not drift from these. One
 * change since: agg_order_window's key became (window_start, rowkey), and a table with the key
 * (rowkey) is re-keyed when opened (see `key-migration.ts`).
 */
const CREATED: Record<string, { readonly mysql: string[]; readonly postgres: string }> = {
  orders: {
    mysql: [
      'CREATE TABLE IF NOT EXISTS `agg_order_window` (',
      '  `rowkey` CHAR(32) NOT NULL,',
      '  `window_start` DATETIME(3) NOT NULL,',
      '  `window_end` DATETIME(3) NOT NULL,',
      '  `region` VARCHAR(16) NOT NULL,',
      '  `shop_id` BIGINT NOT NULL,',
      '  `item_id` BIGINT NOT NULL,',
      '  `total_expenditure` DECIMAL(20,2) NOT NULL,',
      '  `total_items_sold` BIGINT NOT NULL,',
      '  `total_orders` BIGINT NOT NULL,',
      '  `first_event_at` DATETIME(3) NOT NULL,',
      '  `last_event_at` DATETIME(3) NOT NULL,',
      '  `updated_at` TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),',
      '  PRIMARY KEY (`window_start`, `rowkey`)',
      ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin',
    ],
    postgres:
      'CREATE TABLE IF NOT EXISTS "agg_order_window" ("rowkey" CHAR(32) NOT NULL, "window_start" TIMESTAMPTZ(3) NOT NULL, "window_end" TIMESTAMPTZ(3) NOT NULL, "region" VARCHAR(16) NOT NULL, "shop_id" BIGINT NOT NULL, "item_id" BIGINT NOT NULL, "total_expenditure" NUMERIC(20,2) NOT NULL, "total_items_sold" BIGINT NOT NULL, "total_orders" BIGINT NOT NULL, "first_event_at" TIMESTAMPTZ(3) NOT NULL, "last_event_at" TIMESTAMPTZ(3) NOT NULL, "updated_at" TIMESTAMPTZ(3) DEFAULT now() NOT NULL, PRIMARY KEY ("window_start", "rowkey"))',
  },
  'stock-averages': {
    mysql: [
      'CREATE TABLE IF NOT EXISTS `stocks_averages` (',
      '  `symbol` VARCHAR(16) NOT NULL,',
      '  `window_start` DATETIME(3) NOT NULL,',
      '  `window_end` DATETIME(3) NOT NULL,',
      '  `avg_price` DOUBLE NOT NULL,',
      '  `min_price` DOUBLE NOT NULL,',
      '  `max_price` DOUBLE NOT NULL,',
      '  `trade_count` BIGINT NOT NULL,',
      '  `total_quantity` BIGINT NOT NULL,',
      '  `updated_at` TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),',
      '  PRIMARY KEY (`symbol`, `window_start`, `window_end`)',
      ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin',
    ],
    postgres:
      'CREATE TABLE IF NOT EXISTS "stocks_averages" ("symbol" VARCHAR(16) NOT NULL, "window_start" TIMESTAMPTZ(3) NOT NULL, "window_end" TIMESTAMPTZ(3) NOT NULL, "avg_price" DOUBLE PRECISION NOT NULL, "min_price" DOUBLE PRECISION NOT NULL, "max_price" DOUBLE PRECISION NOT NULL, "trade_count" BIGINT NOT NULL, "total_quantity" BIGINT NOT NULL, "updated_at" TIMESTAMPTZ(3) DEFAULT now() NOT NULL, PRIMARY KEY ("symbol", "window_start", "window_end"))',
  },
  ohlc: {
    mysql: [
      'CREATE TABLE IF NOT EXISTS `ohlc_bars` (',
      '  `symbol` VARCHAR(16) NOT NULL,',
      '  `window_start` DATETIME(3) NOT NULL,',
      '  `open` DOUBLE NOT NULL,',
      '  `high` DOUBLE NOT NULL,',
      '  `low` DOUBLE NOT NULL,',
      '  `close` DOUBLE NOT NULL,',
      '  `volume` BIGINT NOT NULL,',
      '  `updated_at` TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),',
      '  PRIMARY KEY (`symbol`, `window_start`)',
      ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin',
    ],
    postgres:
      'CREATE TABLE IF NOT EXISTS "ohlc_bars" ("symbol" VARCHAR(16) NOT NULL, "window_start" TIMESTAMPTZ(3) NOT NULL, "open" DOUBLE PRECISION NOT NULL, "high" DOUBLE PRECISION NOT NULL, "low" DOUBLE PRECISION NOT NULL, "close" DOUBLE PRECISION NOT NULL, "volume" BIGINT NOT NULL, "updated_at" TIMESTAMPTZ(3) DEFAULT now() NOT NULL, PRIMARY KEY ("symbol", "window_start"))',
  },
  'top-averages': {
    mysql: [
      'CREATE TABLE IF NOT EXISTS `top_averages` (',
      '  `window_end` DATETIME(3) NOT NULL,',
      '  `aggregation_type` INT NOT NULL,',
      '  `rank` INT NOT NULL,',
      '  `symbol` VARCHAR(16) NOT NULL,',
      '  `average` DOUBLE NOT NULL,',
      '  `updated_at` TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),',
      '  PRIMARY KEY (`aggregation_type`, `window_end`, `rank`)',
      ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin',
    ],
    postgres:
      'CREATE TABLE IF NOT EXISTS "top_averages" ("window_end" TIMESTAMPTZ(3) NOT NULL, "aggregation_type" INTEGER NOT NULL, "rank" INTEGER NOT NULL, "symbol" VARCHAR(16) NOT NULL, "average" DOUBLE PRECISION NOT NULL, "updated_at" TIMESTAMPTZ(3) DEFAULT now() NOT NULL, PRIMARY KEY ("aggregation_type", "window_end", "rank"))',
  },
  'top-price': {
    mysql: [
      'CREATE TABLE IF NOT EXISTS `top_price` (',
      '  `window_end` DATETIME(3) NOT NULL,',
      '  `symbol` VARCHAR(16) NOT NULL,',
      '  `price` DOUBLE NOT NULL,',
      '  `updated_at` TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),',
      '  PRIMARY KEY (`window_end`)',
      ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin',
    ],
    postgres:
      'CREATE TABLE IF NOT EXISTS "top_price" ("window_end" TIMESTAMPTZ(3) NOT NULL, "symbol" VARCHAR(16) NOT NULL, "price" DOUBLE PRECISION NOT NULL, "updated_at" TIMESTAMPTZ(3) DEFAULT now() NOT NULL, PRIMARY KEY ("window_end"))',
  },
  'price-stats': {
    mysql: [
      'CREATE TABLE IF NOT EXISTS `price_stats` (',
      '  `symbol` VARCHAR(16) NOT NULL,',
      '  `price_count` BIGINT NOT NULL,',
      '  `min_price` DOUBLE NOT NULL,',
      '  `max_price` DOUBLE NOT NULL,',
      '  `mean_price` DOUBLE NOT NULL,',
      '  `stddev_price` DOUBLE NOT NULL,',
      '  `outlier_count` BIGINT NOT NULL,',
      '  `outliers` MEDIUMTEXT NOT NULL,',
      '  `updated_at` TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),',
      '  PRIMARY KEY (`symbol`)',
      ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin',
    ],
    postgres:
      'CREATE TABLE IF NOT EXISTS "price_stats" ("symbol" VARCHAR(16) NOT NULL, "price_count" BIGINT NOT NULL, "min_price" DOUBLE PRECISION NOT NULL, "max_price" DOUBLE PRECISION NOT NULL, "mean_price" DOUBLE PRECISION NOT NULL, "stddev_price" DOUBLE PRECISION NOT NULL, "outlier_count" BIGINT NOT NULL, "outliers" TEXT NOT NULL, "updated_at" TIMESTAMPTZ(3) DEFAULT now() NOT NULL, PRIMARY KEY ("symbol"))',
  },
};

function tableOf(job: string): TableSchema {
  const table = builtInJobs().get(job)?.table;
  if (table === undefined) throw new Error(`no job ${job}`);
  return table;
}

describe('result table DDL of every job', () => {
  it('covers every job the CLI can run', () => {
    expect([...builtInJobs().keys()].sort()).toEqual(Object.keys(CREATED).sort());
  });

  it.each([...builtInJobs().keys()])(
    '%s: MySQL/MariaDB DDL is the one existing databases were created with',
    (name) => {
      expect(resultTableDdl(tableOf(name))).toBe(CREATED[name]?.mysql.join('\n'));
    },
  );

  it.each([...builtInJobs().keys()])('%s: PostgreSQL DDL is the one existing databases were created with', (name) => {
    expect(pgResultTableDdl(tableOf(name))).toBe(CREATED[name]?.postgres);
  });
});
