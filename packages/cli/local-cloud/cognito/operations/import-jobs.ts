/**
 * Import job operations: CreateUserImportJob, DescribeUserImportJob, ListUserImportJobs, StartUserImportJob,
 * StopUserImportJob. What happens to a started job over time is in `../job-runner.ts`.
 *
 * Choices where AWS documents nothing precise:
 * - Start while another job is Pending/InProgress in the account → the `activeJobError` variant.
 * - Start before the upload → PreconditionNotMetException; Start of a job not in Created → InvalidParameterException.
 * - Stop of a job that is not Pending/InProgress → InvalidParameterException.
 */
import { AwsError, epochSeconds, randomId, requireString } from '../../util';
import { ACTIVE_JOB_MESSAGES } from '../behaviour';
import { InvalidParameterException, LimitExceededException, OperationNotEnabledException, PreconditionNotMetException, validationError } from '../exceptions';
import { beginRun, stopRun } from '../job-runner';
import { CognitoBackend, decodeToken, encodeToken, ImportJob, view } from '../model';
import { signUploadUrl } from '../presigned-url';

type Body = Record<string, any>;

/** Import jobs are never deleted; Cognito allows this many per pool. */
export const MAX_JOBS_PER_POOL = 1000;
const ALGORITHMS = ['BCRYPT', 'SCRYPT', 'ARGON2ID', 'PBKDF2_SHA256'];

export function createUserImportJob(svc: CognitoBackend, body: Body): unknown {
  const jobName = requireString(body, 'JobName', 'jobName');
  const p = svc.pool(body.UserPoolId);
  const role = requireString(body, 'CloudWatchLogsRoleArn', 'cloudWatchLogsRoleArn');
  if (!/^[\w\s+=,.@-]{1,128}$/.test(jobName)) throw validationError('jobName', 'Member must satisfy regular expression pattern: [\\w\\s+=,.@-]+');
  if (!/^arn:[\w+=/,.@-]+:iam::\d{12}:role\/[\w+=/,.@-]+$/.test(role)) throw validationError('cloudWatchLogsRoleArn', 'Member must be an IAM role ARN');
  const algo = body.PasswordHashingAlgorithm as string | undefined;
  if (algo !== undefined) {
    if (!ALGORITHMS.includes(algo)) throw validationError('passwordHashingAlgorithm', `Member must satisfy enum value set: [${ALGORITHMS.join(', ')}]`);
    // Eligibility is not a feature plan (the guide: "the modern Amazon Cognito infrastructure"): a variant.
    if (svc.behaviour.passwordHashImport === 'not-enabled') throw new OperationNotEnabledException('Password hash import is not enabled for this user pool.');
  }
  if ((p.desc.AutoVerifiedAttributes ?? []).length === 0) {
    throw new InvalidParameterException('The user pool must have at least one auto-verified attribute (email or phone_number) to import users.');
  }
  if (p.jobs.length >= MAX_JOBS_PER_POOL) throw new LimitExceededException(`The user pool has reached its limit of ${MAX_JOBS_PER_POOL} import jobs.`);
  const jobId = `import-${randomId(10)}`;
  const ttl = svc.opts.faults.presignedUrlTtlOr(svc.timings.presignedUrlTtlMs);
  const created = svc.now();
  const signer = { secret: svc.opts.urlSecret, accountId: svc.opts.accountId, region: svc.opts.region, endpoint: svc.opts.endpoint };
  const job: ImportJob = {
    JobName: jobName,
    JobId: jobId,
    UserPoolId: p.desc.Id,
    PreSignedUrl: signUploadUrl(signer, p.desc.Id, jobId, created, ttl),
    CreationDate: epochSeconds(created),
    Status: 'Created',
    CloudWatchLogsRoleArn: role,
    ImportedUsers: 0, SkippedUsers: 0, FailedUsers: 0,
    ...(algo ? { PasswordHashingAlgorithm: algo } : {}),
    urlExpiresAt: created + ttl,
    uploads: 0,
  };
  p.jobs.push(job);
  svc.emit('job', job);
  return { UserImportJob: view(job) };
}

export function describeUserImportJob(svc: CognitoBackend, body: Body): unknown {
  const p = svc.pool(body.UserPoolId);
  return { UserImportJob: view(svc.job(p, body.JobId)) };
}

export function listUserImportJobs(svc: CognitoBackend, body: Body): unknown {
  const p = svc.pool(body.UserPoolId);
  if (body.MaxResults === undefined || body.MaxResults === null) throw validationError('maxResults', 'Member must not be null', null);
  const max = Number(body.MaxResults);
  if (!Number.isInteger(max) || max < 1 || max > 60) throw validationError('maxResults', 'Member must have value between 1 and 60', body.MaxResults);
  const newestFirst = [...p.jobs].reverse();
  newestFirst.forEach((j) => svc.refreshExpiry(j));
  let start = 0;
  if (body.PaginationToken !== undefined) {
    const decoded = decodeToken(body.PaginationToken);
    const idx = decoded ? newestFirst.findIndex((j) => j.JobId === decoded) : -1;
    if (idx < 0) throw new InvalidParameterException('The pagination token is invalid.');
    start = idx;
  }
  const page = newestFirst.slice(start, start + max);
  const next = newestFirst[start + max];
  return { UserImportJobs: page.map(view), ...(next ? { PaginationToken: encodeToken(next.JobId) } : {}) };
}

export function startUserImportJob(svc: CognitoBackend, body: Body): unknown {
  const p = svc.pool(body.UserPoolId);
  const job = svc.job(p, requireString(body, 'JobId', 'jobId'));
  if (job.Status === 'Expired') throw new InvalidParameterException(`Import job ${job.JobId} has expired.`);
  if (job.Status !== 'Created') throw new InvalidParameterException(`Import job ${job.JobId} is in status ${job.Status}; only a Created job can be started.`);
  if (!job.upload) throw new PreconditionNotMetException('The CSV file has not been uploaded to the pre-signed URL.');
  const faults = svc.opts.faults;
  if (faults.takeLateUpload()) {
    throw new PreconditionNotMetException('The CSV file has not been uploaded to the pre-signed URL.');
  }
  if (faults.foreignJobActiveAt(svc.now()) || svc.activeJob()) {
    const code = svc.behaviour.activeJobError;
    throw new AwsError(code, ACTIVE_JOB_MESSAGES[code]);
  }
  const t = svc.now();
  job.Status = 'Pending';
  job.StartDate = epochSeconds(t);
  job.activeFrom = t;
  svc.emit('job', job);
  svc.later(svc.timings.pendingMs, () => beginRun(svc, p, job));
  return { UserImportJob: view(job) };
}

export function stopUserImportJob(svc: CognitoBackend, body: Body): unknown {
  const p = svc.pool(body.UserPoolId);
  const job = svc.job(p, requireString(body, 'JobId', 'jobId'));
  if (job.Status !== 'Pending' && job.Status !== 'InProgress') {
    throw new InvalidParameterException(`Import job ${job.JobId} is in status ${job.Status}; only a Pending or InProgress job can be stopped.`);
  }
  stopRun(svc, p, job);
  return { UserImportJob: view(job) };
}
