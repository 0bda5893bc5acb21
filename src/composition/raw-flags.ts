import type { LoadedJob } from '../ports/job-loader.port';

/** Flags as parsed (strings as typed; absent when neither flag nor HEXSTREAM_* variable is set). */
export interface RawFlags {
  readonly email?: string;
  readonly job?: string;
  /** Not a flag: the job `job` names as a file, once loaded (see `loadJobFiles`). */
  readonly jobFile?: LoadedJob;
  readonly window?: string;
  readonly slide?: string;
  readonly sessionGap?: string;
  readonly watermark?: string;
  readonly idleTimeout?: string;
  readonly outputMode?: string;
  readonly triggerInterval?: string;
  readonly triggerRecords?: string | number;
  readonly maxDrift?: string;
  readonly progressInterval?: string;
  readonly logLevel?: string;
  readonly logFormat?: string;
  readonly verbose?: boolean;
  readonly input?: string;
  readonly output?: string;
  readonly deadLetter?: string;
  readonly outbox?: string;
  readonly maxRecordBytes?: string | number;
  readonly arrivalTime?: string | number;
  readonly brokers?: string;
  readonly topic?: string;
  readonly group?: string;
  readonly mysql?: string;
  readonly postgres?: string;
  readonly smtp?: string;
  readonly deadLetterTopic?: string;
  readonly bounded?: boolean;
  readonly atEnd?: string;
  readonly maxOutage?: string;
  readonly toKafka?: boolean;
  readonly outputTopic?: string;
  readonly checkpointTopic?: string;
  readonly instanceId?: string;
  readonly kafkaClient?: string;
  readonly failpoints?: string;
  /** `--threads`: stream threads of a prod run, a number or `auto`. */
  readonly threads?: string | number;
  /** `--http`: the endpoint's address, `off`, or empty (the flag alone: the default address). */
  readonly http?: string;
  readonly httpToken?: string;
  /** `--http-linger`: how long the endpoint stays up after the run ends (a duration). */
  readonly httpLinger?: string;
}
