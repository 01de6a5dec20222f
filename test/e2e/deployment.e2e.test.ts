/**
 * UserImportDeployment as `cdk deploy` drives it, rehearsed on the local cloud: a consumer-style app is
 * synthesized into a cloud assembly; CloudFormation's requests (Create, Update, Delete) go to the
 * ServiceToken through the local Lambda API; aws-cdk-lib's OWN Provider framework handlers (from the
 * assembly's assets) call our bundled onEvent/isComplete through the Lambda API and run the synthesized
 * waiter state machine; the answer arrives at the pre-signed ResponseURL and is judged by CloudFormation's
 * rules. Nothing of the framework is reproduced here.
 *
 * Needs `npm run build` (the bundles and the local cloud's JavaScript, which the Lambda sandbox loads).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { CognitoIdentityProviderClient, DescribeUserPoolCommand, ListUsersCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { StackArtifact } from '../../packages/cli/local-cloud/rehearse/assembly';
import { Rehearsal } from '../../packages/cli/local-cloud/rehearse/rehearsal';
import { ImportSource } from '../../lib';
import { CSV_HEADER, logicalIdOf, SeedProps, synthConsumerApp } from './consumer-app';

const ROOT = join(__dirname, '..', '..');
const built = ['deployment-on-event', 'deployment-is-complete', 'worker', 'trigger'].every((n) => existsSync(join(ROOT, 'assets', 'lambda', n, 'index.js')))
  && existsSync(join(ROOT, 'packages', 'cli', 'local-cloud', 'lambda', 'host-routes.js'));
const describeIfBuilt = built ? describe : describe.skip;
if (!built) {
  console.warn('deployment e2e skipped: run `npm run build` first');
}

const GOOD = [
  'alice.example,alice@example.com,true,gold,5',
  'bob.example,bob@example.com,true,silver,10',
  'carol.example,carol@example.com,true,gold,1',
];

let dir: string;
const csv = (name: string, rows: string[]): ImportSource => {
  const path = join(dir, name);
  writeFileSync(path, [CSV_HEADER, ...rows].join('\n') + '\n');
  return ImportSource.fromAsset(path);
};

const cognitoClient = (r: Rehearsal) => new CognitoIdentityProviderClient({ endpoint: r.cloud.endpoint, region: r.cloud.region, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });

async function usernames(r: Rehearsal): Promise<string[]> {
  const client = cognitoClient(r);
  try {
    const out = await client.send(new ListUsersCommand({ UserPoolId: r.cloud.poolId }));
    return (out.Users ?? []).map((u) => u.Username!).sort();
  } finally { client.destroy(); }
}

describeIfBuilt('UserImportDeployment rehearsed through aws-cdk-lib\'s Provider framework', () => {
  let v1: StackArtifact;
  let rehearsal: Rehearsal;
  let seedId: string;
  let seedPhysicalId: string;
  let seedData: Record<string, unknown>;
  const seeds = (): Record<string, SeedProps> => ({
    SeedUsers: { source: csv('seed.csv', GOOD) },
    PartialSeed: { source: csv('partial.csv', ['frank.example,frank@example.com,true,gold,3', 'grace.example,grace@example.com,true,platinum-plus,3']), maxFailedUsers: 1 },
    SlowSeed: { source: csv('slow.csv', Array.from({ length: 20 }, (_, i) => `slow${i}.example,slow${i}@example.com,true,bronze,1`)), waitForCompletion: false },
  });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cui-deploy-e2e-'));
    v1 = synthConsumerApp(join(dir, 'v1'), seeds());
    rehearsal = await Rehearsal.start(v1, { timeScale: 0.01 });
    seedId = logicalIdOf(v1, 'SeedUsers');
  }, 120_000);

  afterAll(async () => {
    await rehearsal?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the pool is the stack\'s own: its custom attributes and constraints come from the template', async () => {
    const client = cognitoClient(rehearsal);
    try {
      const { UserPool } = await client.send(new DescribeUserPoolCommand({ UserPoolId: rehearsal.cloud.poolId }));
      const schema = UserPool?.SchemaAttributes ?? [];
      expect(schema.find((a) => a.Name === 'custom:tier')).toMatchObject({ AttributeDataType: 'String', StringAttributeConstraints: { MinLength: '1', MaxLength: '8' } });
      expect(schema.find((a) => a.Name === 'custom:seats')).toMatchObject({ AttributeDataType: 'Number', NumberAttributeConstraints: { MinValue: '1', MaxValue: '100' } });
      expect(schema.find((a) => a.Name === 'email')).toMatchObject({ Required: true });
      expect(UserPool?.AutoVerifiedAttributes).toEqual(['email']);
    } finally { client.destroy(); }
  });

  test('Create: the seed CSV is imported and the counts come back as attributes', async () => {
    const r = await rehearsal.request('Create', seedId);
    expect(r).toMatchObject({ status: 'SUCCESS' });
    expect(r.physicalResourceId).toMatch(/^arn:aws:states:[^:]+:000000000000:execution:[^:]+:deploy-/);
    expect(r.data).toEqual({
      JobId: expect.stringMatching(/^import-[0-9a-zA-Z-]+$/),
      Status: 'Succeeded',
      ImportedUsers: '3', SkippedUsers: '0', FailedUsers: '0', RejectedRows: '0',
      ReportUri: expect.stringMatching(new RegExp(`^s3://${rehearsal.cloud.bucket}/reports/work/deployments/deploy-.*\\.csv\\.json$`)),
    });
    expect(r.bodyBytes).toBeLessThanOrEqual(4096);
    expect(await usernames(rehearsal)).toEqual(['alice.example', 'bob.example', 'carol.example']);
    // The waiter state machine of the template ran the framework's isComplete more than once (the import takes time).
    const waiter = [...rehearsal.cloud.stepFunctions.executions.values()].filter((e) => e.machineArn.includes('waiterstatemachine'));
    expect(waiter).toHaveLength(1);
    await waiter[0].done;
    expect(waiter[0].status).toBe('SUCCEEDED');
    expect(waiter[0].states.filter((s) => s === 'framework-isComplete-task').length).toBeGreaterThanOrEqual(1);
    seedPhysicalId = r.physicalResourceId!;
    seedData = r.data;
  });

  test('Update that changes only the timeout is a no-op: same physical id and attributes, no new job', async () => {
    const v2 = synthConsumerApp(join(dir, 'timeout'), { ...seeds(), SeedUsers: { source: csv('seed.csv', GOOD), timeoutSeconds: 1800 } });
    const jobs = rehearsal.cloud.jobs().length;
    const r = await rehearsal.request('Update', seedId, { template: v2.template, oldTemplate: v1.template, physicalResourceId: seedPhysicalId });
    expect(r).toMatchObject({ status: 'SUCCESS', physicalResourceId: seedPhysicalId, data: seedData });
    expect(rehearsal.cloud.jobs()).toHaveLength(jobs);
  });

  test('Update with a changed CSV imports again (existing users SKIPPED); CloudFormation then deletes the old physical id', async () => {
    const v2 = synthConsumerApp(join(dir, 'csv'), { ...seeds(), SeedUsers: { source: csv('seed-v2.csv', [...GOOD, 'dave.example,dave@example.com,true,gold,2']) } });
    await rehearsal.uploadAssets(v2);
    const r = await rehearsal.request('Update', seedId, { template: v2.template, oldTemplate: v1.template, physicalResourceId: seedPhysicalId });
    expect(r.status).toBe('SUCCESS');
    expect(r.physicalResourceId).not.toBe(seedPhysicalId);
    expect(r.data).toMatchObject({ ImportedUsers: '1', SkippedUsers: '3', FailedUsers: '0', RejectedRows: '0' });
    const cleanup = await rehearsal.request('Delete', seedId, { template: v1.template, physicalResourceId: seedPhysicalId });
    expect(cleanup.status).toBe('SUCCESS');
    expect(await usernames(rehearsal)).toEqual(['alice.example', 'bob.example', 'carol.example', 'dave.example']);
  });

  test('a row breaking a custom attribute constraint passes under maxFailedUsers 1, and fails the Update that lowers it to 0', async () => {
    const id = logicalIdOf(v1, 'PartialSeed');
    const created = await rehearsal.request('Create', id);
    expect(created).toMatchObject({ status: 'SUCCESS', data: { Status: 'PartiallySucceeded', ImportedUsers: '1', RejectedRows: '1' } });
    const strict = synthConsumerApp(join(dir, 'strict'), { ...seeds(), PartialSeed: { ...seeds().PartialSeed, maxFailedUsers: 0 } });
    const r = await rehearsal.request('Update', id, { template: strict.template, oldTemplate: v1.template, physicalResourceId: created.physicalResourceId });
    expect(r.status).toBe('FAILED');
    expect(r.reason).toMatch(/more than maxFailedUsers \(0\)/);
    expect(r.reason).toMatch(/line 3\b/);
    // Never a user's attribute value in what CloudFormation shows.
    expect(r.reason).not.toContain('platinum-plus');
    expect(r.reason).not.toContain('@example.com');
  });

  test('Delete while the import is still running stops it (execution and job); users imported so far stay', async () => {
    Object.assign(rehearsal.cloud.cognito.timings, { minRunMs: 60_000 });
    try {
      const id = logicalIdOf(v1, 'SlowSeed');
      const created = await rehearsal.request('Create', id);
      expect(created).toMatchObject({ status: 'SUCCESS', data: { Status: expect.stringMatching(/^(Running|Succeeded)$/) } });
      const mine = () => rehearsal.cloud.jobs().find((j) => j.JobName.includes(id));
      const deadline = Date.now() + 30_000;
      while (mine()?.Status !== 'InProgress' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(mine()?.Status).toBe('InProgress');
      const deleted = await rehearsal.request('Delete', id, { physicalResourceId: created.physicalResourceId });
      expect(deleted.status).toBe('SUCCESS');
      expect(['Stopping', 'Stopped']).toContain(mine()!.Status);
      const imports = [...rehearsal.cloud.stepFunctions.executions.values()].filter((e) => e.arn === created.physicalResourceId);
      expect(imports.map((e) => e.status)).toEqual(['ABORTED']);
    } finally {
      Object.assign(rehearsal.cloud.cognito.timings, { minRunMs: 100 });
    }
  });
});

describeIfBuilt('an environment-specific stack', () => {
  test('is rehearsed in its own region (pool, workflow and framework ARNs agree)', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'cui-deploy-env-'));
    dir = tmp;
    let r: Rehearsal | undefined;
    try {
      const app = synthConsumerApp(join(tmp, 'app'), { SeedUsers: { source: csv('seed.csv', GOOD.slice(0, 1)) } }, { account: '123456789012', region: 'eu-west-1' });
      expect(app.region).toBe('eu-west-1');
      r = await Rehearsal.start(app, { timeScale: 0.01 });
      expect(r.cloud.poolId).toMatch(/^eu-west-1_/);
      const created = await r.request('Create', logicalIdOf(app, 'SeedUsers'));
      expect(created).toMatchObject({ status: 'SUCCESS', data: { ImportedUsers: '1' } });
      expect(created.physicalResourceId).toMatch(/^arn:aws:states:eu-west-1:/);
    } finally {
      await r?.stop();
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 90_000);
});

describeIfBuilt('UserImportDeployment timeout, rehearsed in real time', () => {
  let tmp: string;
  let rehearsal: Rehearsal;
  afterAll(async () => {
    await rehearsal?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  test('an import that outlives its timeout fails the Create with a message saying what to do, and nothing of it keeps running', async () => {
    tmp = mkdtempSync(join(tmpdir(), 'cui-deploy-timeout-'));
    dir = tmp;
    const app = synthConsumerApp(join(tmp, 'app'), { SlowSeed: { source: csv('slow.csv', GOOD), timeoutSeconds: 2, queryIntervalSeconds: 1 } });
    // Real time (no compression): the waiter asks every second, and the deadline our isComplete keeps is real time too.
    rehearsal = await Rehearsal.start(app, { timeScale: 1, cognitoTimings: { minRunMs: 60_000 } });
    const id = logicalIdOf(app, 'SlowSeed');
    const r = await rehearsal.request('Create', id);
    expect(r.status).toBe('FAILED');
    expect(r.reason).toMatch(/did not finish within 2 seconds: the workflow execution and its import job were stopped/);
    expect(r.reason).toMatch(/Raise timeout/);
    // Nothing of the import is left running: its execution was stopped, and any job it had created with it.
    const imports = [...rehearsal.cloud.stepFunctions.executions.values()].filter((e) => e.name.includes(id));
    expect(imports.map((e) => e.status)).toEqual(['ABORTED']);
    // (A job created but not started is not stoppable; Cognito expires it.)
    expect(rehearsal.cloud.jobs().map((j) => j.Status).filter((s) => s === 'Pending' || s === 'InProgress')).toEqual([]);
    // CloudFormation rolls back: Delete of the failed resource succeeds.
    const rollback = await rehearsal.request('Delete', id, { physicalResourceId: r.physicalResourceId });
    expect(rollback.status).toBe('SUCCESS');
  }, 60_000);
});
