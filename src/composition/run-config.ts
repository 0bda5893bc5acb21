import type { ServiceIdentifier } from 'inversify';
import type { PipelineSettings } from '../domain/pipeline/stream-pipeline';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** Settings shared by every mode, resolved from flags > HEXSTREAM_* environment > job defaults. */
export interface EngineConfig extends Omit<PipelineSettings, 'onStop'> {
  readonly email: string;
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
