/**
 * A deep copy of plain data — what the state codec can snapshot: primitives, bigint, arrays, plain
 * objects, Map and Set. Anything else (a class instance, a function) is shared, not copied.
 * (`structuredClone` would do, but it makes objects of another realm's prototype under a VM such as
 * a test runner's, which the state codec then refuses.)
 */
export function plainCopy<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((v: unknown) => plainCopy(v)) as T;
  if (value instanceof Map) {
    const m = new Map<unknown, unknown>();
    for (const [k, v] of value as Map<unknown, unknown>) m.set(plainCopy(k), plainCopy(v));
    return m as T;
  }
  if (value instanceof Set) {
    const s = new Set<unknown>();
    for (const v of value as Set<unknown>) s.add(plainCopy(v));
    return s as T;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = plainCopy(v);
  return out as T;
}
