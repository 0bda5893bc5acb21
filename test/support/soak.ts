import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createConnection } from 'mysql2';
import { MYSQL_VALUE_OPTIONS } from '../../src/adapters/mysql/mysql-pool';
import { sqlOrderRow } from './order-table';
import type { ReferenceRow } from './reference-orders';

/** What long runs over millions of rows check, without holding the rows. */

/**
 * A table reduced to numbers that do not depend on row order: the row count, column sums, and the
 * sums (each modulo 2^32) of the four 32-bit words of each whole row's MD5. Two tables with equal
 * digests hold the same rows but for a hash collision; the column sums say which way they differ
 * when they do not. Cheap enough for millions of rows.
 */
export class TableDigest {
  rows = 0;
  orders = 0;
  itemsSold = 0;
  private readonly sums = new Uint32Array(4);

  add(row: ReferenceRow): void {
    const text = `${row.rowkey}|${row.window_start}|${row.window_end}|${row.region}|${row.shop_id}|${row.item_id}|${row.total_expenditure}|${row.total_items_sold}|${row.total_orders}|${row.first_event_at}|${row.last_event_at}`;
    const hash = createHash('md5').update(text, 'utf8').digest();
    this.rows++;
    this.orders += row.total_orders;
    this.itemsSold += row.total_items_sold;
    for (let i = 0; i < 4; i++) this.sums[i] = (this.sums[i] as number) + hash.readUInt32LE(i * 4);
  }

  /** Plain values, for `toEqual`. */
  summary(): { rows: number; orders: number; itemsSold: number; hashSums: string } {
    return {
      rows: this.rows,
      orders: this.orders,
      itemsSold: this.itemsSold,
      hashSums: [...this.sums].map((n) => n.toString(16)).join(':'),
    };
  }
}

/**
 * A row of the file sink's `agg_order_window` output (JSON Lines): already in the reference's shape
 * (ISO-8601 UTC instants, exact decimal text, numbers), but for the sink's own `updated_at`.
 */
export function fileOrderRow(line: string): ReferenceRow {
  const { updated_at: _updatedAt, ...row } = JSON.parse(line) as ReferenceRow & { updated_at: string };
  return row;
}

/** Streams `agg_order_window` of a MariaDB database (as root on 127.0.0.1) into `onRow`, in the reference's shape, without holding the table. */
export async function streamMysqlOrderTable(
  port: number,
  database: string,
  onRow: (row: ReferenceRow) => void,
): Promise<void> {
  const connection = createConnection({ host: '127.0.0.1', port, user: 'root', database, ...MYSQL_VALUE_OPTIONS });
  try {
    await new Promise<void>((resolve, reject) => {
      connection.query("SET SESSION time_zone = '+00:00'", (e) => (e === null ? resolve() : reject(e)));
    });
    const rows = connection.query('SELECT * FROM agg_order_window').stream({ highWaterMark: 1_000 });
    for await (const raw of rows as AsyncIterable<Record<string, unknown>>) onRow(sqlOrderRow(raw));
  } finally {
    connection.destroy();
  }
}

/** A file's lines, one at a time, without holding the file. */
export async function eachLine(file: string, onLine: (line: string) => void | Promise<void>): Promise<void> {
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) await onLine(line);
}

/** A `progress` log line's numbers. */
export interface ProgressLine {
  readonly read: number;
  readonly openWindows: number;
  readonly stateRows: number;
  readonly rememberedIds: number;
  readonly rssMb: number;
  readonly heapUsedMb: number;
}

/** The progress lines among a run's JSON log lines on stderr, in order. */
export function progressLines(stderr: string): ProgressLine[] {
  const numbers = ['read', 'openWindows', 'stateRows', 'rememberedIds', 'rssMb', 'heapUsedMb'] as const;
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('{') && l.includes('"msg":"progress"'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .map((l) => {
      for (const n of numbers)
        if (typeof l[n] !== 'number') throw new Error(`progress line without a number ${n}: ${JSON.stringify(l)}`);
      return Object.fromEntries(numbers.map((n) => [n, l[n] as number])) as unknown as ProgressLine;
    });
}

/**
 * The kernel's account of a process's memory, read from /proc while it runs: the high-water mark of
 * its resident set (VmHWM), which no sampling can miss, and how often it was read.
 */
export interface RssWatch {
  /** The last VmHWM read, in MiB (the process's peak RSS up to then). */
  peakMb(): number;
  readonly samples: () => number;
  stop(): void;
}

export function watchRss(pid: number, everyMs = 200): RssWatch {
  let peakKb = 0;
  let samples = 0;
  const read = (): void => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const hwm = /^VmHWM:\s+(\d+) kB/m.exec(status);
      if (hwm !== null) {
        peakKb = Math.max(peakKb, Number(hwm[1]));
        samples++;
      }
    } catch {
      // Exited between two reads: the last high-water mark stands.
    }
  };
  read();
  const timer = setInterval(read, everyMs);
  return {
    peakMb: () => peakKb / 1024,
    samples: () => samples,
    stop: () => {
      read();
      clearInterval(timer);
    },
  };
}
