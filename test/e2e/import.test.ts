/**
 * End-to-end: files dropped into the local cloud's bucket go through the real trigger, the synthesized
 * workflow and the bundled worker, against the Cognito emulator. Needs `npm run build` (bundles).
 */
import { AdminCreateUserCommand, AdminGetUserCommand, ListUsersCommand } from '@aws-sdk/client-cognito-identity-provider';
import { LocalCloud, startLocalCloud } from '../../packages/cli/local-cloud';
import { clients, cognitoCsv, until, user } from '../local-cloud/helpers';
import { checkInvariants, drop } from './invariants';

let cloud: LocalCloud | undefined;
afterEach(async () => { await cloud?.stop(); cloud = undefined; });

const users = (from: number, count: number, extra: Record<string, string> = {}) =>
  Array.from({ length: count }, (_, i) => user(from + i, extra));

test('happy path: users visible through ListUsers/AdminGetUser, report counts right', async () => {
  cloud = await startLocalCloud({ port: 0 });
  const d = await drop(cloud, cognitoCsv(users(1, 4)), 'incoming/happy.csv');
  const report = await cloud.waitForReport(d.key);
  expect(report).toMatchObject({ reportVersion: 1, status: 'Succeeded', totals: { rows: 4, imported: 4, skipped: 0, failed: 0, rejected: 0 } });
  expect(report.source).toMatchObject({ bucket: cloud.bucket, key: d.key });
  expect(report.jobs).toHaveLength(1);
  const c = clients(cloud);
  const list = await c.cognito.send(new ListUsersCommand({ UserPoolId: cloud.poolId }));
  expect(list.Users!.map((u) => u.Username).sort()).toEqual(['user1', 'user2', 'user3', 'user4']);
  const u = await c.cognito.send(new AdminGetUserCommand({ UserPoolId: cloud.poolId, Username: 'user2' }));
  expect(u.UserStatus).toBe('RESET_REQUIRED');
  expect(u.UserAttributes).toEqual(expect.arrayContaining([{ Name: 'email', Value: 'user2@example.com' }]));
  // The event is sent by the step after the report: wait for the workflow to finish.
  await cloud.settle();
  expect(cloud.events.recorded.filter((e) => e.detailType === 'Cognito User Import Completed')).toHaveLength(1);
  await checkInvariants(cloud, [d]);
});

test('row errors are reported by physical line; the other rows are imported', async () => {
  cloud = await startLocalCloud({ port: 0 });
  const csv = cognitoCsv([user(1), user(2, { phone_number: '555-0102' }), user(3), user(4, { 'cognito:username': 'has space' }), user(5)]);
  const d = await drop(cloud, csv, 'incoming/row-errors.csv');
  const report = await cloud.waitForReport(d.key);
  expect(report.status).toBe('PartiallySucceeded');
  expect(report.totals).toMatchObject({ rows: 5, imported: 3, rejected: 2 });
  expect(report.rejected.map((r: any) => r.line).sort()).toEqual([3, 5]);
  expect(JSON.stringify(report)).not.toContain('555-0102');
  await checkInvariants(cloud, [d]);
});

test('a file with an unknown column is rejected before any job', async () => {
  cloud = await startLocalCloud({ port: 0 });
  const csv = cognitoCsv([user(1)]).replace('nickname', 'nick_name');
  const d = await drop(cloud, csv, 'incoming/rejected.csv');
  const report = await cloud.waitForReport(d.key);
  expect(report.status).toBe('Rejected');
  expect(cloud.jobs()).toHaveLength(0);
  await checkInvariants(cloud, [d]);
});

test('existing users are SKIPPED and reported with their line', async () => {
  cloud = await startLocalCloud({ port: 0 });
  const c = clients(cloud);
  await c.cognito.send(new AdminCreateUserCommand({ UserPoolId: cloud.poolId, Username: 'user2', UserAttributes: [{ Name: 'email', Value: 'user2@example.com' }] }));
  const d = await drop(cloud, cognitoCsv(users(1, 3)), 'incoming/skipped.csv');
  const report = await cloud.waitForReport(d.key);
  expect(report.totals).toMatchObject({ imported: 2, skipped: 1 });
  expect(report.users).toEqual([expect.objectContaining({ line: 3, username: 'user2', outcome: 'SKIPPED' })]);
  await checkInvariants(cloud, [d]);
});

test('a file split into two jobs (MAX_ROWS_PER_PART) runs them one after the other', async () => {
  cloud = await startLocalCloud({ port: 0, workerEnv: { MAX_ROWS_PER_PART: '3' } });
  const d = await drop(cloud, cognitoCsv(users(1, 5)), 'incoming/split.csv');
  const report = await cloud.waitForReport(d.key);
  expect(report.status).toBe('Succeeded');
  expect(report.jobs).toHaveLength(2);
  expect(report.totals.imported).toBe(5);
  expect(cloud.jobs().filter((j) => j.StartDate !== undefined)).toHaveLength(2);
  await checkInvariants(cloud, [d]);
});

test('a wait that times out says what is still in flight: the execution\'s state and the job\'s status', async () => {
  // A job that runs for a minute: the report cannot be there within the wait.
  cloud = await startLocalCloud({ port: 0, cognitoTimings: { minRunMs: 60_000 } });
  const d = await drop(cloud, cognitoCsv(users(1, 2)), 'incoming/slow.csv');
  const job = await until(() => cloud!.jobs().find((j) => j.Status === 'InProgress'), 30_000, 50);
  await expect(cloud.waitForReport(d.key, { timeoutMs: 300 })).rejects.toThrow(
    new RegExp(`no report for incoming/slow.csv within the time limit \\(executions running: \\S+ in \\w+; .*import jobs: ${job.JobId} InProgress\\)`));
  await expect(cloud.settle(300)).rejects.toThrow(/still busy at the time limit \(executions running: \S+ in \w+;/);
});
