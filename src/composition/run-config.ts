import type { ServiceIdentifier } from 'inversify';
import type { OutputMode } from '../domain/engine/output-mode';
import type { AnyJob } from '../domain/jobs/job';
import type { WindowSpec } from '../domain/windowing/window-spec';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** Settings shared by every mode, resolved from flags > HEXSTREAM_* environment > job defaults. */
export interface EngineConfig {
  readonly email: string;
  readonly job: AnyJob;
  readonly window: WindowSpec;
  readonly watermarkMs: number;
  readonly outputMode: OutputMode;
  readonly idleTimeoutMs: number;
  readonly triggerIntervalMs: number;
  readonly triggerRecords: number;
  readonly progressIntervalMs: number;
  readonly logLevel: LogLevel;
}

/** `test` mode: files in, files out, no services. */
export interface TestRunConfig extends EngineConfig {
  readonly mode: 'test';
  readonly input: string;
  readonly output: string;
  readonly deadLetter: string;
  readonly outbox: string;
  readonly maxRecordBytes: number;
}

export type RunConfig = TestRunConfig;

export const RunConfig: ServiceIdentifier<RunConfig> = Symbol.for('hexstream.RunConfig');
