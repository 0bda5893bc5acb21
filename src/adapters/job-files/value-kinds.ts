import type { AggregateDecl, ColumnDecl, FieldDecl } from './job-file-spec';

/** What a row value is, to check it against the column it fills. */
export type ValueKind =
  | { readonly kind: 'text' | 'number' | 'integer' | 'instant' | 'boolean' }
  | { readonly kind: 'decimal'; readonly scale: number };

export function fieldValue(field: FieldDecl): ValueKind {
  switch (field.kind) {
    case 'string':
      return { kind: 'text' };
    case 'number':
      return { kind: field.integer === true ? 'integer' : 'number' };
    case 'decimal':
      return { kind: 'decimal', scale: field.scale ?? 0 };
    case 'time':
      return { kind: 'instant' };
    case 'boolean':
      return { kind: 'boolean' };
  }
}

export function aggregateValue(agg: AggregateDecl, field: FieldDecl | undefined): ValueKind {
  switch (agg.kind) {
    case 'count':
    case 'distinctCount':
      return { kind: 'integer' };
    case 'sum':
    case 'mean':
    case 'stddev':
      return { kind: 'number' };
    case 'decimalSum':
      return field?.kind === 'decimal' ? fieldValue(field) : { kind: 'integer' };
    case 'min':
    case 'max':
    case 'first':
    case 'last':
      return field === undefined ? { kind: 'number' } : fieldValue(field);
  }
}

/** Whether a column of this type holds values of this kind. */
export function fits(column: ColumnDecl, value: ValueKind): boolean {
  switch (column.type) {
    case 'text':
    case 'longText':
      return value.kind === 'text';
    case 'integer':
      return value.kind === 'integer' || value.kind === 'instant';
    case 'double':
      return value.kind === 'number' || value.kind === 'integer';
    case 'decimal':
      return value.kind === 'decimal' && value.scale === column.scale;
    case 'instant':
      return value.kind === 'instant';
    case 'writtenAt':
      return false;
  }
}

/** `a number`, `a decimal with 2 digits after the point`, … */
export function valueText(value: ValueKind): string {
  switch (value.kind) {
    case 'text':
      return 'a text';
    case 'number':
      return 'a number';
    case 'integer':
      return 'a whole number';
    case 'instant':
      return 'an instant';
    case 'boolean':
      return 'true or false (no column type holds it)';
    case 'decimal':
      return `a decimal with ${value.scale} digits after the point`;
  }
}

export function columnText(column: ColumnDecl): string {
  switch (column.type) {
    case 'text':
      return `text (${column.maxLength})`;
    case 'integer':
      return `integer (${column.bits} bits)`;
    case 'decimal':
      return `decimal (${column.precision}, ${column.scale})`;
    default:
      return column.type;
  }
}
