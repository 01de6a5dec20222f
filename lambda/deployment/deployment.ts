import type * as CognitoSdk from '@aws-sdk/client-cognito-identity-provider';
import type { CognitoIdentityProviderClient, UserImportJobType } from '@aws-sdk/client-cognito-identity-provider';
import type * as S3Sdk from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import {
  DescribeExecutionCommand, type DescribeExecutionCommandOutput, SFNClient, StartExecutionCommand, StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { errorMessage, errorName } from '../runtime/errors';
import { executionToken, jobNamePrefix } from '../runtime/job-name';
import { reportKeyFor } from '../shared/report-keys';
import { type Log, silentLog } from '../runtime/logger';
import { STOPPABLE_JOB_STATUSES } from '../shared/job-status';
import type { ExecutionInput } from '../shared/execution';
import type { ImportReport, ReportOutput } from '../shared/report';
import {
  DeploymentFailedError, type ImportState, type IsCompleteEvent, type IsCompleteResult, type OnEventResult, type ProviderEvent,
} from './events';
import {
  MAX_ATTEMPTS, attemptName, copyKeyFor, executionArnFor, executionBaseName, executionNameFromArn, isExecutionArn,
} from './names';
import {
  type ImportOutcome, breach, failureMessage, hasLineNumbers, outcomeFromReportDocument, outcomeFromReportOutput,
  reasonsFromReport, toData,
} from './outcome';
import { type DeploymentSettings, parseSettings, sameImport } from './properties';

// Cognito (stopping a job) and S3 (copying, reading the report) are loaded when first needed:
// most calls of these handlers only talk to Step Functions.
const cognitoSdk = () => require('@aws-sdk/client-cognito-identity-provider') as typeof CognitoSdk;
const s3Sdk = () => require('@aws-sdk/client-s3') as typeof S3Sdk;

export interface DeploymentDeps {
  readonly sfn: SFNClient;
  readonly s3: S3Client;
  readonly cognito: CognitoIdentityProviderClient;
  readonly now: () => Date;
  readonly log?: Log;
}

/** Reports bigger than this are not read for reasons (the workflow's firstReasons are used instead). */
export const MAX_REPORT_BYTES_TO_READ = 5 * 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// onEvent
// ---------------------------------------------------------------------------------------------

export async function onEvent(event: ProviderEvent, deps: DeploymentDeps): Promise<OnEventResult> {
  const log = deps.log ?? silentLog;
  switch (event.RequestType) {
    case 'Create':
      return startImport(event, deps);
    case 'Update': {
      if (isExecutionArn(event.PhysicalResourceId) && sameImport(event.OldResourceProperties, event.ResourceProperties)) {
        // Nothing to import again (e.g. only the timeout changed): keep the resource and its data.
        const s = parseSettings(event.ResourceProperties);
        const name = executionNameFromArn(event.PhysicalResourceId);
        log.info('Update changes no import option: nothing to import', { executionArn: event.PhysicalResourceId });
        return {
          PhysicalResourceId: event.PhysicalResourceId,
          ImportState: { executionArn: event.PhysicalResourceId, bucket: s.importerBucket, key: copyKeyFor(s.workPrefix, name), reused: true },
        };
      }
      return startImport(event, deps);
    }
    case 'Delete':
      await stopIfRunning(event, deps, 'The UserImportDeployment resource was deleted');
      return { PhysicalResourceId: event.PhysicalResourceId ?? event.RequestId };
    default:
      throw new Error(`UserImportDeployment: unknown RequestType '${String((event as ProviderEvent).RequestType)}'.`);
  }
}

/**
 * Starts (or finds) the workflow execution for this import. The name is deterministic, so a
 * retried request finds its own execution instead of importing twice; an execution that failed
 * (or succeeded past the thresholds) is never reused: the next attempt name is taken.
 */
async function startImport(event: ProviderEvent, deps: DeploymentDeps): Promise<OnEventResult> {
  const log = deps.log ?? silentLog;
  const s = parseSettings(event.ResourceProperties);
  const head = await deps.s3.send(new (s3Sdk().HeadObjectCommand)({ Bucket: s.sourceBucket, Key: s.sourceKey })).catch((err) => {
    throw new DeploymentFailedError(`UserImportDeployment: cannot read the source CSV s3://${s.sourceBucket}/${s.sourceKey} (${errorName(err)}: ${errorMessage(err)}).`);
  });
  const sourceEtag = head.ETag ?? '';
  const base = executionBaseName(event.StackId, event.LogicalResourceId, s, sourceEtag);

  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const name = attemptName(base, attempt);
    const executionArn = executionArnFor(s.stateMachineArn, name);
    const key = copyKeyFor(s.workPrefix, name);
    const state: ImportState = { executionArn, bucket: s.importerBucket, key, reused: false };
    const existing = await describe(deps, executionArn);
    if (!existing) {
      const copy = await deps.s3.send(new (s3Sdk().CopyObjectCommand)({
        Bucket: s.importerBucket,
        Key: key,
        CopySource: `${s.sourceBucket}/${encodeURIComponent(s.sourceKey).replace(/%2F/g, '/')}`,
        CopySourceIfMatch: sourceEtag || undefined,
        MetadataDirective: 'COPY',
        // Tags are not copied: no s3:GetObjectTagging on the source, no s3:PutObjectTagging here.
        TaggingDirective: 'REPLACE',
      }));
      const etag = copy.CopyObjectResult?.ETag;
      // No versionId: the worker reads the copy by key (it may only read current versions under the work prefix).
      const input: ExecutionInput = { source: { bucket: s.importerBucket, key, ...(etag ? { etag } : {}) }, requestedBy: 'deployment' };
      const started = await deps.sfn.send(new StartExecutionCommand({ stateMachineArn: s.stateMachineArn, name, input: JSON.stringify(input) }));
      log.info('Started the import workflow', { executionArn: started.executionArn, key, attempt });
      return { PhysicalResourceId: started.executionArn ?? executionArn, ImportState: { ...state, executionArn: started.executionArn ?? executionArn } };
    }
    if (existing.status === 'RUNNING' || existing.status === 'PENDING_REDRIVE') {
      log.info('The import workflow for this request is already running', { executionArn, attempt });
      return { PhysicalResourceId: executionArn, ImportState: state };
    }
    if (existing.status === 'SUCCEEDED') {
      const outcome = await outcomeOf(existing, state, s, deps);
      if (!breach(outcome, s)) {
        log.info('This exact import already succeeded: reusing it (nothing is imported again)', { executionArn });
        return { PhysicalResourceId: executionArn, ImportState: { ...state, reused: true } };
      }
    }
    log.info('A previous attempt of this import ended badly: trying a fresh one', { executionArn, status: existing.status, attempt });
  }
  throw new DeploymentFailedError(`UserImportDeployment: ${MAX_ATTEMPTS} attempts of this import already failed; change the CSV or the options.`);
}

