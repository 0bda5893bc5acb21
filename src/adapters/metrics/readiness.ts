import type { RunReading } from '../../ports/run-telemetry.port';

/**
 * Why a running job is not ready, or undefined when it is: ready means partitions assigned, state
 * not being rebuilt, no outage, and the last commit attempt (if any) succeeded.
 */
export function notReadyBecause(reading: RunReading): string | undefined {
  if (reading.outage !== undefined) return `${reading.outage.side} unreachable: ${reading.outage.what}`;
  if (reading.rebuilding !== undefined) return `rebuilding state: ${reading.rebuilding}`;
  if (reading.lastCommit !== undefined && !reading.lastCommit.ok)
    return `last commit failed: ${reading.lastCommit.error ?? 'unknown error'}`;
  if (reading.assigned.length === 0) return 'no partition assigned yet';
  return undefined;
}
