import { StepErrors } from '../shared/contract';

/**
 * Errors the workflow's Retry/Catch match on. Lambda reports `error.name` as errorType, so the
 * name must be exactly the contract's StepErrors value.
 */
export class StepError extends Error {
  constructor(name: (typeof StepErrors)[keyof typeof StepErrors], message: string) {
    super(message);
    this.name = name;
  }
}

export const uploadNotVisible = (m: string) => new StepError(StepErrors.UploadNotVisible, m);
export const anotherJobActive = (m: string) => new StepError(StepErrors.AnotherJobActive, m);
export const throttled = (m: string) => new StepError(StepErrors.Throttled, m);
export const jobExpired = (m: string) => new StepError(StepErrors.JobExpired, m);
export const uploadFailed = (m: string) => new StepError(StepErrors.UploadFailed, m);

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