// ---------------------------------------------------------------------------------------------
// isComplete
// ---------------------------------------------------------------------------------------------

export async function isComplete(event: IsCompleteEvent, deps: DeploymentDeps): Promise<IsCompleteResult> {
  const log = deps.log ?? silentLog;
  if (event.RequestType === 'Delete') return { IsComplete: true };
  const s = parseSettings(event.ResourceProperties);
  const executionArn = event.ImportState?.executionArn ?? event.PhysicalResourceId;
  if (!isExecutionArn(executionArn)) {
    throw new DeploymentFailedError(`UserImportDeployment: '${String(executionArn)}' is not an import workflow execution.`);
  }
  const name = executionNameFromArn(executionArn);
  const state: ImportState = event.ImportState ?? { executionArn, bucket: s.importerBucket, key: copyKeyFor(s.workPrefix, name), reused: false };
  const reportUri = `s3://${state.bucket}/${reportKeyFor(s.reportPrefix, state.key)}`;
  const execution = await describe(deps, executionArn);

  if (!execution) {
    // Standard executions are kept 90 days: an old, reused import may be gone; its report stays.
    const fromReport = await readReportOutcome(state, s, deps);
    if (fromReport) return { IsComplete: true, Data: { ...toData(fromReport) } };
    if (state.reused) return { IsComplete: true, Data: { ...toData(unknownOutcome('Unknown', reportUri)) } };
    throw new DeploymentFailedError(`UserImportDeployment: the import workflow execution ${executionArn} does not exist.`);
  }

  if (execution.status === 'RUNNING' || execution.status === 'PENDING_REDRIVE') {
    if (!s.waitForCompletion || state.reused) {
      log.info('Not waiting for the import to finish', { executionArn });
      return { IsComplete: true, Data: { ...toData(unknownOutcome('Running', reportUri)) } };
    }
    const started = execution.startDate ? execution.startDate.getTime() : deps.now().getTime();
    const deadline = started + (s.timeoutSeconds - s.queryIntervalSeconds) * 1000;
    if (deps.now().getTime() >= deadline) {
      // Stop it ourselves rather than let CloudFormation give up on a job that keeps running.
      await stopExecutionAndJobs(executionArn, state, s, deps, 'The deployment stopped waiting (timeout)');
      throw new DeploymentFailedError(
        `Cognito user import did not finish within ${s.timeoutSeconds} seconds: the workflow execution and its import job were stopped (users imported so far stay). `
        + `Raise timeout (at most 1 hour) or set waitForCompletion: false for long imports. Execution: ${executionArn}.`,
      );
    }
    return { IsComplete: false };
  }

  const outcome = await outcomeOf(execution, state, s, deps);
  if (state.reused) {
    // Already accepted when it first ran: report its data, never fail an unchanged resource.
    return { IsComplete: true, Data: { ...toData(outcome) } };
  }
  const why = breach(outcome, s);
  if (why) {
    log.warn('The import fails the deployment', { executionArn, status: outcome.status, why });
    throw new DeploymentFailedError(failureMessage(outcome, why, executionArn));
  }
  log.info('The import finished', { executionArn, status: outcome.status, totals: outcome.totals });
  return { IsComplete: true, Data: { ...toData(outcome) } };
}

