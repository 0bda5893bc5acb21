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

/**
 * The 1-based source line that a 1-based line of transpiled code comes from, by the source map's
 * `mappings` (one source: its first segment on that line); undefined when the line maps to none.
 */
export function sourceLine(mappings: string, generatedLine: number): number | undefined {
  const lines = mappings.split(';');
  let line = 0;
  for (let l = 0; l < Math.min(lines.length, generatedLine); l++) {
    for (const segment of (lines[l] ?? '').split(',')) {
      const values = segmentValues(segment);
      const delta = values[2];
      if (delta === undefined) continue;
      line += delta;
      if (l === generatedLine - 1) return line + 1;
    }
  }
  return undefined;
}

/**
 * The line of `file` that the stack of a thrown error passes first (an error thrown in a helper,
 * or in hexstream's `defineJob`, is located at the line of the job file that called it).
 */
export function stackLine(thrown: unknown, file: string, fileUrl: string): number | undefined {
  const stack = typeof thrown === 'object' && thrown !== null ? (thrown as { stack?: unknown }).stack : undefined;
  if (typeof stack !== 'string') return undefined;
  for (const frame of stack.split('\n')) {
    const at = /\(?([^\s()]+):(\d+):\d+\)?$/.exec(frame.trim());
    if (at !== null && (at[1] === file || at[1] === fileUrl)) return Number(at[2]);
  }
  return undefined;
}
