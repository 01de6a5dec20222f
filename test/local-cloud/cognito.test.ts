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
    'Cognito User Pools Import - Test Log',
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

// The guide (2026): password hashes and blank MFA.
const hashPool = async (mfa: 'OFF' | 'ON' | 'OPTIONAL' = 'OFF') => (await c.cognito.send(new CreateUserPoolCommand({
  PoolName: `hash-${mfa}-${Math.random().toString(36).slice(2, 8)}`, AutoVerifiedAttributes: ['email'], MfaConfiguration: mfa,
}))).UserPool!.Id!;
const runJob = async (poolId: string, csv: string, algorithm?: string) => {
  const job = (await c.cognito.send(new CreateUserImportJobCommand({
    UserPoolId: poolId, JobName: 'hashes', CloudWatchLogsRoleArn: ROLE, ...(algorithm ? { PasswordHashingAlgorithm: algorithm as any } : {}),
  }))).UserImportJob!;
  expect(job.PasswordHashingAlgorithm).toBe(algorithm);
  await put(job.PreSignedUrl!, csv);
  await c.cognito.send(new StartUserImportJobCommand({ UserPoolId: poolId, JobId: job.JobId }));
  const done = await until(async () => {
    const j = (await c.cognito.send(new DescribeUserImportJobCommand({ UserPoolId: poolId, JobId: job.JobId }))).UserImportJob!;
    return ['Succeeded', 'Failed'].includes(j.Status!) ? j : undefined;
  });
  expect(done.PasswordHashingAlgorithm).toBe(algorithm);
  const listed = await c.cognito.send(new ListUserImportJobsCommand({ UserPoolId: poolId, MaxResults: 1 }));
  expect(listed.UserImportJobs![0].PasswordHashingAlgorithm).toBe(algorithm);
  return done;
};
/** A file in the pool's full GetCSVHeader layout (every column is required) plus `extra` columns; commas written `\\,` (ARGON2ID's m=..,t=..). */
const fullCsv = async (poolId: string, rows: Array<Record<string, string>>, extra: string[] = []) => {
  const columns = [...(await c.cognito.send(new GetCSVHeaderCommand({ UserPoolId: poolId }))).CSVHeader!, ...extra];
  return [columns.join(','), ...rows.map((r) => columns.map((col) => (r[col] ?? '').replace(/,/g, '\\,')).join(','))].join('\n') + '\n';
};
const row = (name: string, more: Record<string, string> = {}) => ({ 'cognito:username': name, email: `${name}@example.com`, email_verified: 'true', 'cognito:mfa_enabled': 'false', ...more });
const status = async (poolId: string, username: string) => (await c.cognito.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: username }))).UserStatus;

test.each([
  ['BCRYPT', '$2b$10$CtA.Rcu/szzn9U00wpUjOuN3vrgJRZycv4aOzcP3GzqzO8UDPEFq6', '$2b$13$CtA.Rcu/szzn9U00wpUjOuN3vrgJRZycv4aOzcP3GzqzO8UDPEFq6'],
  ['SCRYPT', '65536$8$1$304dbaef7c5e828dc19c98f0600d18fe$4f69c498c12cd102d057356facf8d77e8d42407090491ea32c5b038f5a18c099',
    '131072$8$1$304dbaef7c5e828dc19c98f0600d18fe$4f69c498c12cd102d057356facf8d77e8d42407090491ea32c5b038f5a18c099'],
  ['ARGON2ID', '$argon2id$v=19$m=19456,t=2,p=1$ko/G5o1ms+ML08P95sQ8DA$AkVbvWSOqz7Hs3qthhWKxicOWnGLN+MBmpwc3emi5VA',
    '$argon2id$v=19$m=19456,t=3,p=1$ko/G5o1ms+ML08P95sQ8DA$AkVbvWSOqz7Hs3qthhWKxicOWnGLN+MBmpwc3emi5VA'],
  ['PBKDF2_SHA256', '$pbkdf2-sha256$600000$1XZlmwLQ2hhM3JYuCPiArQ$Pfheg9Zi/v5lXU4yyLA0WFUYEd/rlaVbzrM9oMD6IrA',
    '$pbkdf2-sha256$600001$1XZlmwLQ2hhM3JYuCPiArQ$Pfheg9Zi/v5lXU4yyLA0WFUYEd/rlaVbzrM9oMD6IrA'],
])('guide: %s: the guide\'s example imports CONFIRMED, an empty hash RESET_REQUIRED, one over a bound FAILs', async (algorithm, good, over) => {
  const poolId = await hashPool();
  const csv = await fullCsv(poolId, [row('h1', { password_hash: good }), row('h2'), row('h3', { password_hash: over })], ['password_hash']);
  const done = await runJob(poolId, csv, algorithm);
  expect(done).toMatchObject({ ImportedUsers: 2, FailedUsers: 1 });
  expect(await status(poolId, 'h1')).toBe('CONFIRMED');
  expect(await status(poolId, 'h2')).toBe('RESET_REQUIRED');
  await expect(status(poolId, 'h3')).rejects.toMatchObject({ name: 'UserNotFoundException' });
});

test('guide: an algorithm with no password_hash column fails the job; without an algorithm the column is accepted', async () => {
  const poolId = await hashPool();
  const noColumn = await runJob(poolId, await fullCsv(poolId, [row('n1')]), 'BCRYPT');
  expect(noColumn.Status).toBe('Failed');
  expect(noColumn.CompletionMessage).toContain('password_hash');
  const template = await runJob(poolId, await fullCsv(poolId, [row('t1')], ['password_hash']));
  expect(template).toMatchObject({ Status: 'Succeeded', ImportedUsers: 1 });
});

test.each([['OFF', 1], ['ON', 1], ['OPTIONAL', 0]] as const)('guide: MFA %s: a blank cognito:mfa_enabled imports %i user', async (mfa, imported) => {
  const poolId = await hashPool(mfa);
  const done = await runJob(poolId, await fullCsv(poolId, [row('b1', { 'cognito:mfa_enabled': '' })]));
  expect(done.ImportedUsers).toBe(imported);
});
