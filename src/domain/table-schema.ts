/**
 * How a result column is typed. Values in a `ResultRow` follow the type:
 * - `timestamp`: epoch milliseconds (number), rendered as ISO-8601 UTC with milliseconds;
 * - `decimal`: an integer scaled by 10^scale (number or bigint), rendered exactly;
 * - `integer`, `float`: numbers; `text`: strings.
 */
export type ColumnType =
  | { readonly kind: 'text'; readonly sql: string }
  | { readonly kind: 'integer'; readonly sql: string }
  | { readonly kind: 'float'; readonly sql: string }
  | { readonly kind: 'decimal'; readonly sql: string; readonly scale: number }
  | { readonly kind: 'timestamp'; readonly sql: string; readonly setBySink?: boolean };

export interface ColumnSpec {
  readonly name: string;
  readonly type: ColumnType;
}

export interface TableSchema {
  readonly name: string;
  readonly primaryKey: readonly string[];
  readonly columns: readonly ColumnSpec[];
}
