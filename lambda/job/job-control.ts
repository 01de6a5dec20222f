import {
  DescribeUserImportJobCommand, ListUserImportJobsCommand, StartUserImportJobCommand, UserImportJobType,
} from '@aws-sdk/client-cognito-identity-provider';
import type { EngineConfig, EngineDeps } from '../runtime/deps';
import { anotherJobActive, errorName, jobExpired, uploadNotVisible } from '../runtime/errors';
import { DEFAULT_MAX_POLL_INTERVAL_SECONDS } from '../shared/defaults';
import { ACTIVE_JOB_STATUSES, TERMINAL_JOB_STATUSES } from '../shared/job-status';
import type { DescribeOutput, JobRef } from '../shared/steps';
import { cognitoSaid, isUnexplainedPrecondition, mapCognitoError } from './cognito-errors';

/** Seconds before the first describe of a started job. */
export const FIRST_POLL_SECONDS = 5;

/**
 * Seconds to wait before the next describe after `polls` describes: fast at first (small files
 * finish in seconds), doubling to the cap so a long job costs few state transitions.
 */
export function pollWaitSeconds(polls: number, maxSeconds = DEFAULT_MAX_POLL_INTERVAL_SECONDS): number {
  const cap = Math.max(1, Math.floor(maxSeconds));
  return Math.min(cap, FIRST_POLL_SECONDS * 2 ** Math.min(polls, 30));
}

export function toDescribeOutput(job: UserImportJobType, fallback: { jobId: string; jobName: string }, polls: number, maxSeconds: number): DescribeOutput {
  const status = job.Status ?? 'Unknown';
  const out: DescribeOutput = {
    jobId: job.JobId ?? fallback.jobId,
    jobName: job.JobName ?? fallback.jobName,
    status,
    terminal: TERMINAL_JOB_STATUSES.has(status),
    polls,
    waitSeconds: pollWaitSeconds(polls, maxSeconds),
    importedUsers: job.ImportedUsers ?? 0,
    skippedUsers: job.SkippedUsers ?? 0,
    failedUsers: job.FailedUsers ?? 0,
  };
  return job.CompletionMessage ? { ...out, completionMessage: job.CompletionMessage } : out;
}

/** The job as Cognito describes it now (`{ JobId }` alone when Cognito returns nothing). */
export async function describeJob(deps: EngineDeps, config: EngineConfig, jobId: string): Promise<UserImportJobType> {
  try {
    const out = await deps.cognito.send(new DescribeUserImportJobCommand({ UserPoolId: config.userPoolId, JobId: jobId }));
    return out.UserImportJob ?? { JobId: jobId };
  } catch (err) {
    throw mapCognitoError(err, 'DescribeUserImportJob');
  }
}

/**
 * Starts the job (the queue's `startInQueue` step). A retried start (its first call may have
 * succeeded before a timeout) finds the job already past Created and carries on instead of failing.
 */
export async function start(deps: EngineDeps, config: EngineConfig, job: JobRef): Promise<DescribeOutput> {
  try {
    const out = await deps.cognito.send(new StartUserImportJobCommand({ UserPoolId: config.userPoolId, JobId: job.jobId }));
    const started = out.UserImportJob ?? { JobId: job.jobId, Status: 'Pending' };
    if (started.Status === 'Expired') throw jobExpired(`job ${job.jobId} expired before it started`);
    deps.log.info('import job started', { jobId: job.jobId, status: started.Status });
    return toDescribeOutput(started, job, 0, config.maxPollIntervalSeconds);
  } catch (err) {
    if ((err as Error).name === 'JobExpiredError') throw err;
    const mapped = mapCognitoError(err, 'StartUserImportJob');
    // Not startable: find out whether it is already running (a retried start) or expired.
    if (mapped.name === 'UploadNotVisibleError' || errorName(err) === 'InvalidParameterException') {
      const current = await describeJob(deps, config, job.jobId);
      if (current.Status === 'Expired') throw jobExpired(`job ${job.jobId} expired`);
      if (current.Status && current.Status !== 'Created') {
        deps.log.info('import job was already started', { jobId: job.jobId, status: current.Status });
        return toDescribeOutput(current, job, 0, config.maxPollIntervalSeconds);
      }
      // A PreconditionNotMet that names neither cause: another active job in the pool is evidence enough.
      if (isUnexplainedPrecondition(err) && await otherJobActive(deps, config, job.jobId)) {
        throw anotherJobActive(`StartUserImportJob: another import job is active (Cognito said ${cognitoSaid(err)})`, err);
      }
      if (mapped.name === 'UploadNotVisibleError') throw uploadNotVisible(`job ${job.jobId}: the upload is not visible to Cognito yet (Cognito said ${cognitoSaid(err)})`, err);
    }
    throw mapped;
  }
}

/**
 * Whether a job of the pool other than `exceptJobId` is active, started by this importer or outside it
 * (console, CLI, another tool); a newest-first page is enough: active jobs are recent.
 */
export async function otherJobActive(deps: EngineDeps, config: EngineConfig, exceptJobId?: string): Promise<boolean> {
  try {
    const out = await deps.cognito.send(new ListUserImportJobsCommand({ UserPoolId: config.userPoolId, MaxResults: 60 }));
    return (out.UserImportJobs ?? []).some((j) => (exceptJobId === undefined || j.JobId !== exceptJobId) && ACTIVE_JOB_STATUSES.has(j.Status ?? ''));
  } catch (err) {
    throw mapCognitoError(err, 'ListUserImportJobs');
  }
}

/** Watches the job (the queue's `describeInQueue` step): one DescribeUserImportJob and the wait before the next. */
export async function describe(deps: EngineDeps, config: EngineConfig, previous: DescribeOutput): Promise<DescribeOutput> {
  const polls = (previous.polls ?? 0) + 1;
  const job = await describeJob(deps, config, previous.jobId);
  const out = toDescribeOutput(job, previous, polls, config.maxPollIntervalSeconds);
  deps.log.info('import job status', {
    jobId: out.jobId, status: out.status, polls, imported: out.importedUsers, skipped: out.skippedUsers, failed: out.failedUsers,
  });
  return out;
}
