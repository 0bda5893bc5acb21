/**
 * A type-only key: a compiled job carries the type of its rows under it (never a value), so that
 * `testJob` gives rows typed by the job's columns.
 */
export declare const ROW_TYPE: unique symbol;

/** Something (a compiled job) whose rows are of type R. */
export interface WithRowType<R> {
  readonly [ROW_TYPE]?: R;
}
