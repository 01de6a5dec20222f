/** Statuses of a Cognito user import job (UserImportJobType.Status), grouped by what the engine does with them. */

/** A job in one of these occupies the account's import slot: no other job may start. */
export const ACTIVE_JOB_STATUSES: ReadonlySet<string> = new Set(['Pending', 'InProgress', 'Stopping']);
/** A job in one of these can be stopped (StopUserImportJob). */
export const STOPPABLE_JOB_STATUSES: ReadonlySet<string> = new Set(['Pending', 'InProgress']);
/** A job in one of these is over: its results are final. */
export const TERMINAL_JOB_STATUSES: ReadonlySet<string> = new Set(['Succeeded', 'Failed', 'Stopped', 'Expired']);
/**
 * Cognito's completion message of a job it failed because too many of its users failed or were skipped
 * (the threshold is not documented: docs/import-jobs.md#what-aws-does-not-document).
 */
export const TOO_MANY_FAILED_OR_SKIPPED = 'Too many users have failed or been skipped during the import.';
