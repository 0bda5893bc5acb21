import type { Decoded, DecodedMany } from '../jobs/job';
import type { EventOf, FieldKind, Fields } from './fields';
import { jsonEvent, jsonEvents, objectReader } from './json-input';
import { csvDecoder } from './csv-input';

/**
 * How a record's text becomes events. `fields` are the declared fields with their kinds (for the
 * checks of `defineJob`); a custom decoder declares none.
 */
export interface Input<E> {
  readonly format: 'json' | 'csv' | 'custom';
  readonly fields: Readonly<Record<string, FieldKind>> | undefined;
  /** The declared fields that may be missing (`optional: true`). */
  readonly optionalFields?: readonly string[];
  /** Whether one record may hold several events (`decodeMany`). */
  readonly many: boolean;
  decode(text: string, arrivalMs: number | undefined): Decoded<E> | DecodedMany<E>;
}

function optionalOf(fields: Fields): string[] {
  return Object.keys(fields).filter((name) => fields[name]?.optional === true);
}

function kinds(fields: Fields): Record<string, FieldKind> {
  const out: Record<string, FieldKind> = {};
  for (const [name, f] of Object.entries(fields)) out[name] = f.kind;
  return out;
}

/**
 * JSON records: an object with the declared fields (others are ignored), or — with `events` — an
 * object whose array `events` holds the event objects (one record, many events).
 */
export function json<const F extends Fields>(spec: {
  readonly fields: F;
  readonly events?: string;
}): Input<EventOf<F>> {
  const { fields, events } = spec;
  const read = objectReader<EventOf<F>>(fields);
  return {
    format: 'json',
    fields: kinds(fields),
    optionalFields: optionalOf(fields),
    many: events !== undefined,
    decode: events === undefined ? jsonEvent(read) : jsonEvents(read, events),
  };
}

/**
 * CSV lines: `columns` name the values of a line in order; the declared `fields` (a subset of the
 * columns) are validated and kept. With `header: true` a line equal to the header (the columns
 * joined by commas) is refused as a header rather than as a bad event. Double-quoted values may
 * hold commas (`""` is a quote).
 */
export function csv<const F extends Fields>(spec: {
  readonly columns: readonly string[];
  readonly fields: F;
  readonly header?: boolean;
}): Input<EventOf<F>> {
  const missing = Object.keys(spec.fields).filter((f) => !spec.columns.includes(f));
  if (missing.length > 0)
    throw new Error(`csv: field "${missing.join('", "')}" is not one of the columns (${spec.columns.join(', ')})`);
  if (new Set(spec.columns).size !== spec.columns.length) throw new Error(`csv: a column is named twice`);
  return {
    format: 'csv',
    fields: kinds(spec.fields),
    optionalFields: optionalOf(spec.fields),
    many: false,
    decode: csvDecoder<EventOf<F>>(spec.columns, spec.fields, spec.header === true),
  };
}

const REJECTED: unique symbol = Symbol('rejected');

/** What a custom decoder returns for a record it refuses: the record becomes a dead letter with this detail. */
export interface Rejection {
  readonly [REJECTED]: true;
  readonly detail: string;
}

export function reject(detail: string): Rejection {
  return { [REJECTED]: true, detail };
}

function isRejection(v: unknown): v is Rejection {
  return typeof v === 'object' && v !== null && REJECTED in v;
}

/**
 * A decoder of your own: returns the record's event, an array of events (one record, many), or
 * `reject(detail)`. `arrivalMs` is when the record arrived, for records without a time of their own.
 */
export function decoder<E extends object>(
  fn: (text: string, arrivalMs: number | undefined) => E | readonly E[] | Rejection,
): Input<E> {
  return {
    format: 'custom',
    fields: undefined,
    many: true,
    decode: (text, arrivalMs) => {
      const out = fn(text, arrivalMs);
      if (isRejection(out)) return { ok: false, detail: out.detail };
      return { ok: true, events: Array.isArray(out) ? (out as readonly E[]) : [out as E] };
    },
  };
}
