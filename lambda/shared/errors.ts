/**
 * Error names (Lambda `errorType`) the worker throws on purpose, matched by the workflow's
 * Retry/Catch. Anything else is unexpected and ends in a failure report.
 */
export const StepErrors = {
  /** Start: the upload is not visible yet (Cognito PreconditionNotMetException). Short retry. */
  UploadNotVisible: 'UploadNotVisibleError',
  /** Start: another import job is active in the account. Long retry with backoff + jitter. */
  AnotherJobActive: 'AnotherJobActiveError',
  /** Any step: Cognito/S3 throttled us. Long retry with backoff + jitter. */
  Throttled: 'ThrottledError',
  /** Start/Describe: the job expired or its URL did: make a new job for the part. */
  JobExpired: 'JobExpiredError',
  /** CreateAndUpload: the PUT to the pre-signed URL failed after its own retries. */
  UploadFailed: 'UploadFailedError',
} as const;

/** Error names the queue steps throw on purpose (the workflow's Catch sends them to the failure report). */
export const QueueErrors = {
  WaitExceeded: 'QueueWaitExceededError',
  CoalescedJobFailed: 'CoalescedJobFailedError',
  TicketLost: 'QueueTicketLostError',
} as const;