// ---------------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------------

async function describe(deps: DeploymentDeps, executionArn: string): Promise<DescribeExecutionCommandOutput | undefined> {
  try {
    return await deps.sfn.send(new DescribeExecutionCommand({ executionArn }));
  } catch (err) {
    if (errorName(err) === 'ExecutionDoesNotExist') return undefined;
    throw err;
  }
}

function unknownOutcome(status: string, reportUri: string): ImportOutcome {
  return { status, jobIds: [], totals: { rows: 0, imported: 0, skipped: 0, failed: 0, rejected: 0 }, reportUri, reasons: [] };
}

/** The outcome of a finished execution: its output when it succeeded, else its report (if written) and its error. */
async function outcomeOf(execution: DescribeExecutionCommandOutput, state: ImportState, s: DeploymentSettings, deps: DeploymentDeps): Promise<ImportOutcome> {
  if (execution.status === 'SUCCEEDED' && execution.output) {
    const output = JSON.parse(execution.output) as { report?: ReportOutput };
    if (output.report) {
      // A deployment's copy is one version of its own key: the report at the key is this import's.
      const outcome = { ...outcomeFromReportOutput(output.report, state.bucket), reportUri: `s3://${state.bucket}/${reportKeyFor(s.reportPrefix, state.key)}` };
      if (breach(outcome, s) && !hasLineNumbers(outcome.reasons)) {
        // The failure message must name lines: take them from the report document when it is small enough.
        const doc = await readReport(state.bucket, output.report.reportKey, deps);
        if (doc) {
          const reasons = reasonsFromReport(doc);
          if (reasons.length > 0) return { ...outcome, reasons };
        }
      }
      return outcome;
    }
  }
  const fromReport = await readReportOutcome(state, s, deps);
  const executionError = execution.status === 'SUCCEEDED'
    ? 'the workflow returned no report'
    : `${execution.status}${execution.error ? ` ${execution.error}` : ''}${execution.cause ? `: ${execution.cause}` : ''}`;
  const base = fromReport ?? unknownOutcome(execution.status ?? 'FAILED', '');
  return { ...base, status: fromReport?.status === 'Failed' || fromReport?.status === 'Rejected' ? fromReport.status : 'Failed', executionError };
}

async function readReportOutcome(state: ImportState, s: DeploymentSettings, deps: DeploymentDeps): Promise<ImportOutcome | undefined> {
  const reportKey = reportKeyFor(s.reportPrefix, state.key);
  const doc = await readReport(state.bucket, reportKey, deps);
  if (!doc) return undefined;
  // The rows to fix are the report's own (its version's, docs/csv-and-report.md#versions-of-a-key).
  const anyBad = (doc.totals?.failed ?? 0) + (doc.totals?.rejected ?? 0) > 0;
  return outcomeFromReportDocument(doc, `s3://${state.bucket}/${reportKey}`, anyBad ? doc.failedRowsUri : undefined);
}

