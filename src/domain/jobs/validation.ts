import type { Decoded } from './job';

/** JSON.parse that returns a dead-letter detail instead of throwing. */
export function parseJson(text: string): Decoded<unknown> {
  try {
    return { ok: true, event: JSON.parse(text) as unknown };
  } catch (e) {
    return { ok: false, detail: `not valid JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Names a field, what it should be and a short rendering of what it was. */
export function fieldError(field: string, value: unknown, expected: string): { ok: false; detail: string } {
  if (value === undefined) return { ok: false, detail: `missing field "${field}"` };
  return { ok: false, detail: `field "${field}" must be ${expected}, got ${describe(value)}` };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}
