import type { ColumnType } from '../table-schema';

/**
 * A typed result column: its logical type (see `table-schema.ts`) and, as a type only, the value
 * a row gives it — so a row of the wrong type, or for a column that does not exist, does not compile.
 */
export interface Column<V> {
  readonly type: ColumnType;
  /** Type-level only: the value a row holds for this column (`never` for `writtenAt`). */
  readonly value?: V;
}

/** Text of at most `maxLength` characters; `fixed` when every value has exactly that many (a hex digest). */
export function text(maxLength: number, options?: { readonly fixed?: boolean }): Column<string> {
  if (!Number.isSafeInteger(maxLength) || maxLength <= 0)
    throw new Error(`text column length must be a positive whole number, got ${maxLength}`);
  return {
    type: { kind: 'text', maxLength, ...(options?.fixed === true ? { fixedLength: true } : {}) },
  };
}

/** Text of any length (a JSON document). */
export function longText(): Column<string> {
  return { type: { kind: 'longText' } };
}

/** A whole number of at most `bits` signed bits (64 by default): a number, or a bigint beyond 2^53. */
export function integer(bits: 32 | 64 = 64): Column<number | bigint> {
  return { type: { kind: 'integer', bits } };
}

/**
 * An exact decimal of `precision` digits, `scale` after the point. The row holds it as an integer
 * of units of 10^-scale (cents for scale 2), as `decimalSum` and `field.decimal` produce it.
 */
export function decimal(precision: number, scale: number): Column<number | bigint> {
  if (!Number.isSafeInteger(precision) || precision < 1 || precision > 65)
    throw new Error(`decimal precision must be a whole number in 1..65, got ${precision}`);
  if (!Number.isSafeInteger(scale) || scale < 0 || scale > precision)
    throw new Error(`decimal scale must be a whole number in 0..${precision}, got ${scale}`);
  return { type: { kind: 'decimal', precision, scale } };
}

/** A finite double. */
export function double(): Column<number> {
  return { type: { kind: 'double' } };
}

/** An instant: whole epoch milliseconds (written as ISO-8601 UTC). */
export function instant(): Column<number> {
  return { type: { kind: 'instant' } };
}

/** When the sink last wrote the row: the sink sets it, a row gives it no value. */
export function writtenAt(): Column<never> {
  return { type: { kind: 'writtenAt' } };
}

export type Columns = Readonly<Record<string, Column<unknown>>>;

type ValueOf<C> = C extends Column<infer V> ? V : never;
type ValueColumns<C extends Columns> = { [K in keyof C]: [ValueOf<C[K]>] extends [never] ? never : K }[keyof C];

/** The values one row gives: every column but `writtenAt` ones, each of its column's type. */
export type RowOf<C extends Columns> = { readonly [K in ValueColumns<C>]: ValueOf<C[K]> };
