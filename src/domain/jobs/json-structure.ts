/**
 * Limits on the shape of a parsed JSON record, checked before any job reads a field of it.
 *
 * Records of every job are shallow (an order is one object: depth 1; an IEX batch quote
 * `{"SYM": {"quote": {…}}}` is 3), so anything nested deeper than `MAX_JSON_DEPTH` is refused.
 *
 * Keys that name JavaScript prototypes (`__proto__`, `constructor`, `prototype`) are refused at any
 * depth. `JSON.parse` itself stores them as plain own properties, but any later merge, spread or
 * `obj[key]` write driven by such a key would reach `Object.prototype`; refusing them at the door
 * keeps every decoder safe whatever it does with the object.
 */
export const MAX_JSON_DEPTH = 16;

const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** A container still to visit, with how it was reached (the path is only rendered for an error). */
interface Visit {
  readonly value: object;
  readonly depth: number;
  readonly parent: Visit | undefined;
  readonly step: string | number;
}

/**
 * Why the parsed `root` is refused, or undefined. Walks iteratively (a record nested 500,000 deep
 * must not overflow the stack) and stops at the first problem:
 *
 *   $ ─▶ {"a": [ {"b": 1} ]}     depth of $ = 1, of $.a = 2, of $.a[0] = 3
 */
export function jsonStructureError(root: unknown): string | undefined {
  if (typeof root !== 'object' || root === null) return undefined;
  const stack: Visit[] = [{ value: root, depth: 1, parent: undefined, step: '' }];
  for (let at = stack.pop(); at !== undefined; at = stack.pop()) {
    if (at.depth > MAX_JSON_DEPTH) return `JSON is nested deeper than ${MAX_JSON_DEPTH} levels (at ${pathOf(at)})`;
    if (Array.isArray(at.value)) {
      const items: unknown[] = at.value;
      for (let i = items.length - 1; i >= 0; i--) {
        const v = items[i];
        if (typeof v === 'object' && v !== null) stack.push({ value: v, depth: at.depth + 1, parent: at, step: i });
      }
      continue;
    }
    const fields = at.value as Record<string, unknown>;
    const keys = Object.keys(fields);
    for (const key of keys) {
      if (PROTOTYPE_KEYS.has(key))
        return `forbidden key "${key}" at ${pathOf(at)} (__proto__, constructor and prototype are refused at any depth)`;
    }
    for (let k = keys.length - 1; k >= 0; k--) {
      const key = keys[k] as string;
      const v = fields[key];
      if (typeof v === 'object' && v !== null) stack.push({ value: v, depth: at.depth + 1, parent: at, step: key });
    }
  }
  return undefined;
}

/** `$`, `$.quote`, `$.list[2]`, `$["odd key"]`; long keys are shortened. */
function pathOf(at: Visit): string {
  const steps: string[] = [];
  for (let v: Visit | undefined = at; v?.parent !== undefined; v = v.parent) {
    const s = v.step;
    steps.push(
      typeof s === 'number'
        ? `[${s}]`
        : /^[A-Za-z_$][A-Za-z0-9_$]{0,39}$/.test(s)
          ? `.${s}`
          : `[${JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s)}]`,
    );
  }
  return `$${steps.reverse().join('')}`;
}
