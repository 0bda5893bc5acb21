import type { Input } from '../sdk';
import type { Decoded, DecodedMany } from './job';

/**
 * A job input read by a validation function in `validation.ts`'s style (the event, or the detail of
 * why the record is refused), as the SDK's custom input: the built-in jobs keep their own
 * validation messages, word for word. The function's result goes to the engine as it is (no
 * wrapping per record), so a job whose records hold one event each stays on the engine's path for
 * single events.
 */
export function validatedBy<E extends object>(decode: (text: string, arrivalMs?: number) => Decoded<E>): Input<E> {
  return { format: 'custom', fields: undefined, many: false, decode };
}

/** The same for records that may hold several events (`decodeMany`). */
export function validatedManyBy<E extends object>(
  decodeMany: (text: string, arrivalMs?: number) => DecodedMany<E>,
): Input<E> {
  return { format: 'custom', fields: undefined, many: true, decode: decodeMany };
}
