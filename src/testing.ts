/**
 * `hexstream/testing`: the in-memory test harness for users' jobs (also exported from 'hexstream'),
 * for a test file that wants the harness alone.
 */
export * from './domain/sdk/testing';
