import type { TableSchema } from '../table-schema';
import type { Columns } from './columns';
import type { TableSpec } from './job-spec';

/** The table schema of a typed table spec, columns in their declared order. */
export function tableSchemaOf<C extends Columns>(table: TableSpec<C>): TableSchema {
  return {
    name: table.name,
    primaryKey: [...table.primaryKey],
    columns: Object.entries(table.columns).map(([name, column]) => ({ name, type: column.type })),
  };
}
