import { anotherJobActive, errorMessage, errorName, isThrottle, throttled, uploadNotVisible } from './errors';

/**
 * Cognito allows one active import job per account. Real Cognito and the local cloud say so with
 * LimitExceededException or InvalidParameterException and a message about another job running.
 */
export function isAnotherJobActive(err: unknown): boolean {
  const name = errorName(err);
  if (!/LimitExceeded|InvalidParameter/.test(name)) return false;
  return /another (user )?import job|already (running|in progress|active)|job (is )?(already )?in progress|active import job/i
    .test(errorMessage(err));
}

/** Maps the Cognito errors the workflow retries to StepErrors; anything else is rethrown as is. */
export function mapCognitoError(err: unknown, operation: string): Error {
  if (isThrottle(err)) return throttled(`${operation}: Cognito throttled the request`, err);
  if (isAnotherJobActive(err)) return anotherJobActive(`${operation}: another import job is active in the account`, err);
  if (errorName(err) === 'PreconditionNotMetException') return uploadNotVisible(`${operation}: ${errorMessage(err)}`, err);
  return err instanceof Error ? err : new Error(String(err), { cause: err });
}
