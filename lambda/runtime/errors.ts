import { StepErrors } from '../shared/errors';

/**
 * Errors the workflow's Retry/Catch match on. Lambda reports `error.name` as errorType, so the
 * name must be exactly the contract's StepErrors value. `cause` keeps the error this one stands
 * for (e.g. the SDK's), for logs and debuggers.
 */
export class StepError extends Error {
  constructor(name: (typeof StepErrors)[keyof typeof StepErrors], message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = name;
  }
}

export const uploadNotVisible = (m: string, cause?: unknown) => new StepError(StepErrors.UploadNotVisible, m, cause);
export const anotherJobActive = (m: string, cause?: unknown) => new StepError(StepErrors.AnotherJobActive, m, cause);
export const throttled = (m: string, cause?: unknown) => new StepError(StepErrors.Throttled, m, cause);
export const jobExpired = (m: string, cause?: unknown) => new StepError(StepErrors.JobExpired, m, cause);
export const uploadFailed = (m: string, cause?: unknown) => new StepError(StepErrors.UploadFailed, m, cause);

/** Name of an SDK (or any) error, whichever field carries it. */
export function errorName(err: unknown): string {
  const e = err as { name?: string; Code?: string; code?: string; __type?: string };
  return String(e?.name ?? e?.Code ?? e?.code ?? e?.__type ?? 'Error');
}

export function errorMessage(err: unknown): string {
  return String((err as { message?: string })?.message ?? err);
}

/** SDK throttling names across services (Cognito, S3, Logs, EventBridge). */
export function isThrottle(err: unknown): boolean {
  const n = errorName(err);
  return /TooManyRequests|Throttl|SlowDown|RequestLimitExceeded/.test(n);
}
