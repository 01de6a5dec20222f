/**
 * End-to-end: users that already exist are found before the upload (AdminGetUser per row or a
 * ListUsers scan, whichever the engine picks), never sent to Cognito, and reported SKIPPED
 * "already exists". Needs `npm run build` (bundles).
 */
import { createHash } from 'node:crypto';
import { AdminCreateUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { LocalCloud, startLocalCloud } from '../../packages/cli/local-cloud';
import { executionNameFor } from '../../lambda/runtime/execution-name';
import { DEFAULT_PREFIXES } from '../../lambda/shared/defaults';
import { workPrefixFor } from '../../lambda/runtime/work-files';
import { sampleIndices } from '../../lambda/users/lookup-sample';
import { clients, cognitoCsv, user } from '../local-cloud/helpers';
import { checkInvariants, drop, poolUsernames } from './invariants';

let cloud: LocalCloud | undefined;
afterEach(async () => { await cloud?.stop(); cloud = undefined; });

const users = (from: number, count: number) => Array.from({ length: count }, (_, i) => user(from + i));

async function seed(c: LocalCloud, names: string[]) {
  const { cognito } = clients(c);
  for (const name of names) {
    await cognito.send(new AdminCreateUserCommand({ UserPoolId: c.poolId, Username: name, UserAttributes: [{ Name: 'email', Value: `${name}@example.com` }] }));
  }
}

/** Rows of every job's upload, as Cognito received them. */
const uploadedRows = (c: LocalCloud) => c.jobs().reduce((n, j) => n + j.ImportedUsers + j.SkippedUsers + j.FailedUsers, 0);

// Lookup by AdminGetUser (a small file against a larger pool) and by a ListUsers scan (reads made slow).
describe.each([
  ['AdminGetUser per row', { USER_LIST_RPS: '1' }],
  ['ListUsers scan', { USER_READ_RPS: '1' }],
])('existing users found by %s', (_how, workerEnv) => {
  test('are never uploaded, and are reported SKIPPED "already exists" on their line (case-insensitive pool)', async () => {
    cloud = await startLocalCloud({ port: 0, workerEnv });
    // The standard pool's usernames are case-insensitive: "User2" exists as "user2" does.
    await seed(cloud, ['User2', 'user4', ...Array.from({ length: 8 }, (_, i) => `other${i}`)]);
    const d = await drop(cloud, cognitoCsv(users(1, 5)), 'incoming/existing.csv');
    const report = await cloud.waitForReport(d.key);
    expect(report.status).toBe('PartiallySucceeded');
    expect(report.totals).toMatchObject({ rows: 5, imported: 3, skipped: 2, failed: 0, rejected: 0 });
    expect(report.users).toEqual([
      { line: 3, username: 'user2', outcome: 'SKIPPED', message: 'already exists' },
      { line: 5, username: 'user4', outcome: 'SKIPPED', message: 'already exists' },
    ]);
    expect(report.jobs).toHaveLength(1);
    expect(report.jobs[0]).toMatchObject({ importedUsers: 3, skippedUsers: 0 });
    expect(uploadedRows(cloud)).toBe(3);
    expect(report.lookup).toMatchObject({ method: _how.startsWith('ListUsers') ? 'ListUsers' : 'AdminGetUser', poolSizeEstimate: 10, existing: 2 });
    await checkInvariants(cloud, [d]);
  });
});

test('a file whose users all exist starts no job', async () => {
  cloud = await startLocalCloud({ port: 0 });
  await seed(cloud, ['user1', 'user2', 'user3']);
  const d = await drop(cloud, cognitoCsv(users(1, 3)), 'incoming/all-exist.csv');
  const report = await cloud.waitForReport(d.key);
  expect(report.totals).toMatchObject({ rows: 3, imported: 0, skipped: 3, failed: 0 });
  expect(report.users.map((u: any) => u.line)).toEqual([2, 3, 4]);
  expect(report.status).toBe('PartiallySucceeded');
  expect(cloud.jobs()).toHaveLength(0);
  await checkInvariants(cloud, [d]);
});

test('the lookup resumes across workflow steps (1-second budget, 4 AdminGetUser/s) and the parts are rebuilt', async () => {
  cloud = await startLocalCloud({ port: 0, workerEnv: { STEP_BUDGET_SECONDS: '1', USER_READ_RPS: '4', USER_LIST_RPS: '1', MAX_ROWS_PER_PART: '3' } });
  await seed(cloud, ['user2', 'user3', 'user7', ...Array.from({ length: 200 }, (_, i) => `other${i}`)]);
  const d = await drop(cloud, cognitoCsv(users(1, 8)), 'incoming/resume.csv');
  const report = await cloud.waitForReport(d.key, { timeoutMs: 120_000 });
  expect(report.totals).toMatchObject({ rows: 8, imported: 5, skipped: 3, failed: 0 });
  expect(report.users.map((u: any) => [u.line, u.username])).toEqual([[3, 'user2'], [4, 'user3'], [8, 'user7']]);
  // 5 rows left, at most 3 a part: two jobs, each with only new users.
  expect(report.jobs.map((j: any) => j.importedUsers)).toEqual([3, 2]);
  expect(uploadedRows(cloud)).toBe(5);
  // 8 AdminGetUser calls at 4/s cannot fit one 1-second step.
  expect(report.lookup).toMatchObject({ method: 'AdminGetUser', existing: 3 });
  expect(report.lookup.steps).toBeGreaterThan(1);
  await checkInvariants(cloud, [d]);
}, 180_000);

// A random sample first (LOOKUP_SAMPLE_ROWS): here the full lookup of 40 rows (0.8 s at 50/s) costs
// more than a sample of 5 (0.1 s), as 500,000 rows against 10 million users do at the defaults.
describe('a random sample looked up first', () => {
  const others = Array.from({ length: 20 }, (_, i) => `other${i}`);

  test('finds nobody: the full lookup is skipped and the report states the sample and its bound', async () => {
    cloud = await startLocalCloud({ port: 0, workerEnv: { LOOKUP_SAMPLE_ROWS: '5', USER_LIST_RPS: '1' } });
    await seed(cloud, others);
    const d = await drop(cloud, cognitoCsv(users(1, 40)), 'incoming/sampled.csv');
    const report = await cloud.waitForReport(d.key);
    expect(report.totals).toMatchObject({ rows: 40, imported: 40, skipped: 0, failed: 0 });
    // DescribeUserPool + 5 AdminGetUser: nothing else was asked.
    expect(report.lookup).toMatchObject({ method: 'AdminGetUser', requests: 6, steps: 1, existing: 0, sample: { rows: 5, of: 40, found: 0, confidence: 0.95 } });
    expect(report.lookup.sample.existingShareBound).toBeCloseTo(1 - Math.pow(0.05, 1 / 5), 6);
    await checkInvariants(cloud, [d]);
  });

  test('finds some: the full lookup runs, and every existing row is taken out', async () => {
    cloud = await startLocalCloud({ port: 0, workerEnv: { LOOKUP_SAMPLE_ROWS: '5', USER_LIST_RPS: '1' } });
    // 38 of the 40 rows exist: any sample of 5 meets some.
    await seed(cloud, [...others, ...Array.from({ length: 38 }, (_, i) => `user${i + 3}`)]);
    const d = await drop(cloud, cognitoCsv(users(1, 40)), 'incoming/sampled-some.csv');
    const report = await cloud.waitForReport(d.key);
    expect(report.totals).toMatchObject({ rows: 40, imported: 2, skipped: 38, failed: 0 });
    expect(report.lookup.existing).toBe(38);
    expect(report.lookup.sample.found).toBeGreaterThan(0);
    expect(report.lookup.sample.existingShareBound).toBeUndefined();
    // The sample's 5 requests and the full lookup's 40 (AdminGetUser, since ListUsers is slow) and the describe.
    expect(report.lookup.requests).toBe(46);
    expect(uploadedRows(cloud)).toBe(2);
    await checkInvariants(cloud, [d]);
  });

  test('an existing user the sample missed is skipped by Cognito and reported SKIPPED; the job does not fail (failJobOverFailedOrSkipped 0.5)', async () => {
    cloud = await startLocalCloud({ port: 0, behaviour: { failJobOverFailedOrSkipped: 0.5 }, workerEnv: { LOOKUP_SAMPLE_ROWS: '1', USER_LIST_RPS: '1' } });
    await seed(cloud, [...others, 'user17']);
    const d = await drop(cloud, cognitoCsv(users(1, 40)), 'incoming/sampled-missed.csv');
    const report = await cloud.waitForReport(d.key);
    // Whether the sample of 1 met user17 (then the full lookup took it out) or not (then Cognito
    // skipped it), the row is SKIPPED on its line and no job failed.
    expect(report.totals).toMatchObject({ rows: 40, imported: 39, skipped: 1, failed: 0 });
    expect(report.users.map((u: any) => [u.line, u.outcome])).toEqual([[18, 'SKIPPED']]);
    expect(report.jobs.map((j: any) => j.status)).toEqual(['Succeeded']);
    expect(report.lookup.sample.rows).toBe(1);
    await checkInvariants(cloud, [d]);
  });
});

/*
 * The sample's fallback (lambda/users/sample-fallback.ts): a clean sample that missed existing users, and
 * Cognito failing the job over them. Which rows the sample looks up is known before the drop: they are drawn
 * by a generator seeded with the execution's work prefix (lookup-sample.ts), a hash of the bucket, the key and
 * the ETag (the body's MD5), so the existing users are put where the sample does not look.
 */
describe('existing users the sample missed', () => {
  const others = Array.from({ length: 20 }, (_, i) => `other${i}`);
  const ROWS = 40;
  const SAMPLE = 5;
  const workerEnv = { LOOKUP_SAMPLE_ROWS: String(SAMPLE), USER_LIST_RPS: '1' };

  /** Three rows (0-based indices into the file's rows) the sample will not look up, spread over the file. */
  function missedBySample(c: LocalCloud, key: string, body: string): number[] {
    const etag = createHash('md5').update(body).digest('hex');
    // The local cloud's importer keeps the default prefixes.
    const prefix = workPrefixFor(DEFAULT_PREFIXES.work, executionNameFor(c.bucket, key, etag));
    const sampled = new Set(sampleIndices(ROWS, SAMPLE, prefix));
    const free = Array.from({ length: ROWS }, (_, i) => i).filter((i) => !sampled.has(i));
    return [free[10], free[20], free[30]];
  }

  async function run(behaviour: Record<string, unknown>, key: string) {
    cloud = await startLocalCloud({ port: 0, behaviour, workerEnv });
    const body = cognitoCsv(users(1, ROWS));
    const missed = missedBySample(cloud, key, body);
    await seed(cloud, [...others, ...missed.map((i) => `user${i + 1}`)]);
    const d = await drop(cloud, body, key);
    expect(d.etag).toBe(createHash('md5').update(body).digest('hex'));
    const report = await cloud.waitForReport(d.key, { timeoutMs: 120_000 });
    // The sample found nobody, as planned: the full lookup was skipped at first.
    expect(report.lookup.sample).toMatchObject({ rows: SAMPLE, of: ROWS, found: 0 });
    await checkInvariants(cloud, [d]);
    return { d, report, missed };
  }

  /** Every file here: 3 of its users exist, so it ends PartiallySucceeded with them skipped and the rest imported. */
  const expectThreeSkipped = (report: any) => {
    expect(report.status).toBe('PartiallySucceeded');
    expect(report.totals).toEqual({ rows: ROWS, imported: ROWS - 3, skipped: 3, failed: 0, rejected: 0 });
  };

  const skippedAsExisting = (missed: number[]) => missed.map((i) => ({ line: i + 2, username: `user${i + 1}`, outcome: 'SKIPPED', message: 'already exists' }));

  async function expectEveryRowInThePool(c: LocalCloud) {
    const pool = await poolUsernames(c);
    for (let n = 1; n <= ROWS; n++) expect(pool.has(`user${n}`)).toBe(true);
    expect(pool.size).toBe(others.length + ROWS);
  }

  test('Cognito fails the job at the first one and stops (failJobOverFailedOrSkipped 0, failedJobStops): the full lookup runs on the rows it did not import, and a second job imports the rest', async () => {
    const { report, missed } = await run({ failJobOverFailedOrSkipped: 0, failedJobStops: true }, 'incoming/missed-stops.csv');
    const firstImported = missed[0];
    expectThreeSkipped(report);
    expect(report.users).toEqual(skippedAsExisting(missed));
    // Both jobs, as Cognito ended them: the failed one imported the rows before the first existing user.
    expect(report.jobs.map((j: any) => [j.status, j.importedUsers, j.skippedUsers])).toEqual([
      ['Failed', firstImported, 1],
      ['Succeeded', ROWS - firstImported - 3, 0],
    ]);
    expect(report.jobs[0].rowsWithoutResult).toBe(ROWS - firstImported - 1);
    expect(report.jobs[1].jobName).not.toBe(report.jobs[0].jobName);
    expect(report.lookup).toMatchObject({
      method: 'AdminGetUser', existing: 3,
      fallback: { failedJobIds: [report.jobs[0].jobId], reason: 'existing-users-skipped', rows: ROWS - firstImported },
    });
    expect(report.failedRowsUri).toBeUndefined();
    // Nobody was uploaded twice: the failed job's rows, then only the absent rows it did not get to.
    expect(uploadedRows(cloud!)).toBe(firstImported + 1 + ROWS - firstImported - 3);
    await expectEveryRowInThePool(cloud!);
  }, 180_000);

  test('Cognito fails the job after processing every row (failJobOverFailedOrSkipped 0): the rows it imported count as imported, the others exist, no second job is needed', async () => {
    const { report, missed } = await run({ failJobOverFailedOrSkipped: 0 }, 'incoming/missed-all-processed.csv');
    expectThreeSkipped(report);
    expect(report.users).toEqual(skippedAsExisting(missed));
    expect(report.jobs.map((j: any) => [j.status, j.importedUsers, j.skippedUsers])).toEqual([['Failed', ROWS - 3, 3]]);
    expect(report.lookup).toMatchObject({ existing: 3, fallback: { failedJobIds: [report.jobs[0].jobId], reason: 'existing-users-skipped', rows: 3 } });
    expect(cloud!.jobs()).toHaveLength(1);
    await expectEveryRowInThePool(cloud!);
  }, 180_000);

  test('Cognito skips them and the job succeeds (failJobOverFailedOrSkipped 0.5): no fallback, one job', async () => {
    const { report, missed } = await run({ failJobOverFailedOrSkipped: 0.5 }, 'incoming/missed-succeeds.csv');
    expectThreeSkipped(report);
    // Skipped by Cognito, with its own message (not "already exists": the engine never looked them up).
    expect(report.users.map((u: any) => [u.line, u.outcome])).toEqual(missed.map((i) => [i + 2, 'SKIPPED']));
    expect(report.jobs.map((j: any) => j.status)).toEqual(['Succeeded']);
    expect(report.lookup.fallback).toBeUndefined();
    expect(cloud!.workerActions.filter((a) => a === 'findExisting')).toHaveLength(1);
    expect(cloud!.jobs()).toHaveLength(1);
  }, 180_000);
});
