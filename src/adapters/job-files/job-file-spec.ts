/**
 * A YAML/JSON job file once validated: the same spec as a `defineJob` call, as data. Every name in
 * it is known to exist (fields, aggregates, columns), so compiling it cannot fail on a reference.
 */

export type FieldKind = 'string' | 'number' | 'decimal' | 'time' | 'boolean';
export type TimeFormat = 'epoch-ms' | 'epoch-s' | 'iso';

export interface FieldDecl {
  readonly kind: FieldKind;
  readonly optional: boolean;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly oneOf?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  readonly integer?: boolean;
  readonly decimals?: number;
  /** decimal: digits after the point; the event holds the value in units of 10^-scale. */
  readonly scale?: number;
  /** time */
  readonly format?: TimeFormat;
}

export type InputDecl =
  | { readonly format: 'json'; readonly events?: string; readonly fields: Readonly<Record<string, FieldDecl>> }
  | {
      readonly format: 'csv';
      readonly columns: readonly string[];
      readonly header: boolean;
      readonly fields: Readonly<Record<string, FieldDecl>>;
    };

export type Duration = string | number;

export type WindowDecl =
  | { readonly kind: 'tumbling'; readonly length: Duration }
  | { readonly kind: 'sliding'; readonly length: Duration; readonly slide: Duration }
  | { readonly kind: 'session'; readonly gap: Duration }
  | { readonly kind: 'global' };

export const FIELD_AGGREGATES = [
  'sum',
  'min',
  'max',
  'mean',
  'stddev',
  'first',
  'last',
  'distinctCount',
  'decimalSum',
] as const;
export type AggregateKind = 'count' | (typeof FIELD_AGGREGATES)[number];

export interface AggregateDecl {
  readonly kind: AggregateKind;
  /** The input field it reads; none for `count`. */
  readonly field?: string;
}

export type ColumnDecl =
  | { readonly type: 'text'; readonly maxLength: number; readonly fixed: boolean }
  | { readonly type: 'longText' | 'double' | 'instant' | 'writtenAt' }
  | { readonly type: 'integer'; readonly bits: 32 | 64 }
  | { readonly type: 'decimal'; readonly precision: number; readonly scale: number };

/** Where a row's column value comes from. */
export type RowValue =
  | { readonly from: 'key'; readonly field: string }
  | { readonly from: 'window'; readonly edge: 'start' | 'end' }
  | { readonly from: 'agg'; readonly name: string };

export interface IoDecl {
  readonly topic?: string;
  readonly bounded?: boolean;
  readonly outputMessageKey?: string;
  readonly sample?: string;
}

export interface JobFileSpec {
  readonly name: string;
  readonly description: string;
  readonly input: InputDecl;
  readonly time: { readonly processing: true } | { readonly field: string };
  readonly key: readonly string[];
  readonly dedupe?: string;
  readonly window: WindowDecl;
  readonly watermark?: Duration;
  readonly output?: 'update' | 'append' | 'complete';
  readonly aggregate: Readonly<Record<string, AggregateDecl>>;
  readonly table: {
    readonly name: string;
    readonly columns: Readonly<Record<string, ColumnDecl>>;
    readonly primaryKey: readonly string[];
  };
  readonly row: Readonly<Record<string, RowValue>>;
  readonly io: IoDecl;
}