async function readReport(bucket: string, key: string, deps: DeploymentDeps): Promise<ImportReport | undefined> {
  try {
    const out = await deps.s3.send(new (s3Sdk().GetObjectCommand)({ Bucket: bucket, Key: key }));
    if ((out.ContentLength ?? 0) > MAX_REPORT_BYTES_TO_READ) {
      (out.Body as { destroy?: () => void } | undefined)?.destroy?.();
      return undefined;
    }
    const text = await (out.Body as { transformToString(): Promise<string> }).transformToString();
    return JSON.parse(text) as ImportReport;
  } catch (err) {
    const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (errorName(err) === 'NoSuchKey' || errorName(err) === 'NotFound' || status === 404) return undefined;
    (deps.log ?? silentLog).warn('Could not read the import report', { bucket, key, error: errorName(err) });
    return undefined;
  }
}

/** Delete: stop the execution of this resource if it still runs, and the import job it started. Users stay. */
async function stopIfRunning(event: ProviderEvent, deps: DeploymentDeps, cause: string): Promise<void> {
  const log = deps.log ?? silentLog;
  const executionArn = event.PhysicalResourceId;
  if (!isExecutionArn(executionArn)) {
    log.info('Delete: no import workflow execution to stop', { physicalResourceId: executionArn });
    return;
  }
  const execution = await describe(deps, executionArn);
  if (!execution || (execution.status !== 'RUNNING' && execution.status !== 'PENDING_REDRIVE')) {
    log.info('Delete: the import has ended; users stay in the pool', { executionArn, status: execution?.status });
    return;
  }
  const s = parseSettings(event.ResourceProperties);
  const state: ImportState = {
    executionArn, bucket: s.importerBucket, key: copyKeyFor(s.workPrefix, executionNameFromArn(executionArn)), reused: false,
  };
  await stopExecutionAndJobs(executionArn, state, s, deps, cause);
}

async function stopExecutionAndJobs(executionArn: string, state: ImportState, s: DeploymentSettings, deps: DeploymentDeps, cause: string): Promise<void> {
  const log = deps.log ?? silentLog;
  try {
    await deps.sfn.send(new StopExecutionCommand({ executionArn, error: 'UserImportDeploymentStopped', cause }));
    log.info('Stopped the import workflow execution', { executionArn });
  } catch (err) {
    if (errorName(err) !== 'ExecutionDoesNotExist') throw err;
  }
  // The workflow names the jobs of this execution with this prefix (the copy key and the execution's token).
  const prefix = jobNamePrefix(state.key, executionToken(executionNameFromArn(executionArn)));
  const stopped = await stopImportJobs(s.userPoolId, prefix, deps);
  log.info('Stopped the import jobs of this execution', { executionArn, jobIds: stopped });
}

/**
 * Stops the pool's active import jobs whose name starts with `prefix` (the workflow names every
 * job after its source key). Jobs list newest first; a few pages cover any job a running
 * deployment can have started. A job still `Created` cannot be stopped: it expires on its own.
 */
export async function stopImportJobs(userPoolId: string, prefix: string, deps: DeploymentDeps, maxPages = 5): Promise<string[]> {
  const log = deps.log ?? silentLog;
  const stopped: string[] = [];
  let token: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const out = await deps.cognito.send(new (cognitoSdk().ListUserImportJobsCommand)({ UserPoolId: userPoolId, MaxResults: 60, PaginationToken: token }));
    for (const job of (out.UserImportJobs ?? []) as UserImportJobType[]) {
      if (!job.JobId || !job.JobName?.startsWith(prefix) || !STOPPABLE_JOB_STATUSES.has(job.Status ?? '')) continue;
      try {
        await deps.cognito.send(new (cognitoSdk().StopUserImportJobCommand)({ UserPoolId: userPoolId, JobId: job.JobId }));
        stopped.push(job.JobId);
      } catch (err) {
        log.warn('Could not stop an import job', { jobId: job.JobId, error: errorName(err) });
      }
    }
    token = out.PaginationToken;
    if (!token) break;
  }
  return stopped;
}
