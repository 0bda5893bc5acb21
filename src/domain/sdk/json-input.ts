import type { Decoded, DecodedMany } from '../jobs/job';
import { isPlainObject, parseJson } from '../jobs/validation';
import type { Field, Fields } from './fields';

/** Validates the declared fields of one object, in declaration order; the first bad one is named. */
export function eventOf<E>(
  o: Readonly<Record<string, unknown>>,
  names: readonly string[],
  fields: readonly Field<unknown>[],
  fromText: boolean,
): Decoded<E> {
  const event: Record<string, unknown> = {};
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    const v = (fields[i] as Field<unknown>).read(name, o[name], fromText);
    // Field values are never objects: an object is the field's rejection.
    if (typeof v === 'object' && v !== null) return v as { ok: false; detail: string };
    event[name] = v;
  }
  return { ok: true, event: event as E };
}

/** Reads the declared fields of a parsed JSON value. */
export function objectReader<E>(fields: Fields): (value: unknown) => Decoded<E> {
  const names = Object.keys(fields);
  const specs = names.map((n) => fields[n] as Field<unknown>);
  return (value) =>
    isPlainObject(value)
      ? eventOf<E>(value, names, specs, false)
      : { ok: false, detail: 'record is not a JSON object' };
}

/** A record that is one JSON object. */
export function jsonEvent<E>(read: (value: unknown) => Decoded<E>): (text: string) => Decoded<E> {
  return (text) => {
    const parsed = parseJson(text);
    return parsed.ok ? read(parsed.event) : parsed;
  };
}

/** A record `{ [events]: [ {…}, {…} ] }`: each element is an event; the first bad one refuses the record. */
export function jsonEvents<E>(read: (value: unknown) => Decoded<E>, events: string): (text: string) => DecodedMany<E> {
  return (text) => {
    const parsed = parseJson(text);
    if (!parsed.ok) return parsed;
    const o = parsed.event;
    if (!isPlainObject(o)) return { ok: false, detail: 'record is not a JSON object' };
    const list = o[events];
    if (!Array.isArray(list)) return { ok: false, detail: `field "${events}" must be an array of events` };
    const out: E[] = [];
    for (let i = 0; i < list.length; i++) {
      const one = read(list[i]);
      if (!one.ok) return { ok: false, detail: `${events}[${i}]: ${one.detail}` };
      out.push(one.event);
    }
    return { ok: true, events: out };
  };
}
