import { mapCognitoError } from '../../lambda/job/cognito-errors';
import { DescribeUserImportJobCommand, StartUserImportJobCommand, UserImportJobStatusType } from '@aws-sdk/client-cognito-identity-provider';
import { describe as describeStep, pollWaitSeconds, start } from '../../lambda/job/job-control';
import { config, testEnv } from './helpers';

const job = { jobId: 'import-abc', jobName: 'users.csv-part-1' };
const err = (name: string, message = name) => Object.assign(new Error(message), { name });

describe('poll schedule', () => {
  test('starts fast, doubles, is capped', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 20].map((p) => pollWaitSeconds(p, 300))).toEqual([5, 10, 20, 40, 80, 160, 300, 300, 300]);
    expect(pollWaitSeconds(3, 30)).toBe(30);
  });
});

describe('start', () => {
  test('returns the first DescribeOutput: polls 0, first wait', async () => {
    const env = testEnv();
    env.cognito.on(StartUserImportJobCommand).resolves({ UserImportJob: { JobId: job.jobId, JobName: job.jobName, Status: 'Pending' } });
    const out = await start(env.deps, config(), job);
    expect(out).toEqual({ ...job, status: 'Pending', terminal: false, polls: 0, waitSeconds: 5, importedUsers: 0, skippedUsers: 0, failedUsers: 0 });
  });

  test.each([
    ['PreconditionNotMetException (upload not visible)', err('PreconditionNotMetException', 'The CSV file has not been uploaded'), 'Created', 'UploadNotVisibleError'],
    ['TooManyRequestsException', err('TooManyRequestsException'), 'Created', 'ThrottledError'],
    ['LimitExceeded: another job running', err('LimitExceededException', 'Another import job is already running for this account'), 'Created', 'AnotherJobActiveError'],
    ['InvalidParameter: another job in progress', err('InvalidParameterException', 'An import job is already in progress'), 'Created', 'AnotherJobActiveError'],
    ['job expired', err('InvalidParameterException', 'Job cannot be started'), 'Expired', 'JobExpiredError'],
  ])('maps %s', async (_n, error, status, name) => {
    const env = testEnv();
    env.cognito.on(StartUserImportJobCommand).rejects(error);
    env.cognito.on(DescribeUserImportJobCommand).resolves({ UserImportJob: { ...{ JobId: job.jobId, JobName: job.jobName }, Status: status as UserImportJobStatusType } });
    await expect(start(env.deps, config(), job)).rejects.toMatchObject({ name });
  });

  test('a retried start of an already running job carries on', async () => {
    const env = testEnv();
    env.cognito.on(StartUserImportJobCommand).rejects(err('PreconditionNotMetException', 'not in Created'));
    env.cognito.on(DescribeUserImportJobCommand).resolves({ UserImportJob: { JobId: job.jobId, JobName: job.jobName, Status: 'InProgress' } });
    const out = await start(env.deps, config(), job);
    expect(out).toMatchObject({ status: 'InProgress', polls: 0, terminal: false });
  });

  test('unexpected errors pass through unchanged', async () => {
    const env = testEnv();
    env.cognito.on(StartUserImportJobCommand).rejects(err('ResourceNotFoundException'));
    await expect(start(env.deps, config(), job)).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('describe', () => {
  test.each([
    ['InProgress', false], ['Pending', false], ['Stopping', false],
    ['Succeeded', true], ['Failed', true], ['Stopped', true], ['Expired', true],
  ])('%s → terminal %s', async (status, terminal) => {
    const env = testEnv();
    env.cognito.on(DescribeUserImportJobCommand).resolves({ UserImportJob: { JobId: job.jobId, JobName: job.jobName, Status: status as UserImportJobStatusType, ImportedUsers: 3, SkippedUsers: 1, FailedUsers: 2, CompletionMessage: 'done' } });
    const prev = { ...job, status: 'Pending', terminal: false, polls: 2, waitSeconds: 20, importedUsers: 0, skippedUsers: 0, failedUsers: 0 };
    const out = await describeStep(env.deps, config({ maxPollIntervalSeconds: 60 }), prev);
    expect(out).toMatchObject({ status, terminal, polls: 3, waitSeconds: 40, importedUsers: 3, skippedUsers: 1, failedUsers: 2, completionMessage: 'done' });
  });

  test('throttled describe → ThrottledError', async () => {
    const env = testEnv();
    env.cognito.on(DescribeUserImportJobCommand).rejects(err('TooManyRequestsException'));
    const prev = { ...job, status: 'Pending', terminal: false, polls: 0, waitSeconds: 5, importedUsers: 0, skippedUsers: 0, failedUsers: 0 };
    await expect(describeStep(env.deps, config(), prev)).rejects.toMatchObject({ name: 'ThrottledError' });
  });
});

describe('mapped Cognito errors keep what they stand for', () => {
  test.each([
    ['TooManyRequestsException', 'Rate exceeded', 'ThrottledError'],
    ['PreconditionNotMetException', 'No csv file was uploaded', 'UploadNotVisibleError'],
    ['InvalidParameterException', 'Another import job is already in progress for this account.', 'AnotherJobActiveError'],
  ])('%s becomes %s with the SDK error as its cause', (name, message, mapped) => {
    const sdkError = Object.assign(new Error(message), { name });
    const error = mapCognitoError(sdkError, 'StartUserImportJob');
    expect(error.name).toBe(mapped);
    expect(error.cause).toBe(sdkError);
  });

  test('a thrown non-Error is wrapped with it as the cause', () => {
    const error = mapCognitoError('socket hang up', 'DescribeUserImportJob');
    expect(error.message).toBe('socket hang up');
    expect(error.cause).toBe('socket hang up');
  });
});
