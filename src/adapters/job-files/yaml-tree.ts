import type * as Yaml from 'yaml';
import type { Node as YamlNode } from 'yaml';
import { jobFileError } from './job-file-error';

/** A place in a job file: keys of mappings, indexes of lists (`['aggregate', 'avg', 'mean']`). */
export type SpecPath = readonly (string | number)[];

/** A job file's data with where each part of it stands. */
export interface SpecTree {
  readonly value: unknown;
  /** 1-based line of the value at `path` (of its key, with `key`); the nearest known line else. */
  lineOf(path: SpecPath, key?: boolean): number | undefined;
}

let library: typeof Yaml | undefined;

/** The YAML parser, loaded on first use (only runs with a job file pay for it). */
function yaml(): typeof Yaml {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily, see above
  library ??= require('yaml') as typeof Yaml;
  return library;
}

/** `aggregate.avg.mean`, `key[1]`: a path as messages show it. */
export function pathText(path: SpecPath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/**
 * A YAML (or JSON: JSON is YAML) job file parsed with the line of every node. YAML 1.2's core
 * schema: `yes` and `on` stay strings, `0x10` is 16. A syntax error, or a key given twice in one
 * mapping, is one line naming the file and the line.
 */
export function parseSpecTree(text: string, file: string): SpecTree {
  const { LineCounter, parseDocument } = yaml();
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const lineAt = (offset: number): number => lines.linePos(offset).line;
  const error = doc.errors[0];
  if (error !== undefined) {
    const line = lineAt(error.pos[0]);
    if (error.code === 'DUPLICATE_KEY') {
      const dup = duplicateKey(doc.contents, error.pos[0], []);
      throw jobFileError(file, dup === undefined ? 'a key is given twice' : duplicateText(dup), line);
    }
    throw jobFileError(file, `not valid ${format(file)}: ${error.message.split('\n')[0] ?? ''}`, line);
  }
  if (format(file) === 'JSON') strictJson(text, file, lineAt);
  const root: unknown = doc.contents;
  return {
    value: doc.toJS({ maxAliasCount: 100 }) as unknown,
    lineOf: (path, key = false) => {
      let node: unknown = root;
      let line = yaml().isNode(root) && root.range !== undefined && root.range !== null ? lineAt(root.range[0]) : 1;
      for (let i = 0; i < path.length; i++) {
        const pair = childPair(node, path[i] as string | number);
        if (pair === undefined) return line;
        const keyLine = rangeLine(pair.key, lineAt);
        if (key && i === path.length - 1) return keyLine ?? line;
        line = rangeLine(pair.value, lineAt) ?? keyLine ?? line;
        node = pair.value;
      }
      return line;
    },
  };
}

function format(file: string): 'JSON' | 'YAML' {
  return file.toLowerCase().endsWith('.json') ? 'JSON' : 'YAML';
}

/**
 * A `.json` file must be JSON, not only YAML (which also takes `{a: 1,}`): what YAML's parser
 * missed, JSON.parse finds, with the line when its message gives the position.
 */
function strictJson(text: string, file: string, lineAt: (offset: number) => number): void {
  try {
    JSON.parse(text);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const position = /at position (\d+)/.exec(message)?.[1];
    const what = (message.split('\n')[0] ?? '').replace(/, \.\.\..*$/, '').replace(/ in JSON at position \d+.*$/, '');
    throw jobFileError(file, `not valid JSON: ${what}`, position === undefined ? undefined : lineAt(Number(position)));
  }
}

function rangeLine(node: unknown, lineAt: (offset: number) => number): number | undefined {
  if (!yaml().isNode(node)) return undefined;
  const range = (node as YamlNode).range;
  return range === undefined || range === null ? undefined : lineAt(range[0]);
}

/** The key node and value node at one step of a path. */
function childPair(node: unknown, step: string | number): { key: unknown; value: unknown } | undefined {
  if (yaml().isMap(node)) {
    const pair = node.items.find((p) => yaml().isPair(p) && (yaml().isScalar(p.key) ? p.key.value : p.key) === step);
    return pair === undefined ? undefined : { key: pair.key, value: pair.value };
  }
  if (yaml().isSeq(node) && typeof step === 'number') {
    const item: unknown = node.items[step];
    return item === undefined ? undefined : { key: item, value: item };
  }
  return undefined;
}

interface Duplicate {
  readonly path: SpecPath;
  readonly key: string;
}

/** Which mapping holds the key given twice, whose second occurrence starts at `offset`. */
function duplicateKey(node: unknown, offset: number, path: SpecPath): Duplicate | undefined {
  if (yaml().isMap(node)) {
    for (const pair of node.items) {
      const k: unknown = yaml().isScalar(pair.key) ? pair.key.value : pair.key;
      if (yaml().isNode(pair.key) && pair.key.range?.[0] === offset) return { path, key: String(k) };
      const inner = duplicateKey(pair.value, offset, [...path, String(k)]);
      if (inner !== undefined) return inner;
    }
  } else if (yaml().isSeq(node)) {
    for (let i = 0; i < node.items.length; i++) {
      const inner = duplicateKey(node.items[i], offset, [...path, i]);
      if (inner !== undefined) return inner;
    }
  }
  return undefined;
}

function duplicateText(dup: Duplicate): string {
  const what = pathText(dup.path) === 'table.columns' ? 'column' : 'key';
  return `${dup.path.length === 0 ? '' : `${pathText(dup.path)}: `}${what} ${JSON.stringify(dup.key)} is given twice`;
}
