import {
  AdminCreateUserCommand, AdminGetUserCommand, CreateUserImportJobCommand, CreateUserPoolCommand, DescribeUserImportJobCommand,
  DescribeUserPoolCommand, GetCSVHeaderCommand, ListUserImportJobsCommand, ListUsersCommand, StartUserImportJobCommand, StopUserImportJobCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetLogEventsCommand, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { LocalCloud, startLocalCloud } from '../../packages/cli/local-cloud';
import { clients, cognitoCsv, HEADER, put, until, user } from './helpers';

const ROLE = 'arn:aws:iam::000000000000:role/CognitoImportLogs';
let cloud: LocalCloud;
let c: ReturnType<typeof clients>;

beforeAll(async () => {
  cloud = await startLocalCloud({ port: 0, workflow: false, cognitoTimings: { pendingMs: 30, minRunMs: 60 } });
  c = clients(cloud);
});
afterAll(async () => { await cloud.stop(); });
afterEach(async () => {
  cloud.faults.reset();
  await cloud.settle(10_000);
});

async function createJob(name = 'job') {
  const r = await c.cognito.send(new CreateUserImportJobCommand({ UserPoolId: cloud.poolId, JobName: name, CloudWatchLogsRoleArn: ROLE }));
  return r.UserImportJob!;
}
async function describe(jobId: string) {
  return (await c.cognito.send(new DescribeUserImportJobCommand({ UserPoolId: cloud.poolId, JobId: jobId }))).UserImportJob!;
}
async function waitTerminal(jobId: string) {
  return until(async () => {
    const j = await describe(jobId);
    return ['Succeeded', 'Failed', 'Stopped', 'Expired'].includes(j.Status!) ? j : undefined;
  });
}

test('default pool: header, description', async () => {
  const h = await c.cognito.send(new GetCSVHeaderCommand({ UserPoolId: cloud.poolId }));
  expect(h.CSVHeader).toEqual(HEADER);
  const d = await c.cognito.send(new DescribeUserPoolCommand({ UserPoolId: cloud.poolId }));
  expect(d.UserPool?.AutoVerifiedAttributes).toEqual(['email']);
  expect(d.UserPool?.MfaConfiguration).toBe('OFF');
  expect(d.UserPool?.CreationDate).toBeInstanceOf(Date);
});

test('GetCSVHeader follows the pool: custom attributes', async () => {
  const p = await c.cognito.send(new CreateUserPoolCommand({
    PoolName: 'custom', AutoVerifiedAttributes: ['email'],
    Schema: [{ Name: 'department', AttributeDataType: 'String', Mutable: true, StringAttributeConstraints: { MaxLength: '20' } }],
  }));
  const h = await c.cognito.send(new GetCSVHeaderCommand({ UserPoolId: p.UserPool!.Id! }));
  expect(h.CSVHeader!.slice(-3)).toEqual(['custom:department', 'cognito:mfa_enabled', 'cognito:username']);
});

test('documented errors: unknown pool, unknown job, bad MaxResults, bad job name', async () => {
  await expect(c.cognito.send(new GetCSVHeaderCommand({ UserPoolId: 'us-east-1_nope' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  await expect(describe('import-doesnotexist')).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  await expect(c.cognito.send(new ListUserImportJobsCommand({ UserPoolId: cloud.poolId, MaxResults: 61 }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
  await expect(c.cognito.send(new ListUserImportJobsCommand({ UserPoolId: cloud.poolId } as any))).rejects.toMatchObject({ name: 'InvalidParameterException' });
  await expect(c.cognito.send(new CreateUserImportJobCommand({ UserPoolId: cloud.poolId, JobName: 'bad/name', CloudWatchLogsRoleArn: ROLE }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
});

test('full job: Created → Pending → InProgress → Succeeded, users RESET_REQUIRED, existing SKIPPED, per-line logs', async () => {
  await c.cognito.send(new AdminCreateUserCommand({ UserPoolId: cloud.poolId, Username: 'existing1', UserAttributes: [{ Name: 'email', Value: 'existing1@example.com' }] }));
  const job = await createJob('full-job');
  expect(job.Status).toBe('Created');
  expect(job.JobId).toMatch(/^import-[0-9a-zA-Z-]+$/);
  await expect(c.cognito.send(new StartUserImportJobCommand({ UserPoolId: cloud.poolId, JobId: job.JobId }))).rejects.toMatchObject({ name: 'PreconditionNotMetException' });
  const csv = cognitoCsv([user(1), user(2, { 'cognito:username': 'existing1' }), user(3, { email: 'not-an-email' }), user(4, { phone_number: '+15555550104' })]);
  const up = await put(job.PreSignedUrl!, csv);
  expect(up.status).toBe(200);
  const started = await c.cognito.send(new StartUserImportJobCommand({ UserPoolId: cloud.poolId, JobId: job.JobId }));
  expect(started.UserImportJob?.Status).toBe('Pending');
  await until(async () => ((await describe(job.JobId!)).Status === 'InProgress' ? true : undefined));
  const done = await waitTerminal(job.JobId!);
  expect(done).toMatchObject({ Status: 'Succeeded', ImportedUsers: 2, SkippedUsers: 1, FailedUsers: 1 });
  expect(done.CompletionMessage).toBeTruthy();
  const u = await c.cognito.send(new AdminGetUserCommand({ UserPoolId: cloud.poolId, Username: 'user1' }));
  expect(u.UserStatus).toBe('RESET_REQUIRED');
  await expect(c.cognito.send(new AdminGetUserCommand({ UserPoolId: cloud.poolId, Username: 'user3' }))).rejects.toMatchObject({ name: 'UserNotFoundException' });
  const list = await c.cognito.send(new ListUsersCommand({ UserPoolId: cloud.poolId, Filter: 'username ^= "user"' }));
  expect(list.Users!.map((x) => x.Username).sort()).toEqual(['user1', 'user4']);
  const group = `/aws/cognito/userpools/${cloud.poolId}/${cloud.poolName}`;
  const ev = await c.logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: `${job.JobId}/full-job`, startFromHead: true }));
  const msgs = ev.events!.map((e) => e.message);
  expect(msgs).toEqual([
    '[SUCCEEDED] Line Number 2 - The import succeeded.',
    '[SKIPPED] Line Number 3 - The user already exists.',
    expect.stringMatching(/^\[FAILED\] Line Number 4 - /),
    '[SUCCEEDED] Line Number 5 - The import succeeded.',
  ]);
  expect(msgs.join('\n')).not.toContain('not-an-email');
  const again = await c.logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: `${job.JobId}/full-job`, startFromHead: true, nextToken: ev.nextForwardToken }));
  expect(again.events).toHaveLength(0);
  expect(again.nextForwardToken).toBe(ev.nextForwardToken);
  const filtered = await c.logs.send(new FilterLogEventsCommand({ logGroupName: group, logStreamNames: [`${job.JobId}/full-job`], filterPattern: '"[FAILED]"' }));
  expect(filtered.events).toHaveLength(1);
});

test('bad header fails the job', async () => {
  const job = await createJob('bad-header');
  await put(job.PreSignedUrl!, '\ufeffname,cognito:username\nx,y\n');
  await c.cognito.send(new StartUserImportJobCommand({ UserPoolId: cloud.poolId, JobId: job.JobId }));
  const done = await waitTerminal(job.JobId!);
  expect(done.Status).toBe('Failed');
});

test('pre-signed URL: SSE header, unsigned Content-Type accepted, length, expiry, tampering', async () => {
  const job = await createJob('url-rules');
  const csv = cognitoCsv([user(50)]);
  expect((await put(job.PreSignedUrl!, csv, {})).status).toBe(403);
  // Only host;x-amz-server-side-encryption are signed: S3 accepts an unsigned Content-Type (clients add one).
  expect((await put(job.PreSignedUrl!, csv, { 'x-amz-server-side-encryption': 'aws:kms', 'Content-Type': 'text/csv' })).status).toBe(200);
  expect((await put(job.PreSignedUrl!.replace(/X-Amz-Date=\d/, 'X-Amz-Date=1'), csv)).text).toContain('SignatureDoesNotMatch');
  expect((await put(job.PreSignedUrl!, csv)).status).toBe(200);
  cloud.clock.advance(16 * 60_000);
  const expired = await put(job.PreSignedUrl!, csv);
  expect(expired.status).toBe(403);
  expect(expired.text).toContain('Request has expired');
});

test('one active job per account; stop only while running', async () => {
  const a = await createJob('first');
  const b = await createJob('second');
  await put(a.PreSignedUrl!, cognitoCsv([user(60)]));
  await put(b.PreSignedUrl!, cognitoCsv([user(61)]));
  cloud.cognito.timings.minRunMs = 400;
  try {
    await c.cognito.send(new StartUserImportJobCommand({ UserPoolId: cloud.poolId, JobId: a.JobId }));
    await expect(c.cognito.send(new StartUserImportJobCommand({ UserPoolId: cloud.poolId, JobId: b.JobId })))
      .rejects.toMatchObject({ name: 'InvalidParameterException', message: expect.stringMatching(/another import job|already in progress/i) });
    await expect(c.cognito.send(new StopUserImportJobCommand({ UserPoolId: cloud.poolId, JobId: b.JobId }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
    const stop = await c.cognito.send(new StopUserImportJobCommand({ UserPoolId: cloud.poolId, JobId: a.JobId }));
    expect(stop.UserImportJob?.Status).toBe('Stopping');
    const stopped = await waitTerminal(a.JobId!);
    expect(stopped.Status).toBe('Stopped');
    expect(stopped.CompletionMessage).toMatch(/stopped/i);
    await c.cognito.send(new StartUserImportJobCommand({ UserPoolId: cloud.poolId, JobId: b.JobId }));
    expect((await waitTerminal(b.JobId!)).Status).toBe('Succeeded');
  } finally {
    cloud.cognito.timings.minRunMs = 60;
  }
});

test('list jobs: newest first, pages', async () => {
  const p1 = await c.cognito.send(new ListUserImportJobsCommand({ UserPoolId: cloud.poolId, MaxResults: 2 }));
  expect(p1.UserImportJobs).toHaveLength(2);
  expect(p1.PaginationToken).toBeDefined();
  const p2 = await c.cognito.send(new ListUserImportJobsCommand({ UserPoolId: cloud.poolId, MaxResults: 2, PaginationToken: p1.PaginationToken }));
  const all = cloud.jobs().map((j) => j.JobId).reverse();
  expect([...p1.UserImportJobs!, ...p2.UserImportJobs!].map((j) => j.JobId)).toEqual(all.slice(0, 4));
});

test('faults: throttling, late visibility, foreign job, PUT failures', async () => {
  cloud.faults.throttleCognito(2);
  await c.cognito.send(new GetCSVHeaderCommand({ UserPoolId: cloud.poolId }));
  await expect(c.cognito.send(new GetCSVHeaderCommand({ UserPoolId: cloud.poolId }))).rejects.toMatchObject({ name: 'TooManyRequestsException' });
  cloud.faults.reset();

  const job = await createJob('faults');
  cloud.faults.failNextPuts('500', 'reset');
  expect((await put(job.PreSignedUrl!, cognitoCsv([user(70)]))).status).toBe(500);
  await expect(put(job.PreSignedUrl!, cognitoCsv([user(70)]))).rejects.toThrow();
  expect((await put(job.PreSignedUrl!, cognitoCsv([user(70)]))).status).toBe(200);
  cloud.faults.lateUploadVisibility(1).foreignJobActive(200, cloud.clock.now());
  await expect(c.cognito.send(new StartUserImportJobCommand({ UserPoolId: cloud.poolId, JobId: job.JobId }))).rejects.toMatchObject({ name: 'PreconditionNotMetException' });
  await expect(c.cognito.send(new StartUserImportJobCommand({ UserPoolId: cloud.poolId, JobId: job.JobId }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
  await new Promise((r) => setTimeout(r, 250));
  await c.cognito.send(new StartUserImportJobCommand({ UserPoolId: cloud.poolId, JobId: job.JobId }));
  expect((await waitTerminal(job.JobId!)).Status).toBe('Succeeded');
});

test('created job expires (emulator clock)', async () => {
  const job = await createJob('expiring');
  cloud.clock.advance(25 * 3600_000);
  expect((await describe(job.JobId!)).Status).toBe('Expired');
});

test('EventBridge PutEvents is recorded', async () => {
  const r = await c.events.send(new PutEventsCommand({ Entries: [{ Source: 'test', DetailType: 'Thing', Detail: '{"a":1}' }] }));
  expect(r.FailedEntryCount).toBe(0);
  expect(cloud.events.recorded.at(-1)).toMatchObject({ source: 'test', detailType: 'Thing', detail: { a: 1 } });
});
