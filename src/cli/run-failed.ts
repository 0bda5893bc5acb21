import { HexstreamError } from '../domain/hexstream-error';

/**
 * A run that failed, with what became of the alert about it: the CLI prints the run's error, never
 * the alert's, and mentions an alert that could not be sent on the same line.
 */
export class RunFailed extends Error {
  constructor(
    readonly error: unknown,
    /** Why the alert e-mail was not sent, when it was not. */
    readonly alertFailure: string | undefined,
  ) {
    super(error instanceof Error ? error.message : String(error), { cause: error });
    this.name = 'RunFailed';
  }
}

/** The error a command failed with, unwrapped from {@link RunFailed}. */
export function failureOf(thrown: unknown): unknown {
  return thrown instanceof RunFailed ? thrown.error : thrown;
}

/**
 * The one line that says why a command failed: `CODE: message`, on one line whatever the driver's
 * message held, then whether the alert about it could not be sent.
 */
export function failureLine(thrown: unknown): string {
  const e = failureOf(thrown);
  const code = e instanceof HexstreamError ? `${e.code}: ` : '';
  const alert =
    thrown instanceof RunFailed && thrown.alertFailure !== undefined
      ? ` (the alert e-mail was not sent either: ${thrown.alertFailure})`
      : '';
  return oneLine(`${code}${e instanceof Error ? e.message : String(e)}${alert}`);
}

/** Driver messages may span lines (kafkajs, pg); an error line is one. */
export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}
