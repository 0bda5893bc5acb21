import type { ServiceIdentifier } from 'inversify';

export interface MemoryUsage {
  /** Resident set size of the process now, in MB (2^20 bytes). */
  readonly rssMb: number;
  /** Bytes of the JavaScript heap in use now (live objects and garbage not yet collected), in MB. */
  readonly heapUsedMb: number;
}

/**
 * How much memory the process holds, for progress lines and the run report, so an operator sees
 * memory next to the state that should bound it. Readings are cheap and never throw.
 */
export interface MemoryUsagePort {
  now(): MemoryUsage;
  /** The highest resident set size the process has had so far, in MB. */
  peakRssMb(): number;
}

export const MemoryUsagePort: ServiceIdentifier<MemoryUsagePort> = Symbol.for('hexstream.MemoryUsagePort');
