/**
 * The hexstream library: define a job with `defineJob` and test it in memory with `testJob`
 * (see docs/job-sdk.md).
 */
export * from './domain/sdk';
export * from './domain/sdk/testing';
