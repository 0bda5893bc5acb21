import type { TableSchema } from '../../../src/domain/table-schema';
import type { TestPgDatabase } from '../../support/postgres';
import { renderedRowKey } from '../mysql/mysql-test-kit';

/** The table as the contract wants it: timestamps as ISO instants, integers as numbers, decimals as exact text; keyed as the job keys its rows. */
export async function readRendered(
  db: TestPgDatabase,
  table: TableSchema,
): Promise<Map<string, Record<string, unknown>>> {
  const select = table.columns
    .map((c) =>
      c.type.kind === 'instant' || c.type.kind === 'writtenAt'
        ? `to_char("${c.name}", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "${c.name}"`
        : c.type.kind === 'decimal' || c.type.kind === 'integer'
          ? `"${c.name}"::text AS "${c.name}"`
          : `"${c.name}"`,
    )
    .join(', ');
  const out = new Map<string, Record<string, unknown>>();
  for (const row of await db.query(`SELECT ${select} FROM "${table.name}"`)) {
    const rendered: Record<string, unknown> = {};
    for (const c of table.columns) {
      const v = row[c.name];
      rendered[c.name] =
        c.type.kind === 'integer'
          ? Number.isSafeInteger(Number(v))
            ? Number(v)
            : String(v)
          : c.type.kind === 'double'
            ? Number(v)
            : String(v);
    }
    out.set(renderedRowKey(table, rendered), rendered);
  }
  return out;
}
