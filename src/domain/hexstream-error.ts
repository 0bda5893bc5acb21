/** Error codes, namespaced by the layer that raises them. */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'SOURCE_READ_FAILED'
  | 'SOURCE_UNAVAILABLE'
  | 'SINK_WRITE_FAILED'
  | 'SINK_UNAVAILABLE'
  | 'NOTIFY_FAILED'
  | 'JOB_UNKNOWN'
  /** The job's own code failed where no record can take the blame (building a row). */
  | 'JOB_FAILED'
  | 'INTERNAL'
  /** The job's result table exists with columns or a primary key the job cannot write as its own. */
  | 'TABLE_SCHEMA_MISMATCH'
  /** Another instance committed a newer position for a partition this instance writes. */
  | 'SINK_FENCED'
  /** The HTTP endpoint's address is taken (given explicitly) or no port of the default range is free. */
  | 'HTTP_PORT_BUSY';

/**
 * The one error type of the project. Adapters translate driver errors into it at the boundary and
 * keep the original in `cause`. Expected bad records are never errors: they are dead letters.
 */
export class HexstreamError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HexstreamError';
    this.code = code;
  }
}
