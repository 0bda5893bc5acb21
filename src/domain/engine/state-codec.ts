import { HexstreamError } from '../hexstream-error';

/**
 * JSON for the values an engine holds (grouping fields, accumulators, ids), without losing what
 * plain JSON loses: non-finite numbers, -0, bigint, undefined, Set and Map. Anything JSON keeps as
 * is stays as is; the rest becomes a one-key tagged object, and a plain object whose only key
 * happens to start with `$` is tagged too, so decoding is never ambiguous:
 *
 *   Infinity ─▶ {"$n":"Infinity"}   12n ─▶ {"$b":"12"}   new Set([1]) ─▶ {"$set":[1]}
 *   new Map([["a",1]]) ─▶ {"$map":[["a",1]]}   undefined ─▶ {"$u":0}   {"$x":1} ─▶ {"$o":{"$x":1}}
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export function encodeState(value: unknown): JsonValue {
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0)
        ? value
        : { $n: String(Object.is(value, -0) ? '-0' : value) };
    case 'string':
    case 'boolean':
      return value;
    case 'bigint':
      return { $b: value.toString() };
    case 'undefined':
      return { $u: 0 };
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) return value.map(encodeState);
      if (value instanceof Set) return { $set: [...value].map(encodeState) };
      if (value instanceof Map) return { $map: [...value].map(([k, v]) => [encodeState(k), encodeState(v)]) };
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        throw new HexstreamError(
          'INTERNAL',
          `cannot snapshot a ${(value as { constructor?: { name?: string } }).constructor?.name ?? 'class instance'} (only plain objects, arrays, Set and Map)`,
        );
      }
      const out: { [key: string]: JsonValue } = {};
      for (const [k, v] of Object.entries(value)) define(out, k, encodeState(v));
      const keys = Object.keys(out);
      return keys.length === 1 && (keys[0] as string).startsWith('$') ? { $o: out } : out;
    }
    default:
      throw new HexstreamError('INTERNAL', `cannot snapshot a ${typeof value}`);
  }
}

export function decodeState(json: JsonValue): unknown {
  if (json === null || typeof json !== 'object') return json;
  if (Array.isArray(json)) return json.map(decodeState);
  const keys = Object.keys(json);
  if (keys.length === 1 && (keys[0] as string).startsWith('$')) {
    const tag = keys[0] as string;
    const v = json[tag] as JsonValue;
    switch (tag) {
      case '$n':
        return v === '-0' ? -0 : Number(v);
      case '$b':
        return BigInt(v as string);
      case '$u':
        return undefined;
      case '$set':
        return new Set(asArray(v, tag).map(decodeState));
      case '$map':
        return new Map(asArray(v, tag).map((pair) => asArray(pair, tag).map(decodeState) as [unknown, unknown]));
      case '$o':
        return decodePlain(v);
      default:
        throw new HexstreamError('INTERNAL', `snapshot holds an unknown tag ${tag}`);
    }
  }
  return decodePlain(json);
}

function decodePlain(json: JsonValue): Record<string, unknown> {
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    throw new HexstreamError('INTERNAL', 'snapshot holds a malformed object');
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(json)) define(out, k, decodeState(v));
  return out;
}

/** Like `o[k] = v`, but a key named `__proto__` stays a key instead of replacing the prototype. */
function define(o: object, k: string, v: unknown): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

function asArray(v: JsonValue, tag: string): JsonValue[] {
  if (!Array.isArray(v)) throw new HexstreamError('INTERNAL', `snapshot tag ${tag} does not hold an array`);
  return v;
}
