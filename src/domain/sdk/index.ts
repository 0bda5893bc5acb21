export { defineJob, type CompiledJob } from './define-job';
export { json, csv, decoder, reject, type Input, type Rejection } from './input';
export { field, type Field, type Fields, type EventOf, type FieldRejection, type TimeFormat } from './fields';
export { eventTime, processingTime, type TimeSpec } from './time';
export { tumbling, sliding, session, globalWindow, type JobWindow } from './windows';
export {
  text,
  longText,
  integer,
  decimal,
  double,
  instant,
  writtenAt,
  type Column,
  type Columns,
  type RowOf,
} from './columns';
export type { Aggregate, Aggregates, OutputsOf, Ranked, FieldsOf, ValueOf } from './aggregates';
export type { JobSpec, RowContext, TableSpec } from './job-spec';
export { jsonField, type IoSpec } from './io';
export type { Duration } from './duration';
export type { CombineFn } from '../aggregation/combiners';
export type { ColumnValue, DeadLetterReason, ResultRow } from '../records';
export type { JobDefinition, JobIo, WindowBounds } from '../jobs/job';
export type { GeneratorOptions, RecordGenerator } from '../jobs/generator-catalog';
