/**
 * Running totals of one engine; every record read lands in exactly one of the outcome counters.
 * A record re-read to rebuild state after a restart, an outage or a rebalance (its outcome was
 * counted and committed by the run that read it first) is counted in `replayed` only.
 */
export interface EngineCounters {
  /** Records read for the first time (their outcome is counted below). */
  read: number;
  blank: number;
  accepted: number;
  invalid: number;
  late: number;
  duplicate: number;
  /** Records on which the job's own code threw (decoding, keys, aggregation). */
  error: number;
  /** (record, window) pairs dropped because that window had closed, for records accepted elsewhere. */
  lateWindowDrops: number;
  /** Row writes sent to the sink (a row of update or complete mode is written at many triggers). */
  rowsEmitted: number;
  /** Rows written with their final value: those of windows that closed (complete mode: see the report). */
  finalRows: number;
  /** Records re-read to rebuild open windows from a commit (in no other counter: no dead letter is sent again). */
  replayed: number;
  /** Records a source delivered again at a position already processed in this run: skipped. */
  redelivered: number;
  triggers: number;
  /** Rows currently held in open windows. */
  stateRows: number;
}

export interface StateSize {
  readonly openWindows: number;
  readonly rows: number;
  readonly rememberedIds: number;
}

/** Each figure's larger value: the peak of several readings (not one reading, the figures may peak apart). */
export function maxStateSize(a: StateSize, b: StateSize): StateSize {
  return {
    openWindows: Math.max(a.openWindows, b.openWindows),
    rows: Math.max(a.rows, b.rows),
    rememberedIds: Math.max(a.rememberedIds, b.rememberedIds),
  };
}

export const NO_STATE: StateSize = { openWindows: 0, rows: 0, rememberedIds: 0 };

export function emptyCounters(): EngineCounters {
  return {
    read: 0,
    blank: 0,
    accepted: 0,
    invalid: 0,
    late: 0,
    duplicate: 0,
    error: 0,
    lateWindowDrops: 0,
    rowsEmitted: 0,
    finalRows: 0,
    replayed: 0,
    redelivered: 0,
    triggers: 0,
    stateRows: 0,
  };
}

/** Records made dead letters, whatever the reason. */
export function deadLetterCount(c: EngineCounters): number {
  return c.invalid + c.late + c.duplicate + c.error;
}
