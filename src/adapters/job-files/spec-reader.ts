import type { HexstreamError } from '../../domain/hexstream-error';
import { durationMs } from '../../domain/sdk/duration';
import { jobFileError } from './job-file-error';
import { pathText, type SpecPath, type SpecTree } from './yaml-tree';

export type SpecMap = Readonly<Record<string, unknown>>;

/** `a, b or c`. */
export function orList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1] ?? ''}`;
}

/**
 * Reads a job file's data part by part, failing on the first thing wrong with one line that names
 * the file, the line and the field: `wages.yaml:12: aggregate.avg.mean: unknown field "x"`.
 */
export class SpecReader {
  constructor(
    private readonly file: string,
    private readonly tree: SpecTree,
  ) {}

  get root(): unknown {
    return this.tree.value;
  }

  error(path: SpecPath, message: string, atKey = false): HexstreamError {
    const where = path.length === 0 ? '' : `${pathText(path)}: `;
    return jobFileError(this.file, `${where}${message}`, this.tree.lineOf(path, atKey));
  }

  /** A mapping with only `allowed` keys (an unknown one is named, at its line) and every `required` one. */
  map(path: SpecPath, value: unknown, allowed: readonly string[], required: readonly string[] = []): SpecMap {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw this.error(path, `must be a mapping (${orList(allowed.map((k) => `${k}:`))} …), got ${describe(value)}`);
    const map = value as SpecMap;
    for (const key of Object.keys(map)) {
      if (!allowed.includes(key)) throw this.error([...path, key], `unknown key (expected ${orList(allowed)})`, true);
    }
    const missing = required.find((k) => map[k] === undefined || map[k] === null);
    if (missing !== undefined) throw this.error(path, `${missing} is missing`, true);
    return map;
  }

  /** A mapping, whatever its keys, with `required` (to read what decides the keys it may have). */
  anyMap(path: SpecPath, value: unknown, required: string): SpecMap {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw this.error(path, `must be a mapping with ${required}:, got ${describe(value)}`);
    if ((value as SpecMap)[required] === undefined) throw this.error(path, `${required} is missing`);
    return value as SpecMap;
  }

  /** A mapping whose keys are names the user chooses (fields, aggregates, columns), not empty. */
  named(path: SpecPath, value: unknown, what: string): SpecMap {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || Object.keys(value).length === 0)
      throw this.error(path, `must be a mapping of ${what} by name, got ${describe(value)}`);
    return value as SpecMap;
  }

  string(path: SpecPath, value: unknown): string {
    if (typeof value !== 'string' || value === '') throw this.error(path, `must be a text, got ${describe(value)}`);
    return value;
  }

  boolean(path: SpecPath, value: unknown): boolean {
    if (typeof value !== 'boolean') throw this.error(path, `must be true or false, got ${describe(value)}`);
    return value;
  }

  number(path: SpecPath, value: unknown, whole = false, min = -Infinity): number {
    if (typeof value !== 'number' || !Number.isFinite(value) || (whole && !Number.isSafeInteger(value)) || value < min)
      throw this.error(
        path,
        `must be a ${whole ? 'whole number' : 'number'}${min > -Infinity ? ` ≥ ${min}` : ''}, got ${describe(value)}`,
      );
    return value;
  }

  /** One of the given words. */
  oneOf<T extends string>(path: SpecPath, value: unknown, words: readonly T[]): T {
    if (typeof value !== 'string' || !(words as readonly string[]).includes(value))
      throw this.error(path, `must be ${orList(words)}, got ${describe(value)}`);
    return value as T;
  }

  /** A list of distinct texts (`empty`: may be empty). */
  names(path: SpecPath, value: unknown, empty: boolean): string[] {
    if (!Array.isArray(value) || (!empty && value.length === 0))
      throw this.error(path, `must be a list of names${empty ? '' : ' (at least one)'}, got ${describe(value)}`);
    const list = value.map((v, i) => this.string([...path, i], v));
    const repeated = list.findIndex((v, i) => list.indexOf(v) !== i);
    if (repeated >= 0) throw this.error([...path, repeated], `${JSON.stringify(list[repeated])} is listed twice`);
    return list;
  }

  /** A duration: `500ms`, `10s`, `1.5m`, `2h` (whole milliseconds), or a whole number of milliseconds. */
  duration(path: SpecPath, value: unknown, positive: boolean): string | number {
    let ms: number;
    try {
      ms = typeof value === 'number' || typeof value === 'string' ? durationMs(value, 'duration') : -1;
    } catch {
      ms = -1;
    }
    if (ms < 0 || (positive && ms === 0))
      throw this.error(
        path,
        `must be a ${positive ? 'positive ' : ''}duration such as 500ms, 10s, 1m, 2h (or whole milliseconds), got ${describe(value)}`,
      );
    return value as string | number;
  }

  /** A name the user declared elsewhere (a field, a column, an aggregate). */
  reference(path: SpecPath, value: unknown, known: readonly string[], what: string): string {
    const name = this.string(path, value);
    if (!known.includes(name))
      throw this.error(path, `unknown ${what} ${JSON.stringify(name)} (${what}s: ${known.join(', ') || 'none'})`);
    return name;
  }
}

/** A value as a message shows it. */
export function describe(value: unknown): string {
  if (value === undefined || value === null) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return JSON.stringify(value);
}
