import type { ServiceIdentifier } from 'inversify';

/** Processing time. Tests substitute a manual clock to drive triggers, idle timeouts and backoff. */
export interface ClockPort {
  /** Milliseconds since the epoch, non-decreasing. */
  now(): number;
  /** Resolves once `ms` of processing time have passed (a manual clock just moves on by `ms`). */
  sleep(ms: number): Promise<void>;
}

export const ClockPort: ServiceIdentifier<ClockPort> = Symbol.for('hexstream.ClockPort');
