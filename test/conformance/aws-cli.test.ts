/**
 * The developer guide's import flow, run verbatim with the AWS CLI (v1 here) and curl against the local
 * cloud with --endpoint-url.
 */
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { LocalCloud, startLocalCloud } from '../../packages/cli/local-cloud';
import { cognitoCsv, user } from '../local-cloud/helpers';
import { run } from './run';

const ROLE = 'arn:aws:iam::111122223333:role/CognitoImportRole';
let cloud: LocalCloud;
let dir: string;

beforeAll(async () => {
  cloud = await startLocalCloud({ port: 0, workflow: false, cognitoTimings: { pendingMs: 50, minRunMs: 100 } });
  dir = mkdtempSync(join(tmpdir(), 'cui-cli-'));
});
afterAll(async () => { await cloud.stop(); });

async function aws(...args: string[]): Promise<any> {
  const r = await run(cloud, 'aws', ['cognito-idp', ...args, '--endpoint-url', cloud.endpoint, '--region', 'us-east-1', '--output', 'json']);
  if (r.code !== 0) throw Object.assign(new Error(`aws ${args[0]} failed: ${r.stderr}`), { stderr: r.stderr });
  return r.stdout.trim() ? JSON.parse(r.stdout) : {};
}

async function importWithCli(jobName: string, csvPath: string): Promise<string> {
  const created = await aws('create-user-import-job', '--job-name', jobName, '--user-pool-id', cloud.poolId, '--cloud-watch-logs-role-arn', ROLE);
  expect(created.UserImportJob.Status).toBe('Created');
  const url: string = created.UserImportJob.PreSignedUrl;
  const curl = await run(cloud, 'curl', ['-v', '-T', csvPath, '-H', 'x-amz-server-side-encryption:aws:kms', url]);
  expect(curl.code).toBe(0);
  expect(curl.stderr).toMatch(/< HTTP\/1\.1 200/);
  return created.UserImportJob.JobId;
}

test('aws --version is available', async () => {
  const r = await run(cloud, 'aws', ['--version']);
  expect(`${r.stdout}${r.stderr}`).toMatch(/aws-cli\/\d/);
});

test('developer-guide flow: create, curl upload, start, describe until Succeeded', async () => {
  const csv = join(dir, 'users.csv');
  writeFileSync(csv, cognitoCsv([user(1), user(2), user(3)]));
  const jobId = await importWithCli('Import-Test-Job', csv);
  const started = await aws('start-user-import-job', '--user-pool-id', cloud.poolId, '--job-id', jobId);
  expect(started.UserImportJob.Status).toBe('Pending');
  let status = '';
  let job: any;
  for (let i = 0; i < 100 && status !== 'Succeeded'; i++) {
    job = (await aws('describe-user-import-job', '--user-pool-id', cloud.poolId, '--job-id', jobId)).UserImportJob;
    status = job.Status;
  }
  expect(job).toMatchObject({ Status: 'Succeeded', ImportedUsers: 3, SkippedUsers: 0, FailedUsers: 0 });
  expect(job.CreationDate).toBeDefined();
});

test('curl without the SSE header is refused', async () => {
  const csv = join(dir, 'nosse.csv');
  writeFileSync(csv, cognitoCsv([user(9)]));
  const created = await aws('create-user-import-job', '--job-name', 'NoSse', '--user-pool-id', cloud.poolId, '--cloud-watch-logs-role-arn', ROLE);
  const curl = await run(cloud, 'curl', ['-v', '-T', csv, created.UserImportJob.PreSignedUrl]);
  expect(curl.stderr).toMatch(/< HTTP\/1\.1 403/);
  const start = await run(cloud, 'aws', ['cognito-idp', 'start-user-import-job', '--user-pool-id', cloud.poolId, '--job-id', created.UserImportJob.JobId, '--endpoint-url', cloud.endpoint]);
  expect(start.code).not.toBe(0);
  expect(start.stderr).toContain('PreconditionNotMetException');
});

test('list-user-import-jobs --max-results 2, then the next page with --pagination-token', async () => {
  await aws('create-user-import-job', '--job-name', 'Third-Job', '--user-pool-id', cloud.poolId, '--cloud-watch-logs-role-arn', ROLE);
  const p1 = await aws('list-user-import-jobs', '--user-pool-id', cloud.poolId, '--max-results', '2');
  expect(p1.UserImportJobs).toHaveLength(2);
  expect(p1.PaginationToken).toBeTruthy();
  const p2 = await aws('list-user-import-jobs', '--user-pool-id', cloud.poolId, '--max-results', '2', '--pagination-token', p1.PaginationToken);
  expect(p2.UserImportJobs.length).toBeGreaterThan(0);
  const ids = [...p1.UserImportJobs, ...p2.UserImportJobs].map((j: any) => j.JobId);
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids).toEqual(cloud.jobs().map((j) => j.JobId).reverse().slice(0, ids.length));
});

test('stop-user-import-job on a running job: Stopped with a completion message', async () => {
  const csv = join(dir, 'stop.csv');
  writeFileSync(csv, cognitoCsv([user(20), user(21)]));
  const jobId = await importWithCli('Stop-Test-Job', csv);
  cloud.cognito.timings.minRunMs = 20_000;
  try {
    await aws('start-user-import-job', '--user-pool-id', cloud.poolId, '--job-id', jobId);
    const stop = await aws('stop-user-import-job', '--user-pool-id', cloud.poolId, '--job-id', jobId);
    expect(['Stopping', 'Stopped']).toContain(stop.UserImportJob.Status);
    let job: any;
    for (let i = 0; i < 50; i++) {
      job = (await aws('describe-user-import-job', '--user-pool-id', cloud.poolId, '--job-id', jobId)).UserImportJob;
      if (job.Status === 'Stopped') break;
    }
    expect(job.Status).toBe('Stopped');
    expect(job.CompletionMessage).toBeTruthy();
    const again = await run(cloud, 'aws', ['cognito-idp', 'stop-user-import-job', '--user-pool-id', cloud.poolId, '--job-id', jobId, '--endpoint-url', cloud.endpoint]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('InvalidParameterException');
  } finally {
    cloud.cognito.timings.minRunMs = 100;
  }
});

test('get-csv-header and documented errors', async () => {
  const h = await aws('get-csv-header', '--user-pool-id', cloud.poolId);
  expect(h.UserPoolId).toBe(cloud.poolId);
  expect(h.CSVHeader.slice(-2)).toEqual(['cognito:mfa_enabled', 'cognito:username']);
  const r = await run(cloud, 'aws', ['cognito-idp', 'get-csv-header', '--user-pool-id', 'us-east-1_Missing1', '--endpoint-url', cloud.endpoint]);
  expect(r.code).not.toBe(0);
  expect(r.stderr).toContain('ResourceNotFoundException');
  const d = await aws('describe-user-pool', '--user-pool-id', cloud.poolId);
  expect(d.UserPool.Id).toBe(cloud.poolId);
});
