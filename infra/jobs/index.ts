export { JobError, JobAbandonedError } from './errors';
export { JobKit, type JobKitOptions, type JobWorkerOptions } from './JobKit';
export { JobQueue, backoff, type ConsumeJobsOptions } from './JobQueue';
export type { Progress } from './Progress';
export { Recovery, type RecoveryOptions, type RecoveryResult } from './Recovery';
export { defineJobKind, type JobKind, type JobMessage, type JobNotice, type JobNotification, type JobOutcomeOf, type JobResult, type JobRow, type JobStatus } from './types';
