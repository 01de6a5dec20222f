/**
 * Clients that follow the developer guide must work against the local cloud: the guide's own sample CSV
 * (booleans written TRUE/FALSE, its column order), and an upload client that adds a Content-Type header
 * (only host;x-amz-server-side-encryption are signed in Cognito's pre-signed URL, so S3 accepts it).
 */
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { LocalCloud, startLocalCloud } from '../../packages/cli/local-cloud';
import { cognitoCsv, user } from '../local-cloud/helpers';
import { run } from './run';

const ROLE = 'arn:aws:iam::111122223333:role/CognitoImportRole';
/** The guide's sample ("Creating the user import .csv file"), two users, TRUE/FALSE as written there. */
const GUIDE_SAMPLE = [
  'cognito:username,name,given_name,family_name,middle_name,nickname,preferred_username,profile,picture,website,email,email_verified,gender,birthdate,zoneinfo,locale,phone_number,phone_number_verified,address,updated_at,cognito:mfa_enabled',
  'John,,John,Doe,,,,,,,johndoe@example.com,TRUE,,02/01/1985,,,+12345550100,TRUE,123 Any Street,,FALSE',
  'Jane,,Jane,Roe,,,,,,,janeroe@example.com,TRUE,,01/01/1985,,,+12345550199,TRUE,100 Main Street,,FALSE',
].join('\n') + '\n';

let cloud: LocalCloud;
let dir: string;
beforeAll(async () => {
  cloud = await startLocalCloud({ port: 0, workflow: false });
  dir = mkdtempSync(join(tmpdir(), 'cui-guide-'));
});
afterAll(async () => { await cloud.stop(); });

async function aws(...args: string[]): Promise<any> {
  const r = await run(cloud, 'aws', ['cognito-idp', ...args, '--endpoint-url', cloud.endpoint, '--region', 'us-east-1', '--output', 'json']);
  if (r.code !== 0) throw new Error(`aws ${args[0]} failed: ${r.stderr}`);
  return r.stdout.trim() ? JSON.parse(r.stdout) : {};
}

/** The guide's flow with the AWS CLI; the upload with curl and the given extra headers. */
async function guideFlow(name: string, csv: string, curlHeaders: string[]): Promise<any> {
  const path = join(dir, `${name}.csv`);
  writeFileSync(path, csv);
  const created = (await aws('create-user-import-job', '--job-name', name, '--user-pool-id', cloud.poolId, '--cloud-watch-logs-role-arn', ROLE)).UserImportJob;
  const curl = await run(cloud, 'curl', ['-v', '-T', path, '-H', 'x-amz-server-side-encryption:aws:kms', ...curlHeaders.flatMap((h) => ['-H', h]), created.PreSignedUrl]);
  expect(curl.stderr).toMatch(/< HTTP\/1\.1 200/);
  await aws('start-user-import-job', '--user-pool-id', cloud.poolId, '--job-id', created.JobId);
  let job: any;
  for (let i = 0; i < 100; i++) {
    job = (await aws('describe-user-import-job', '--user-pool-id', cloud.poolId, '--job-id', created.JobId)).UserImportJob;
    if (['Succeeded', 'Failed', 'Stopped', 'Expired'].includes(job.Status)) break;
  }
  return job;
}

test("the guide's sample CSV with TRUE/FALSE imports both users", async () => {
  const job = await guideFlow('Guide-Sample', GUIDE_SAMPLE, []);
  expect(job).toMatchObject({ Status: 'Succeeded', ImportedUsers: 2, FailedUsers: 0, CompletionMessage: 'Import Job Completed Successfully.' });
  const john = await aws('admin-get-user', '--user-pool-id', cloud.poolId, '--username', 'John');
  expect(john.UserAttributes).toEqual(expect.arrayContaining([{ Name: 'email_verified', Value: 'true' }]));
});

test('an upload client that sends Content-Type is accepted (the header is not signed)', async () => {
  const job = await guideFlow('With-Content-Type', cognitoCsv([user(301), user(302)]), ['Content-Type: text/csv']);
  expect(job).toMatchObject({ Status: 'Succeeded', ImportedUsers: 2 });
});

test('an unsigned x-amz-* header is still refused (only Content-Type is tolerated)', async () => {
  const path = join(dir, 'meta.csv');
  writeFileSync(path, cognitoCsv([user(303)]));
  const created = (await aws('create-user-import-job', '--job-name', 'Meta', '--user-pool-id', cloud.poolId, '--cloud-watch-logs-role-arn', ROLE)).UserImportJob;
  const curl = await run(cloud, 'curl', ['-v', '-T', path, '-H', 'x-amz-server-side-encryption:aws:kms', '-H', 'x-amz-meta-owner: me', created.PreSignedUrl]);
  expect(curl.stderr).toMatch(/< HTTP\/1\.1 403/);
});
