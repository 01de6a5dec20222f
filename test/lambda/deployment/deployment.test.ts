import {
  CognitoIdentityProviderClient, ListUserImportJobsCommand, StopUserImportJobCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CopyObjectCommand, GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeExecutionCommand, SFNClient, StartExecutionCommand, StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { isComplete, onEvent, type DeploymentDeps } from '../../../lambda/deployment/deployment';
import { DeploymentFailedError, type IsCompleteEvent, type ProviderEvent } from '../../../lambda/deployment/events';
import { attemptName, copyKeyFor, executionArnFor, executionBaseName } from '../../../lambda/deployment/names';
import { executionToken, jobNameFor } from '../../../lambda/runtime/job-name';
import { parseSettings } from '../../../lambda/deployment/properties';
import type { ImportReport, ReportOutput } from '../../../lambda/shared/report';

const SM = 'arn:aws:states:eu-west-1:111122223333:stateMachine:ImportWorkflow';
const STACK = 'arn:aws:cloudformation:eu-west-1:111122223333:stack/Example/0f0e';
const PROPS = {
  ServiceToken: 'arn:aws:lambda:eu-west-1:111122223333:function:fw',
  StateMachineArn: SM,
  UserPoolId: 'eu-west-1_abc',
  ImporterBucket: 'import-bucket',
  WorkPrefix: 'work/',
  ReportPrefix: 'reports/',
  SourceBucket: 'cdk-assets',
  SourceKey: 'abc123.csv',
  SourceHash: 'abc123',
  MaxFailedUsers: '0',
  FailOnSkipped: 'false',
  WaitForCompletion: 'true',
  TimeoutSeconds: '3000',
  QueryIntervalSeconds: '30',
};

const sfn = mockClient(SFNClient);
const s3 = mockClient(S3Client);
const cognito = mockClient(CognitoIdentityProviderClient);
let now = new Date('2026-01-01T00:10:00Z');
const deps: DeploymentDeps = {
  sfn: new SFNClient({ region: 'eu-west-1' }),
  s3: new S3Client({ region: 'eu-west-1' }),
  cognito: new CognitoIdentityProviderClient({ region: 'eu-west-1' }),
  now: () => now,
};

const base = executionBaseName(STACK, 'SeedUsers', parseSettings(PROPS), '"etag-1"');
const ARN1 = executionArnFor(SM, base);
const KEY1 = copyKeyFor('work/', base);

function event(type: ProviderEvent['RequestType'], extra: Partial<ProviderEvent> = {}): ProviderEvent {
  return {
    RequestType: type, StackId: STACK, RequestId: 'req-1', LogicalResourceId: 'SeedUsers',
    ResourceType: 'Custom::CognitoUserImport', ResourceProperties: { ...PROPS }, ...extra,
  };
}

function completeEvent(type: 'Create' | 'Update' = 'Create', extra: Partial<IsCompleteEvent> = {}): IsCompleteEvent {
  return {
    ...event(type), PhysicalResourceId: ARN1,
    ImportState: { executionArn: ARN1, bucket: 'import-bucket', key: KEY1, reused: false }, ...extra,
  };
}

function report(over: Partial<ReportOutput> = {}, totals: Partial<ReportOutput['totals']> = {}): ReportOutput {
  return {
    status: 'Succeeded',
    reportUri: `s3://import-bucket/reports/${KEY1}.json`,
    reportKey: `reports/${KEY1}.json`,
    jobIds: ['import-AbC123'],
    totals: { rows: 3, imported: 3, skipped: 0, failed: 0, rejected: 0, ...totals },
    firstReasons: [],
    ...over,
  };
}

function succeeded(r: ReportOutput) {
  return { status: 'SUCCEEDED' as const, startDate: new Date('2026-01-01T00:00:00Z'), output: JSON.stringify({ source: {}, report: r }) };
}

function body(text: string) {
  return { transformToString: async () => text };
}

function notFound(name: string) {
  return Object.assign(new Error(name), { name, $metadata: { httpStatusCode: 404 } });
}

beforeEach(() => {
  sfn.reset(); s3.reset(); cognito.reset();
  now = new Date('2026-01-01T00:10:00Z');
  s3.on(HeadObjectCommand).resolves({ ETag: '"etag-1"' });
  s3.on(CopyObjectCommand).resolves({ CopyObjectResult: { ETag: '"etag-1"' } });
  s3.on(GetObjectCommand).rejects(notFound('NoSuchKey'));
  sfn.on(DescribeExecutionCommand).rejects(notFound('ExecutionDoesNotExist'));
  sfn.on(StartExecutionCommand).callsFake((input) => ({ executionArn: executionArnFor(input.stateMachineArn, input.name), startDate: now }));
  cognito.on(ListUserImportJobsCommand).resolves({ UserImportJobs: [] });
});

describe('names', () => {
  test('execution names are valid, ≤ 80 chars, and change with the CSV and the options', () => {
    const s = parseSettings(PROPS);
    const name = executionBaseName(STACK, 'A'.repeat(200), s, 'e');
    expect(name.length).toBeLessThanOrEqual(80 - 3);
    expect(attemptName(name, 50)).toMatch(/^[A-Za-z0-9-_]{1,80}$/);
    expect(executionBaseName(STACK, 'X', s, 'e')).toBe(executionBaseName(STACK, 'X', s, 'e'));
    expect(executionBaseName(STACK, 'X', { ...s, sourceHash: 'other' }, 'e')).not.toBe(executionBaseName(STACK, 'X', s, 'e'));
    expect(executionBaseName(STACK, 'X', { ...s, maxFailedUsers: 1 }, 'e')).not.toBe(executionBaseName(STACK, 'X', s, 'e'));
    expect(executionBaseName(STACK, 'X', s, 'other-etag')).not.toBe(executionBaseName(STACK, 'X', s, 'e'));
    // Waiting options do not change what is imported.
    expect(executionBaseName(STACK, 'X', { ...s, timeoutSeconds: 60 }, 'e')).toBe(executionBaseName(STACK, 'X', s, 'e'));
  });

  test('the copy lives under the work prefix (never the incoming prefix)', () => {
    expect(KEY1).toBe(`work/deployments/${base}.csv`);
  });
});

describe('onEvent: Create', () => {
  test('copies the CSV under work/deployments/ and starts the workflow with the contract input', async () => {
    const result = await onEvent(event('Create'), deps);
    expect(result.PhysicalResourceId).toBe(ARN1);
    expect(result.ImportState).toEqual({ executionArn: ARN1, bucket: 'import-bucket', key: KEY1, reused: false });
    const copy = s3.commandCalls(CopyObjectCommand)[0].args[0].input;
    expect(copy).toMatchObject({ Bucket: 'import-bucket', Key: KEY1, CopySource: 'cdk-assets/abc123.csv', CopySourceIfMatch: '"etag-1"' });
    const start = sfn.commandCalls(StartExecutionCommand)[0].args[0].input;
    expect(start.stateMachineArn).toBe(SM);
    expect(start.name).toBe(base);
    expect(JSON.parse(start.input!)).toEqual({ source: { bucket: 'import-bucket', key: KEY1, etag: '"etag-1"' }, requestedBy: 'deployment' });
  });

  test('a retried request finds its running execution instead of importing twice', async () => {
    sfn.on(DescribeExecutionCommand, { executionArn: ARN1 }).resolves({ status: 'RUNNING' });
    const result = await onEvent(event('Create'), deps);
    expect(result.PhysicalResourceId).toBe(ARN1);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
    expect(s3.commandCalls(CopyObjectCommand)).toHaveLength(0);
  });

  test('a failed earlier attempt (e.g. a rolled-back Create) is never reused: the next attempt name is taken', async () => {
    sfn.on(DescribeExecutionCommand, { executionArn: ARN1 }).resolves({ status: 'FAILED' });
    const result = await onEvent(event('Create'), deps);
    expect(result.PhysicalResourceId).toBe(executionArnFor(SM, `${base}-2`));
    expect(sfn.commandCalls(StartExecutionCommand)[0].args[0].input.name).toBe(`${base}-2`);
  });

  test('an earlier attempt that succeeded within the thresholds is reused (rollback, re-create): nothing imported again', async () => {
    sfn.on(DescribeExecutionCommand, { executionArn: ARN1 }).resolves(succeeded(report()));
    const result = await onEvent(event('Create'), deps);
    expect(result.PhysicalResourceId).toBe(ARN1);
    expect(result.ImportState?.reused).toBe(true);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  test('an earlier attempt that succeeded past the thresholds is not reused', async () => {
    sfn.on(DescribeExecutionCommand, { executionArn: ARN1 }).resolves(succeeded(report({ status: 'PartiallySucceeded' }, { imported: 2, failed: 1 })));
    const result = await onEvent(event('Create'), deps);
    expect(result.PhysicalResourceId).toBe(executionArnFor(SM, `${base}-2`));
  });

  test('an unreadable source fails with a message naming the object', async () => {
    s3.on(HeadObjectCommand).rejects(Object.assign(new Error('Forbidden'), { name: 'Forbidden' }));
    await expect(onEvent(event('Create'), deps)).rejects.toThrow('cannot read the source CSV s3://cdk-assets/abc123.csv (Forbidden: Forbidden)');
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });
});

describe('onEvent: Update', () => {
  test('a changed CSV (content hash) imports again under a new physical id', async () => {
    const result = await onEvent(event('Update', {
      PhysicalResourceId: 'arn:aws:states:eu-west-1:111122223333:execution:ImportWorkflow:deploy-old',
      OldResourceProperties: { ...PROPS, SourceKey: 'old.csv', SourceHash: 'old' },
    }), deps);
    expect(result.PhysicalResourceId).toBe(ARN1);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
  });

  test('changed options import again', async () => {
    await onEvent(event('Update', { PhysicalResourceId: ARN1, OldResourceProperties: { ...PROPS, MaxFailedUsers: '5' } }), deps);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
  });

  test('an unchanged CSV and options is a no-op (only the timeout changed)', async () => {
    const result = await onEvent(event('Update', { PhysicalResourceId: ARN1, OldResourceProperties: { ...PROPS, TimeoutSeconds: '600' } }), deps);
    expect(result).toEqual({ PhysicalResourceId: ARN1, ImportState: { executionArn: ARN1, bucket: 'import-bucket', key: KEY1, reused: true } });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
    expect(s3.commandCalls(CopyObjectCommand)).toHaveLength(0);
  });
});

describe('onEvent: Delete', () => {
  test('leaves users in place: a finished import is not touched', async () => {
    sfn.on(DescribeExecutionCommand, { executionArn: ARN1 }).resolves(succeeded(report()));
    const result = await onEvent(event('Delete', { PhysicalResourceId: ARN1 }), deps);
    expect(result.PhysicalResourceId).toBe(ARN1);
    expect(sfn.commandCalls(StopExecutionCommand)).toHaveLength(0);
    expect(cognito.commandCalls(StopUserImportJobCommand)).toHaveLength(0);
  });

  test('stops a still-running execution of this resource and the import job it started (not other jobs)', async () => {
    sfn.on(DescribeExecutionCommand, { executionArn: ARN1 }).resolves({ status: 'RUNNING', startDate: new Date('2026-01-01T00:00:00Z') });
    cognito.on(ListUserImportJobsCommand).resolves({
      UserImportJobs: [
        { JobId: 'import-mine', JobName: jobNameFor(KEY1, 2, executionToken(base)), Status: 'InProgress' },
        { JobId: 'import-done', JobName: jobNameFor(KEY1, 1, executionToken(base)), Status: 'Succeeded' },
        { JobId: 'import-other-execution', JobName: jobNameFor(KEY1, 2, executionToken(`${base}-2`)), Status: 'InProgress' },
        { JobId: 'import-other', JobName: 'incoming-users.csv-99999999-part-1', Status: 'InProgress' },
      ],
    });
    await onEvent(event('Delete', { PhysicalResourceId: ARN1 }), deps);
    expect(sfn.commandCalls(StopExecutionCommand)[0].args[0].input.executionArn).toBe(ARN1);
    const stopped = cognito.commandCalls(StopUserImportJobCommand).map((c) => c.args[0].input.JobId);
    expect(stopped).toEqual(['import-mine']);
  });

  test('with a long work prefix and logical id, stops the job the workflow named (names are cut the same way)', async () => {
    // The workflow names its jobs after the copied key and the execution; with this valid work
    // prefix the copy key is long enough that the job name is cut and hashed.
    const workPrefix = 'cognito-user-import/work-files/';
    const props = { ...PROPS, WorkPrefix: workPrefix };
    const logicalId = `SeedUsers${'X'.repeat(60)}`;
    const name = attemptName(executionBaseName(STACK, logicalId, parseSettings(props), '"etag-1"'), 2);
    const arn = executionArnFor(SM, name);
    const workflowJobName = (part: number) => jobNameFor(copyKeyFor(workPrefix, name), part, executionToken(name));
    expect(workflowJobName(1)).not.toContain(name); // the key was cut to fit 128 characters
    sfn.on(DescribeExecutionCommand, { executionArn: arn }).resolves({ status: 'RUNNING', startDate: new Date('2026-01-01T00:00:00Z') });
    cognito.on(ListUserImportJobsCommand).resolves({
      UserImportJobs: [
        { JobId: 'import-part-1', JobName: workflowJobName(1), Status: 'Succeeded' },
        { JobId: 'import-part-12', JobName: workflowJobName(12), Status: 'InProgress' },
        { JobId: 'import-other', JobName: jobNameFor(copyKeyFor(workPrefix, name), 12, executionToken(`${name}-x`)), Status: 'InProgress' },
      ],
    });
    await onEvent(event('Delete', { PhysicalResourceId: arn, LogicalResourceId: logicalId, ResourceProperties: props }), deps);
    const stopped = cognito.commandCalls(StopUserImportJobCommand).map((c) => c.args[0].input.JobId);
    expect(stopped).toEqual(['import-part-12']);
  });

  test('a Create that failed before starting anything (physical id is not an execution) deletes nothing', async () => {
    const result = await onEvent(event('Delete', { PhysicalResourceId: 'req-1' }), deps);
    expect(result.PhysicalResourceId).toBe('req-1');
    expect(sfn.commandCalls(DescribeExecutionCommand)).toHaveLength(0);
  });

  test('isComplete for Delete completes at once', async () => {
    await expect(isComplete({ ...event('Delete'), PhysicalResourceId: ARN1 }, deps)).resolves.toEqual({ IsComplete: true });
  });
});

describe('isComplete: every job outcome', () => {
  test('running → not complete (no Data)', async () => {
    sfn.on(DescribeExecutionCommand).resolves({ status: 'RUNNING', startDate: new Date('2026-01-01T00:00:00Z') });
    await expect(isComplete(completeEvent(), deps)).resolves.toEqual({ IsComplete: false });
  });

  test('Succeeded → complete with the attributes', async () => {
    sfn.on(DescribeExecutionCommand).resolves(succeeded(report()));
    await expect(isComplete(completeEvent(), deps)).resolves.toEqual({
      IsComplete: true,
      Data: {
        JobId: 'import-AbC123', Status: 'Succeeded', ImportedUsers: '3', SkippedUsers: '0', FailedUsers: '0', RejectedRows: '0',
        ReportUri: `s3://import-bucket/reports/${KEY1}.json`,
      },
    });
  });

  test('Data stays well under 4 KB even with many jobs', async () => {
    const jobIds = Array.from({ length: 40 }, (_, i) => `import-${String(i).padStart(20, 'x')}`);
    sfn.on(DescribeExecutionCommand).resolves(succeeded(report({ jobIds })));
    const result = await isComplete(completeEvent(), deps);
    expect(JSON.stringify(result.Data).length).toBeLessThan(4096);
  });

  test('skipped users pass by default, and fail with failOnSkipped', async () => {
    sfn.on(DescribeExecutionCommand).resolves(succeeded(report({}, { imported: 1, skipped: 2 })));
    await expect(isComplete(completeEvent(), deps)).resolves.toMatchObject({ IsComplete: true, Data: { SkippedUsers: '2' } });
    const strict = completeEvent('Create', { ResourceProperties: { ...PROPS, FailOnSkipped: 'true' } });
    await expect(isComplete(strict, deps)).rejects.toThrow(/2 user\(s\) skipped .* failOnSkipped/);
  });

  test('PartiallySucceeded past maxFailedUsers fails with status, counts, first reasons (lines) and the report', async () => {
    sfn.on(DescribeExecutionCommand).resolves(succeeded(report({
      status: 'PartiallySucceeded',
      failedCsvKey: `reports/${KEY1}.failed.csv`,
      firstReasons: ['line 3 (bob.example): email_verified must be true', 'line 4 (carol.example): invalid phone_number'],
    }, { imported: 1, failed: 1, rejected: 1 })));
    const err = await isComplete(completeEvent(), deps).catch((e) => e);
    expect(err).toBeInstanceOf(DeploymentFailedError);
    expect(err.message).toContain('Cognito user import PartiallySucceeded: 2 failed or rejected row(s), more than maxFailedUsers (0)');
    expect(err.message).toContain('Imported 1, skipped 0, failed 1, rejected 1 of 3 row(s)');
    expect(err.message).toContain('line 3 (bob.example): email_verified must be true; line 4 (carol.example)');
    expect(err.message).toContain(`Report: s3://import-bucket/reports/${KEY1}.json`);
    expect(err.message).toContain(`Rows to fix: s3://import-bucket/reports/${KEY1}.failed.csv`);
    expect(err.stack).toBe(`DeploymentFailedError: ${err.message}`);
  });

  test('within maxFailedUsers the same import passes', async () => {
    sfn.on(DescribeExecutionCommand).resolves(succeeded(report({ status: 'PartiallySucceeded' }, { imported: 1, failed: 1, rejected: 1 })));
    const lenient = completeEvent('Create', { ResourceProperties: { ...PROPS, MaxFailedUsers: '2' } });
    await expect(isComplete(lenient, deps)).resolves.toMatchObject({ IsComplete: true, Data: { Status: 'PartiallySucceeded', FailedUsers: '1', RejectedRows: '1' } });
  });

  test('Rejected file fails even within maxFailedUsers; lines come from the report when firstReasons has none', async () => {
    sfn.on(DescribeExecutionCommand).resolves(succeeded(report({ status: 'Rejected', jobIds: [], firstReasons: [] }, { imported: 0, rejected: 3 })));
    const doc: Partial<ImportReport> = {
      status: 'Rejected', totals: { rows: 3, imported: 0, skipped: 0, failed: 0, rejected: 3 }, jobs: [], users: [],
      rejected: [{ line: 1, column: 'favourite_colour', message: 'unknown column' }, { line: 2, username: 'alice', message: 'x' }],
    };
    s3.on(GetObjectCommand, { Key: `reports/${KEY1}.json` }).resolves({ Body: body(JSON.stringify(doc)) as never, ContentLength: 200 });
    const lenient = completeEvent('Create', { ResourceProperties: { ...PROPS, MaxFailedUsers: '100' } });
    await expect(isComplete(lenient, deps)).rejects.toThrow(/Cognito user import Rejected: the file was rejected\..*First reasons: line 1 \[favourite_colour\]: unknown column; line 2 \(alice\): x\./);
  });

  test('Failed job status in the report fails', async () => {
    sfn.on(DescribeExecutionCommand).resolves(succeeded(report({ status: 'Failed', firstReasons: ['job import-AbC123: Too many users have failed or been skipped during the import.'] }, { imported: 0, failed: 3 })));
    await expect(isComplete(completeEvent(), deps)).rejects.toThrow(/Cognito user import Failed: the import failed\..*Too many users have failed/);
  });

  test('execution FAILED (unexpected error) with a report: fails with the report status and the workflow error', async () => {
    sfn.on(DescribeExecutionCommand).resolves({ status: 'FAILED', error: 'ImportFailed', cause: 'The import ended in an unexpected error; see the report for details.' });
    const doc: Partial<ImportReport> = {
      status: 'Failed', totals: { rows: 3, imported: 0, skipped: 0, failed: 0, rejected: 0 }, jobs: [], users: [], rejected: [],
      error: 'LimitExceededException: 1,000 jobs per pool',
    };
    s3.on(GetObjectCommand, { Key: `reports/${KEY1}.json` }).resolves({ Body: body(JSON.stringify(doc)) as never, ContentLength: 100 });
    const err = await isComplete(completeEvent(), deps).catch((e) => e);
    expect(err.message).toMatch(/^Cognito user import Failed: the import failed\./);
    expect(err.message).toContain('Workflow: FAILED ImportFailed: The import ended in an unexpected error');
    expect(err.message).toContain('LimitExceededException');
    expect(err.message).toContain(`Report: s3://import-bucket/reports/${KEY1}.json`);
  });

  test.each(['TIMED_OUT', 'ABORTED'])('execution %s without a report: fails naming the execution', async (status) => {
    sfn.on(DescribeExecutionCommand).resolves({ status: status as 'ABORTED' });
    await expect(isComplete(completeEvent(), deps)).rejects.toThrow(new RegExp(`Cognito user import Failed: the import failed\\..*Workflow: ${status}.*No report was written; execution: ${ARN1.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  test('waitForCompletion false: complete as soon as the import runs, status Running', async () => {
    sfn.on(DescribeExecutionCommand).resolves({ status: 'RUNNING', startDate: now });
    const noWait = completeEvent('Create', { ResourceProperties: { ...PROPS, WaitForCompletion: 'false' } });
    await expect(isComplete(noWait, deps)).resolves.toEqual({
      IsComplete: true,
      Data: { JobId: '', Status: 'Running', ImportedUsers: '0', SkippedUsers: '0', FailedUsers: '0', RejectedRows: '0', ReportUri: `s3://import-bucket/reports/${KEY1}.json` },
    });
  });

  test('past the timeout: stops the execution and its job, and fails (a failed Create leaves nothing running)', async () => {
    sfn.on(DescribeExecutionCommand).resolves({ status: 'RUNNING', startDate: new Date('2026-01-01T00:00:00Z') });
    cognito.on(ListUserImportJobsCommand).resolves({ UserImportJobs: [{ JobId: 'import-mine', JobName: jobNameFor(KEY1, 1, executionToken(base)), Status: 'Pending' }] });
    now = new Date('2026-01-01T00:49:30Z'); // 3000 s timeout − 30 s interval reached
    await expect(isComplete(completeEvent(), deps)).rejects.toThrow(/did not finish within 3000 seconds: the workflow execution and its import job were stopped/);
    expect(sfn.commandCalls(StopExecutionCommand)).toHaveLength(1);
    expect(cognito.commandCalls(StopUserImportJobCommand)[0].args[0].input).toEqual({ UserPoolId: 'eu-west-1_abc', JobId: 'import-mine' });
  });

  test('a reused import (unchanged Update) reports its data and never fails the update', async () => {
    sfn.on(DescribeExecutionCommand).resolves(succeeded(report({ status: 'PartiallySucceeded' }, { imported: 2, skipped: 1 })));
    const reused = completeEvent('Update', {
      ResourceProperties: { ...PROPS, FailOnSkipped: 'true' },
      ImportState: { executionArn: ARN1, bucket: 'import-bucket', key: KEY1, reused: true },
    });
    await expect(isComplete(reused, deps)).resolves.toMatchObject({ IsComplete: true, Data: { ImportedUsers: '2', SkippedUsers: '1' } });
  });

  test('a reused import whose execution aged out (90 days) reads its report', async () => {
    const doc: Partial<ImportReport> = { status: 'Succeeded', totals: { rows: 3, imported: 3, skipped: 0, failed: 0, rejected: 0 }, jobs: [{ jobId: 'import-old', jobName: 'n', status: 'Succeeded', importedUsers: 3, skippedUsers: 0, failedUsers: 0 }], users: [], rejected: [] };
    s3.on(GetObjectCommand, { Key: `reports/${KEY1}.json` }).resolves({ Body: body(JSON.stringify(doc)) as never, ContentLength: 100 });
    const reused = completeEvent('Update', { ImportState: { executionArn: ARN1, bucket: 'import-bucket', key: KEY1, reused: true } });
    await expect(isComplete(reused, deps)).resolves.toMatchObject({ IsComplete: true, Data: { JobId: 'import-old', Status: 'Succeeded', ImportedUsers: '3' } });
  });

  test('the failure message stays under CloudFormation\'s 4 KB even with long reasons', async () => {
    const firstReasons = Array.from({ length: 20 }, (_, i) => `line ${i + 2} (user${i}): ${'x'.repeat(1000)}`);
    sfn.on(DescribeExecutionCommand).resolves(succeeded(report({ status: 'PartiallySucceeded', firstReasons }, { failed: 20 })));
    const err = await isComplete(completeEvent(), deps).catch((e) => e);
    expect(err.message.length).toBeLessThanOrEqual(2000);
    expect(err.message).toContain('line 2 (user0)');
    expect(err.message).toContain('Report: s3://');
  });
});
