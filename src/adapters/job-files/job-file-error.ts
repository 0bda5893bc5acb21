import { HexstreamError } from '../../domain/hexstream-error';

/**
 * What is wrong with a job file, as one line that starts with the file as the user gave it and,
 * when known, the line: `jobs/wages.yaml:12: aggregate.avg.mean: unknown field "x"`. A
 * configuration error: the CLI prints it and exits 2.
 */
export function jobFileError(file: string, message: string, line?: number, cause?: unknown): HexstreamError {
  const where = line === undefined ? file : `${file}:${line}`;
  const text = `${where}: ${message}`.replace(/\s*\n\s*/g, ' ');
  return new HexstreamError('CONFIG_INVALID', text, cause === undefined ? undefined : { cause });
}

/** The message of anything thrown, without the stack. */
export function thrownMessage(thrown: unknown): string {
  if (thrown instanceof Error) return thrown.message === '' ? thrown.name : thrown.message;
  return String(thrown);
}
