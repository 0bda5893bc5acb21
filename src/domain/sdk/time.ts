/** Event time from a declared time field of the input (compiler-checked against the event's fields). */
export interface EventTimeField<K extends string> {
  readonly kind: 'event';
  readonly field: K;
}

/** Event time computed from the event (epoch ms). */
export interface EventTimeOf<E> {
  readonly kind: 'event';
  readonly of: (event: E) => number;
}

/** Windows by the time at which the engine processes each record (the clock), not by a time in the event. */
export interface ProcessingTime {
  readonly kind: 'processing';
}

export type TimeSpec<E, K extends string> = EventTimeField<K> | EventTimeOf<E> | ProcessingTime;

/** Event time: the name of a `field.time(…)` field, or a function of the event returning epoch ms. */
export function eventTime<const K extends string>(field: K): EventTimeField<K>;
export function eventTime<E>(of: (event: E) => number): EventTimeOf<E>;
export function eventTime<E>(fieldOrFn: string | ((event: E) => number)): EventTimeField<string> | EventTimeOf<E> {
  return typeof fieldOrFn === 'function' ? { kind: 'event', of: fieldOrFn } : { kind: 'event', field: fieldOrFn };
}

export function processingTime(): ProcessingTime {
  return { kind: 'processing' };
}
