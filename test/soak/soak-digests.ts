import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { generateOrders } from '../../src/domain/jobs/orders.generator';
import { OrderReference } from '../support/reference-orders';
import { referenceDeadLetterKeys, shopPartition } from '../support/prod-orders';
import { eachLine, fileOrderRow, streamMysqlOrderTable, TableDigest } from '../support/soak';

/**
 * The soak test's heavy lifting over millions of lines, run as a plain node process (see
 * `test/support/ts-register.cjs`) beside the hexstream process under test; prints one JSON object.
 *
 *   input <dir> <count> <partitions>  writes <count> generated orders to <dir>/p<i>.jsonl, keyed by shop as a producer would
 *   reference <dir> <partitions>   the reference over <dir>/p<i>.jsonl: table digest, windows, dead letters
 *   file-table <file>              the digest of a table written as JSON Lines
 *   mysql-table <port> <database>  the digest of agg_order_window in MariaDB on 127.0.0.1
 */
export interface ReferenceDigest {
  readonly digest: ReturnType<TableDigest['summary']>;
  /** Windows with a row. */
  readonly windows: number;
  readonly accepted: number;
  /** `reason@partition:position`, sorted. */
  readonly deadLetters: string[];
}

const SEMANTICS = { windowMs: 60_000, slideMs: 60_000, watermarkMs: 10_000 };

async function reference(dir: string, partitions: number): Promise<ReferenceDigest> {
  const digest = new TableDigest();
  const windows = new Set<string>();
  const ref = new OrderReference(SEMANTICS, (row) => {
    digest.add(row);
    windows.add(row.window_start);
  });
  for (let p = 0; p < partitions; p++) {
    let position = 0;
    await eachLine(join(dir, `p${p}.jsonl`), (line) => ref.add(p, position++, line));
  }
  ref.finish();
  return {
    digest: digest.summary(),
    windows: windows.size,
    accepted: ref.accepted,
    deadLetters: referenceDeadLetterKeys(ref.deadLetters),
  };
}

/** 24 hours of event time from 2025-01-01, 1 % late, duplicate or malformed. */
function writeInput(dir: string, count: number, partitions: number): { lines: number[] } {
  const files = Array.from({ length: partitions }, (_v, p) => openSync(join(dir, `p${p}.jsonl`), 'w'));
  const pending: string[][] = files.map(() => []);
  const lines = files.map(() => 0);
  const flush = (p: number): void => {
    writeSync(files[p] as number, `${(pending[p] as string[]).join('\n')}\n`);
    pending[p] = [];
  };
  for (const { line } of generateOrders({
    count,
    seed: 2024,
    startMs: Date.UTC(2025, 0, 1),
    ordersPerSecond: count / 86_400,
    faultShare: 0.01,
  })) {
    const p = shopPartition(line, partitions);
    (pending[p] as string[]).push(line);
    lines[p]++;
    if ((pending[p] as string[]).length >= 10_000) flush(p);
  }
  files.forEach((fd, p) => {
    if ((pending[p] as string[]).length > 0) flush(p);
    closeSync(fd);
  });
  return { lines };
}

async function main(args: readonly string[]): Promise<unknown> {
  const [what, a, b, c] = args;
  if (what === 'input' && a !== undefined && b !== undefined && c !== undefined)
    return writeInput(a, Number(b), Number(c));
  if (what === 'reference' && a !== undefined && b !== undefined) return reference(a, Number(b));
  const digest = new TableDigest();
  if (what === 'file-table' && a !== undefined) await eachLine(a, (line) => digest.add(fileOrderRow(line)));
  else if (what === 'mysql-table' && a !== undefined && b !== undefined)
    await streamMysqlOrderTable(Number(a), b, (row) => digest.add(row));
  else
    throw new Error(
      `usage: input <dir> <count> <partitions> | reference <dir> <partitions> | file-table <file> | mysql-table <port> <database> (got ${args.join(' ')})`,
    );
  return digest.summary();
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (result) => process.stdout.write(JSON.stringify(result)),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    },
  );
}
