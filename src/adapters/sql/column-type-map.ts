import type { ColumnSpec, ColumnType } from '../../domain/table-schema';

/**
 * One entry per logical column type: what a database (or an encoding) makes of a column of it. A
 * table of functions rather than a switch, so a new column type fails to compile until every map
 * has it. An entry gets the column's name for its messages.
 */
export type ColumnTypeMap<R> = {
  readonly [K in ColumnType['kind']]: (type: Extract<ColumnType, { readonly kind: K }>, column: string) => R;
};

/** `map`'s entry for the column's type. */
export function mapColumnType<R>(map: ColumnTypeMap<R>, column: ColumnSpec): R {
  // The entry for `type.kind` takes exactly that member of the union; TypeScript cannot follow the link.
  const entry = map[column.type.kind] as (t: ColumnType, column: string) => R;
  return entry(column.type, column.name);
}
