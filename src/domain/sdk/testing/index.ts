export {
  testJob,
  type JobRun,
  type TestJobOptions,
  type TestRecord,
  type TestRow,
  type TestDeadLetter,
  type TriggerResult,
} from './test-job';
