import { anotherJobActive, errorMessage, errorName, isThrottle, throttled, uploadNotVisible } from '../runtime/errors';

/**
 * Cognito allows one active import job per account, and documents no error for a Start while another job
 * runs: real reports and the botocore model allow InvalidParameterException, LimitExceededException or
 * PreconditionNotMetException. Any of them, with a message about another / an active / a running job,
 * means "wait and try again".
 */
const ANOTHER_JOB = /another (user )?import job|(job|import)s? (is |are )?(already )?(in progress|running|active)|already (running|in progress|active)|active import job|only one (user )?import job/i;
/** PreconditionNotMet about the CSV itself: the upload is not visible to Cognito yet. */
const MISSING_UPLOAD = /upload|csv|file|pre-?signed|s3/i;

export function isAnotherJobActive(err: unknown): boolean {
  const name = errorName(err);
  if (!/LimitExceeded|InvalidParameter|PreconditionNotMet/.test(name)) return false;
  return ANOTHER_JOB.test(errorMessage(err));
}

/** A PreconditionNotMet that says nothing about either cause (the caller looks for evidence). */
export function isUnexplainedPrecondition(err: unknown): boolean {
  return errorName(err) === 'PreconditionNotMetException' && !isAnotherJobActive(err) && !MISSING_UPLOAD.test(errorMessage(err));
}

/** Cognito's short answer, quoted in a step error so a final failure names what Cognito said last. */
export function cognitoSaid(err: unknown): string {
  return `${errorName(err)}: ${errorMessage(err).split('\n')[0].slice(0, 200)}`;
}

/** Jobs are never deleted: every part and every expired-URL retry uses one of the pool's 1,000. */
export const IMPORT_JOBS_QUOTA = 1000;

/** Maps the Cognito errors the workflow retries to StepErrors, and the ones a user must act on to clear errors. */
export function mapCognitoError(err: unknown, operation: string, hashes = false): Error {
  if (isThrottle(err)) return throttled(`${operation}: Cognito throttled the request`, err);
  if (isAnotherJobActive(err)) return anotherJobActive(`${operation}: another import job is active in the account (Cognito said ${cognitoSaid(err)})`, err);
  const name = errorName(err);
  if (name === 'PreconditionNotMetException') return uploadNotVisible(`${operation}: ${errorMessage(err)}`, err);
  if (name === 'LimitExceededException' && operation === 'CreateUserImportJob') {
    return named('ImportJobQuotaError', `${operation}: the user pool has reached Cognito's quota of ${IMPORT_JOBS_QUOTA} import jobs `
      + `(jobs are never deleted; every part uses one). Ask for a higher quota through Service Quotas or AWS Support, or import into a new pool (see docs/import-jobs.md, Limits). `
      + `Cognito said ${cognitoSaid(err)}`, err);
  }
  if (name === 'OperationNotEnabledException') {
    return named('OperationNotEnabledError', `${operation}: Cognito refused the operation for this user pool (${cognitoSaid(err)}). `
      + (hashes
        ? 'This pool cannot import password hashes (the guide: it needs "the modern Amazon Cognito infrastructure"; eligible pools show the option in the console). '
          + 'Remove passwordHashingAlgorithm from the importer to import these users without passwords (they must reset them), or import into an eligible pool. '
          + 'See docs/csv-and-report.md#password-hashes.'
        : 'Import operations are not enabled here (for example in a replica Region): import in the pool\'s primary Region.'), err);
  }
  return err instanceof Error ? err : new Error(String(err), { cause: err });
}

function named(name: string, message: string, cause: unknown): Error {
  const e = new Error(message, { cause });
  e.name = name;
  return e;
}
