/** A file of the job that does not parse: which file, which line (1-based) and why. */
export class SyntaxProblem extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'SyntaxProblem';
  }
}

/**
 * A SyntaxError that V8 raised while compiling `file` (CommonJS or ESM), as a SyntaxProblem with
 * its line: V8 puts `<file or file URL>:<line>` on the first line of such an error's stack.
 */
export function syntaxProblemOf(thrown: unknown, file: string, fileUrl: string): SyntaxProblem | undefined {
  if (!isSyntaxError(thrown)) return undefined;
  const first = (thrown.stack ?? '').split('\n', 1)[0] ?? '';
  const at = /^(.*):(\d+)$/.exec(first);
  if (at === null || (at[1] !== file && at[1] !== fileUrl)) return undefined;
  return new SyntaxProblem(file, Number(at[2]), thrown.message);
}

/** By name: an error of another realm (a vm context, a test sandbox) is not `instanceof SyntaxError`. */
export function isSyntaxError(thrown: unknown): thrown is Error {
  if (typeof thrown !== 'object' || thrown === null) return false;
  const { name, message } = thrown as { name?: unknown; message?: unknown };
  return name === 'SyntaxError' && typeof message === 'string';
}
