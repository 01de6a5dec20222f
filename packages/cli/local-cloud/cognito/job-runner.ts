/**
 * A started job over time: Pending → InProgress → (rows processed by import-rules.ts) → a terminal status with
 * Cognito's real completion messages, and its result lines written to CloudWatch Logs.
 * Variants read here: `failJobOverFailedOrSkipped`, `failedJobStops` and `logDelaySeconds`.
 */
import { epochSeconds } from '../util';
import { runImport } from './import-rules';
import { CognitoBackend, COMPLETION_MESSAGES, ImportJob, Pool } from './model';

export function beginRun(svc: CognitoBackend, p: Pool, job: ImportJob): void {
  if (job.Status !== 'Pending') return;
  job.Status = 'InProgress';
  job.runStartedAt = Date.now();
  const rows = Math.max(0, (job.upload?.toString('utf8').split('\n').length ?? 1) - 2);
  job.runMs = svc.timings.minRunMs + rows * svc.timings.perRowMs;
  svc.emit('job', job);
  job.runTimer = svc.later(job.runMs, () => finishRun(svc, p, job, 1));
}

/** Stops a Pending/InProgress job: the rows processed so far stay imported. */
export function stopRun(svc: CognitoBackend, p: Pool, job: ImportJob): void {
  const fraction = job.Status === 'InProgress' && job.runStartedAt && job.runMs ? Math.min(1, (Date.now() - job.runStartedAt) / job.runMs) : 0;
  svc.cancel(job.runTimer);
  job.Status = 'Stopping';
  svc.emit('job', job);
  svc.later(svc.timings.stopMs, () => finishRun(svc, p, job, fraction));
}

function finishRun(svc: CognitoBackend, p: Pool, job: ImportJob, fraction: number): void {
  const threshold = svc.behaviour.failJobOverFailedOrSkipped;
  const tooMany = (failedOrSkipped: number, rows: number) => threshold !== null && rows > 0 && failedOrSkipped / rows > threshold;
  const result = runImport({
    pool: p.desc, upload: job.upload, passwordHashing: job.PasswordHashingAlgorithm, fraction, behaviour: svc.behaviour,
    // failedJobStops: the job stops at the row that crossed the threshold.
    ...(svc.behaviour.failedJobStops ? { stopsAt: tooMany } : {}),
    exists: (name) => svc.findUser(p, name) !== undefined,
    create: (name, attrs, status) => { svc.putUser(p, name, attrs, status); },
  });
  job.ImportedUsers = result.imported;
  job.SkippedUsers = result.skipped;
  job.FailedUsers = result.failed;
  svc.opts.logs.append(`/aws/cognito/userpools/${p.desc.Id}/${p.desc.Name}`, `${job.JobId}/${job.JobName}`, result.lines, svc.behaviour.logDelaySeconds * 1000);
  const t = svc.now();
  job.CompletionDate = epochSeconds(t);
  job.activeTo = t;
  if (job.Status === 'Stopping') {
    job.Status = 'Stopped';
    job.CompletionMessage = COMPLETION_MESSAGES.stopped;
  } else if (result.fileError) {
    job.Status = 'Failed';
    job.CompletionMessage = result.fileError;
  } else if (tooMany(result.failed + result.skipped, result.rows)) {
    job.Status = 'Failed';
    job.CompletionMessage = COMPLETION_MESSAGES.tooManyFailures;
  } else {
    job.Status = 'Succeeded';
    job.CompletionMessage = COMPLETION_MESSAGES.succeeded;
  }
  svc.emit('job', job);
}
