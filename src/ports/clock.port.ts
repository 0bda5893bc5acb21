import type { ServiceIdentifier } from 'inversify';

/** Processing time. Tests substitute a manual clock to drive triggers, idle timeouts and backoff. */
export interface ClockPort {
  /** Milliseconds since the epoch, non-decreasing. */
  now(): number;
  /** Resolves once `ms` of processing time have passed (a manual clock just moves on by `ms`). */
  sleep(ms: number): Promise<void>;
  /**
   * Optional: calls `tick` every `ms` of processing time until the returned function is called,
   * without keeping the process alive. Lets the pipeline log progress while a service does not
   * answer; a clock without it gets progress lines only between such waits.
   */
  every?(ms: number, tick: () => void): () => void;
}

export const ClockPort: ServiceIdentifier<ClockPort> = Symbol.for('hexstream.ClockPort');
