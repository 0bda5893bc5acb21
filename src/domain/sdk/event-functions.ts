import type { Decoded, DecodedMany, TimeDomain } from '../jobs/job';
import type { Input } from './input';
import type { TimeSpec } from './time';

/** The engine's `decode` (and `decodeMany` for inputs that may hold several events per record). */
export function compileDecoders<E>(input: Input<E>): {
  decode(text: string, arrivalMs?: number): Decoded<E>;
  decodeMany?(text: string, arrivalMs?: number): DecodedMany<E>;
} {
  if (!input.many) return { decode: (text, arrivalMs) => input.decode(text, arrivalMs) as Decoded<E> };
  const decodeMany = (text: string, arrivalMs?: number): DecodedMany<E> =>
    input.decode(text, arrivalMs) as DecodedMany<E>;
  return {
    decodeMany,
    decode: (text, arrivalMs) => {
      const d = decodeMany(text, arrivalMs);
      if (!d.ok) return d;
      const [event] = d.events;
      return d.events.length === 1 && event !== undefined
        ? { ok: true, event }
        : { ok: false, detail: `record holds ${d.events.length} events, not one` };
    },
  };
}

/**
 * The event time of each event. Under processing time the engine windows records by its clock; the
 * event time is then 0 for all, so first/last keep arrival order.
 */
export function compileTime<E>(time: TimeSpec<E, string> | ((event: E) => number)): {
  domain: TimeDomain;
  eventTimeMs: (event: E) => number;
} {
  if (typeof time === 'function') return { domain: 'event', eventTimeMs: time };
  if (time.kind === 'processing') return { domain: 'processing', eventTimeMs: () => 0 };
  if ('of' in time) return { domain: 'event', eventTimeMs: time.of };
  const field = time.field;
  return { domain: 'event', eventTimeMs: (e) => (e as Record<string, number>)[field] as number };
}

/** Group key (the key fields' values joined by '|') and the key fields kept with a row. */
export function compileKey<E, K extends keyof E & string>(
  key: readonly K[],
): { readonly groupKey: (event: E) => string; readonly groupFields: (event: E) => Pick<E, K> } {
  const fields = [...key];
  const groupFields = (e: E): Pick<E, K> => {
    const g = {} as Pick<E, K>;
    for (const f of fields) g[f] = e[f];
    return g;
  };
  const [only] = fields;
  if (fields.length === 0) return { groupKey: () => '', groupFields };
  if (fields.length === 1 && only !== undefined) return { groupKey: (e) => String(e[only]), groupFields };
  // Called once per event: concatenation allocates no array.
  const [head, ...rest] = fields as [K, ...K[]];
  const groupKey = (e: E): string => {
    let k = String(e[head]);
    for (const f of rest) k += `|${String(e[f])}`;
    return k;
  };
  return { groupKey, groupFields };
}
