import {
  CreateUserImportJobCommand, ListUserImportJobsCommand, UserImportJobType,
} from '@aws-sdk/client-cognito-identity-provider';
import type { CreateAndUploadInput, JobRef, PartDescriptor } from '../shared/steps';
import { mapCognitoError } from './cognito-errors';
import type { EngineConfig, EngineDeps } from '../runtime/deps';
import { errorMessage, uploadFailed } from '../runtime/errors';
import { collectGarbage } from '../runtime/gc-pacer';
import { describeJob } from './job-control';
import { isExpiredUrlResponse, isRetryableStatus } from '../runtime/presigned-put';
import { jobMarkerKey } from '../runtime/work-files';

/** Pre-signed URLs live 15 minutes; a Created job younger than this still has a usable URL. */
export const REUSABLE_JOB_AGE_MS = 14 * 60 * 1000;
export const PUT_ATTEMPTS = 4;
/** New jobs one step may create when URLs keep expiring before the upload finishes. */
export const MAX_JOBS_PER_STEP = 3;

interface JobMarker { jobId: string; jobName: string; uploadedAt: string; bytes: number }
interface UploadTarget { jobId: string; jobName: string; url: string }

/**
 * The createAndUpload step: a job for the part with the part uploaded to it, exactly once per
 * part however often the step is retried. A marker written after the PUT makes a retry return the
 * same job; a crash between Create and marker is caught by finding this part's fresh Created job.
 */
export async function createAndUpload(deps: EngineDeps, config: EngineConfig, input: CreateAndUploadInput): Promise<JobRef> {
  const { part } = input;
  // Jobs of this part that must not be reused: their URL expired, or the job itself did.
  const abandoned = new Set<string>();
  const markerKey = jobMarkerKey(part);

  const markerText = await deps.store.getText(config.bucket, markerKey);
  if (markerText) {
    const marker = JSON.parse(markerText) as JobMarker;
    // The workflow's JobExpired catch re-enters this step with the expired job's marker: ask Cognito.
    if ((await describeJob(deps, config, marker.jobId)).Status === 'Expired') abandoned.add(marker.jobId);
    if (!abandoned.has(marker.jobId)) {
      deps.log.info('part already uploaded: reusing its job', { partKey: part.key, jobId: marker.jobId });
      return { jobId: marker.jobId, jobName: marker.jobName };
    }
  }

  // What an earlier step left in this container (validate's username table) goes before the part streams.
  collectGarbage();
  let target = await findReusableJob(deps, config, part, abandoned);
  if (target) deps.log.info('re-uploading to this part\'s unstarted job', { partKey: part.key, jobId: target.jobId });
  for (let jobs = 0; jobs < MAX_JOBS_PER_STEP; ) {
    if (!target) {
      target = await createJob(deps, config, part);
      jobs += 1;
    }
    const outcome = await uploadPart(deps, config, part, target);
    if (outcome === 'expired') {
      deps.log.warn('pre-signed URL expired: creating a new job for the part', { partKey: part.key, jobId: target.jobId });
      abandoned.add(target.jobId);
      target = undefined;
      continue;
    }
    const marker: JobMarker = { jobId: target.jobId, jobName: target.jobName, uploadedAt: deps.now().toISOString(), bytes: outcome };
    await deps.store.putText(config.bucket, markerKey, JSON.stringify(marker));
    deps.log.info('part uploaded', { partKey: part.key, jobId: target.jobId, bytes: outcome, rows: part.rows });
    return { jobId: target.jobId, jobName: target.jobName };
  }
  throw uploadFailed(`part ${part.partNumber}: the pre-signed URL expired ${MAX_JOBS_PER_STEP} times before the upload finished`);
}

async function createJob(deps: EngineDeps, config: EngineConfig, part: PartDescriptor): Promise<UploadTarget> {
  try {
    const out = await deps.cognito.send(new CreateUserImportJobCommand({
      UserPoolId: config.userPoolId,
      JobName: part.jobName,
      CloudWatchLogsRoleArn: config.logsRoleArn,
      ...(config.passwordHashingAlgorithm ? { PasswordHashingAlgorithm: config.passwordHashingAlgorithm } : {}),
    }));
    const job = out.UserImportJob;
    if (!job?.JobId || !job.PreSignedUrl) throw new Error('CreateUserImportJob returned no job id or pre-signed URL');
    deps.log.info('import job created', { partKey: part.key, jobId: job.JobId, jobName: part.jobName });
    return { jobId: job.JobId, jobName: job.JobName ?? part.jobName, url: job.PreSignedUrl };
  } catch (err) {
    throw mapCognitoError(err, 'CreateUserImportJob', config.passwordHashingAlgorithm !== undefined);
  }
}

/** Newest-first listing: stop as soon as jobs are too old for their URL to still work. */
async function findReusableJob(
  deps: EngineDeps, config: EngineConfig, part: PartDescriptor, abandoned: Set<string>,
): Promise<UploadTarget | undefined> {
  const oldest = deps.now().getTime() - REUSABLE_JOB_AGE_MS;
  let token: string | undefined;
  try {
    do {
      const out = await deps.cognito.send(new ListUserImportJobsCommand({
        UserPoolId: config.userPoolId, MaxResults: 60, PaginationToken: token,
      }));
      for (const job of out.UserImportJobs ?? []) {
        const created = toTime(job);
        if (created !== undefined && created < oldest) return undefined;
        if (job.JobName === part.jobName && job.Status === 'Created' && job.JobId && job.PreSignedUrl && !abandoned.has(job.JobId)) {
          return { jobId: job.JobId, jobName: job.JobName, url: job.PreSignedUrl };
        }
      }
      token = out.PaginationToken;
    } while (token);
  } catch (err) {
    throw mapCognitoError(err, 'ListUserImportJobs');
  }
  return undefined;
}

function toTime(job: UserImportJobType): number | undefined {
  const d = job.CreationDate as Date | string | number | undefined;
  if (d === undefined) return undefined;
  const t = d instanceof Date ? d.getTime() : typeof d === 'number' ? d * 1000 : Date.parse(d);
  return Number.isFinite(t) ? t : undefined;
}

/** Streams the part from S3 to the URL; retries transient failures. Returns bytes sent or 'expired'. */
async function uploadPart(deps: EngineDeps, config: EngineConfig, part: PartDescriptor, target: UploadTarget): Promise<number | 'expired'> {
  let last = '';
  for (let attempt = 1; attempt <= PUT_ATTEMPTS; attempt++) {
    const object = await deps.store.open(config.bucket, part.key);
    const length = object.length ?? part.bytes;
    try {
      const result = await deps.put(target.url, object.body, length);
      if (result.status >= 200 && result.status < 300) return length;
      if (isExpiredUrlResponse(result)) return 'expired';
      last = `HTTP ${result.status}`;
      if (!isRetryableStatus(result.status)) break;
    } catch (err) {
      object.body.destroy();
      // Network errors carry no URL in their message, but keep only the code to be safe.
      last = (err as { code?: string }).code ?? errorMessage(err).split('\n')[0].replace(/https?:\/\/\S+/g, '<url>');
    }
    deps.log.warn('PUT to the pre-signed URL failed', { partKey: part.key, jobId: target.jobId, attempt, reason: last });
    if (attempt < PUT_ATTEMPTS) await deps.sleep(1000 * 2 ** (attempt - 1));
  }
  throw uploadFailed(`part ${part.partNumber}: PUT to the pre-signed URL failed (${last})`);
}
