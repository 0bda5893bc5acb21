const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The numbers of one source-map segment (base64 VLQ). */
function segmentValues(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const ch of segment) {
    const digit = BASE64.indexOf(ch);
    value += (digit & 31) * 2 ** shift;
    if ((digit & 32) !== 0) {
      shift += 5;
      continue;
    }
    values.push(value % 2 === 1 ? -Math.floor(value / 2) : Math.floor(value / 2));
    value = 0;
    shift = 0;
  }
  return values;
}

/** A place in a file: 1-based line and column, as stack traces give them. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/**
 * Where a place in transpiled code comes from in its one source, by the source map's `mappings`:
 * the last segment of that line at or before the column; undefined when the line maps to none.
 */
export function sourcePosition(mappings: string, generated: Position): Position | undefined {
  const lines = mappings.split(';');
  let line = 0;
  let column = 0;
  let found: Position | undefined;
  for (let l = 0; l < Math.min(lines.length, generated.line); l++) {
    let generatedColumn = 0;
    for (const segment of (lines[l] ?? '').split(',')) {
      const [columnDelta, , lineDelta, sourceColumnDelta] = segmentValues(segment);
      if (columnDelta === undefined || lineDelta === undefined || sourceColumnDelta === undefined) continue;
      generatedColumn += columnDelta;
      line += lineDelta;
      column += sourceColumnDelta;
      if (l === generated.line - 1 && (found === undefined || generatedColumn <= generated.column - 1))
        found = { line: line + 1, column: column + 1 };
    }
  }
  return found;
}

/** `(file:line:column)` or `at file:line:column` in a stack frame. */
const FRAME = /([^\s()]+):(\d+):(\d+)\)?$/;

/** A stack whose places in the given files are mapped by `map` (to the TypeScript as written). */
export function mappedStack(stack: string, map: (file: string, at: Position) => Position | undefined): string {
  return stack
    .split('\n')
    .map((frame) => {
      const at = FRAME.exec(frame);
      if (at === null) return frame;
      const [whole, file = '', line, column] = at;
      const to = map(file, { line: Number(line), column: Number(column) });
      return to === undefined
        ? frame
        : `${frame.slice(0, at.index)}${file}:${to.line}:${to.column}${whole.endsWith(')') ? ')' : ''}`;
    })
    .join('\n');
}

/**
 * The line of `file` that a stack passes first (an error thrown in a helper, or in hexstream's
 * `defineJob`, is located at the line of the job file that called it).
 */
export function stackLine(stack: string, file: string, fileUrl: string): number | undefined {
  for (const frame of stack.split('\n')) {
    const at = FRAME.exec(frame.trim());
    if (at !== null && (at[1] === file || at[1] === fileUrl)) return Number(at[2]);
  }
  return undefined;
}
