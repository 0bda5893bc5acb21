/**
 * What a result column holds, by meaning; each sink picks its own storage for it. Values in a
 * `ResultRow` follow the type:
 * - `text`: a string of at most `maxLength` characters (Unicode code points); `fixedLength` when
 *   every value has that many (a hex digest), so a database may store it without a length;
 * - `longText`: a string of any length (a JSON document);
 * - `integer`: a whole number that fits `bits` signed bits (a number while exact, else a bigint);
 * - `decimal`: an exact number of at most `precision` digits, `scale` of them after the point, held
 *   as an integer scaled by 10^scale (number or bigint); rendered exactly;
 * - `double`: a finite IEEE-754 double;
 * - `instant`: a whole epoch millisecond, rendered as ISO-8601 UTC with milliseconds;
 * - `writtenAt`: the instant the sink last wrote the row; the sink sets it, rows carry no value.
 */
export type ColumnType =
  | { readonly kind: 'text'; readonly maxLength: number; readonly fixedLength?: boolean }
  | { readonly kind: 'longText' }
  | { readonly kind: 'integer'; readonly bits: 32 | 64 }
  | { readonly kind: 'decimal'; readonly precision: number; readonly scale: number }
  | { readonly kind: 'double' }
  | { readonly kind: 'instant' }
  | { readonly kind: 'writtenAt' };

export interface ColumnSpec {
  readonly name: string;
  readonly type: ColumnType;
}

export interface TableSchema {
  readonly name: string;
  readonly primaryKey: readonly string[];
  readonly columns: readonly ColumnSpec[];
}
