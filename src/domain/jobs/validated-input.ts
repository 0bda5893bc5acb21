import { decoder, reject, type Input } from '../sdk';
import type { Decoded, DecodedMany } from './job';

/**
 * A job input read by a validation function of `validation.ts`'s style (one event or several, or
 * the detail of why the record is refused), as the SDK's custom `decoder`: the built-in jobs keep
 * their own validation messages, word for word.
 */
export function validatedBy<E extends object>(
  decode: (text: string, arrivalMs?: number) => Decoded<E> | DecodedMany<E>,
): Input<E> {
  return decoder<E>((text, arrivalMs) => {
    const d = decode(text, arrivalMs);
    if (!d.ok) return reject(d.detail);
    return 'event' in d ? d.event : d.events;
  });
}
