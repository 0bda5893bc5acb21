import type { ServiceIdentifier } from 'inversify';

/** Processing time. Tests substitute a manual clock to drive triggers and idle timeouts. */
export interface ClockPort {
  /** Milliseconds since the epoch, non-decreasing. */
  now(): number;
}

export const ClockPort: ServiceIdentifier<ClockPort> = Symbol.for('hexstream.ClockPort');
