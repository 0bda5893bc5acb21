import { fieldError } from '../jobs/validation';
import { decimalUnits, timeMs, type TimeFormat } from './field-values';

export type { TimeFormat } from './field-values';

/** Why a field's value was refused (a dead letter's detail), as `validation.ts` words it. */
export interface FieldRejection {
  readonly ok: false;
  readonly detail: string;
}

export type FieldKind = 'string' | 'number' | 'decimal' | 'time' | 'boolean';

/**
 * One declared input field: its kind and how a raw value (from JSON, or a CSV cell as text)
 * becomes the event's value `T`, or a rejection naming the field and the value.
 */
export interface Field<T> {
  readonly kind: FieldKind;
  readonly optional: boolean;
  /** `fromText`: the value is a CSV cell (a string), converted to the field's kind first. */
  read(name: string, value: unknown, fromText: boolean): T | FieldRejection;
}

interface Optional {
  /** The field may be missing (or null, or an empty CSV cell): the event's value is then `undefined`. */
  readonly optional?: boolean;
}
export interface StringRules extends Optional {
  readonly minLength?: number;
  /** At most this many characters (Unicode code points). */
  readonly maxLength?: number;
  readonly pattern?: RegExp;
  readonly oneOf?: readonly string[];
}
export interface NumberRules extends Optional {
  readonly min?: number;
  readonly max?: number;
  readonly integer?: boolean;
  /** At most this many digits after the decimal point. */
  readonly decimals?: number;
}
export interface DecimalRules extends Optional {
  /** Digits after the point: the event holds the value × 10^scale as an exact integer. */
  readonly scale: number;
  readonly min?: number;
  readonly max?: number;
}

type Opt<R, T> = R extends { readonly optional: true } ? T | undefined : T;
type OneOf<R> = R extends { readonly oneOf: readonly (infer S)[] } ? S : string;

/** Why a required field is absent: missing, null, or an empty CSV cell. */
function absent(name: string, value: unknown): FieldRejection {
  if (value === undefined) return fieldError(name, undefined, '');
  return value === null ? fieldError(name, null, 'set') : { ok: false, detail: `field "${name}" is empty` };
}

function make<T>(
  kind: FieldKind,
  optional: boolean,
  check: (name: string, v: unknown, fromText: boolean) => T | FieldRejection,
): Field<T | undefined> {
  return {
    kind,
    optional,
    read: (name, value, fromText) => {
      if (value === undefined || value === null || (fromText && value === '')) {
        return optional ? undefined : absent(name, value);
      }
      return check(name, value, fromText);
    },
  };
}

function stringField<const R extends StringRules>(rules?: R): Field<Opt<R, OneOf<R>>> {
  const { minLength = 0, maxLength, pattern, oneOf } = rules ?? {};
  const f = make('string', rules?.optional === true, (name, v) => {
    if (typeof v !== 'string') return fieldError(name, v, 'a string');
    // Code points ≤ UTF-16 units ≤ 2 × code points: count them only when the units cannot decide.
    const count = (maxLength !== undefined && v.length > maxLength) || v.length < 2 * minLength;
    const chars = count ? [...v].length : v.length;
    if (maxLength !== undefined && chars > maxLength)
      return { ok: false, detail: `${name} has ${chars} characters, at most ${maxLength} allowed` };
    if (chars < minLength) return fieldError(name, v, `at least ${minLength} characters long`);
    if (pattern !== undefined && !pattern.test(v)) return fieldError(name, v, `a string matching ${String(pattern)}`);
    if (oneOf !== undefined && !oneOf.includes(v))
      return fieldError(name, v, `one of ${oneOf.map((s) => JSON.stringify(s)).join(', ')}`);
    return v as OneOf<R>;
  });
  return f as Field<Opt<R, OneOf<R>>>;
}

function numberOf(v: unknown, fromText: boolean): unknown {
  return fromText && typeof v === 'string' && /^\s*-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(v) ? Number(v) : v;
}

function numberField<const R extends NumberRules>(rules?: R): Field<Opt<R, number>> {
  const { min, max, integer = false, decimals } = rules ?? {};
  const scale = decimals === undefined ? 1 : 10 ** decimals;
  const f = make('number', rules?.optional === true, (name, raw, fromText) => {
    const v = numberOf(raw, fromText);
    if (typeof v !== 'number' || !Number.isFinite(v)) return fieldError(name, v, 'a finite number');
    if (integer && !Number.isSafeInteger(v)) return fieldError(name, v, 'a whole number');
    if (min !== undefined && v < min) return fieldError(name, v, `≥ ${min}`);
    if (max !== undefined && v > max) return fieldError(name, v, `≤ ${max}`);
    // k / 10^d is the double nearest the decimal literal with d decimals, so this is exact.
    if (decimals !== undefined && Math.round(v * scale) / scale !== v)
      return fieldError(name, v, `a number with at most ${decimals} decimals`);
    return v;
  });
  return f as Field<Opt<R, number>>;
}

function decimalField<const R extends DecimalRules>(rules: R): Field<Opt<R, number>> {
  const { scale, min, max } = rules;
  if (!Number.isSafeInteger(scale) || scale < 0 || scale > 15)
    throw new Error(`decimal scale must be a whole number in 0..15, got ${scale}`);
  const f = make('decimal', rules.optional === true, (name, raw) => {
    const units = decimalUnits(name, raw, scale);
    if (typeof units !== 'number') return units;
    const value = units / 10 ** scale;
    if (min !== undefined && value < min) return fieldError(name, raw, `≥ ${min}`);
    if (max !== undefined && value > max) return fieldError(name, raw, `≤ ${max}`);
    return units;
  });
  return f as Field<Opt<R, number>>;
}

function timeField<const R extends Optional>(format: TimeFormat, rules?: R): Field<Opt<R, number>> {
  const f = make('time', rules?.optional === true, (name, raw, fromText) =>
    timeMs(name, format === 'iso' ? raw : numberOf(raw, fromText), format),
  );
  return f as Field<Opt<R, number>>;
}

function booleanField<const R extends Optional>(rules?: R): Field<Opt<R, boolean>> {
  const f = make('boolean', rules?.optional === true, (name, v, fromText) => {
    if (typeof v === 'boolean') return v;
    if (fromText && (v === 'true' || v === 'false')) return v === 'true';
    return fieldError(name, v, 'true or false');
  });
  return f as Field<Opt<R, boolean>>;
}

/** The declared fields of an input: `field.string({ maxLength: 16 })`, `field.time('epoch-ms')`, … */
export const field = {
  string: stringField,
  number: numberField,
  decimal: decimalField,
  time: timeField,
  boolean: booleanField,
};

export type Fields = Readonly<Record<string, Field<unknown>>>;

/** The event an input with these fields yields. */
export type EventOf<F extends Fields> = { readonly [K in keyof F]: F[K] extends Field<infer T> ? T : never };
