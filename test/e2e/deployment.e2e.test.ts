/**
 * UserImportDeployment end to end on the local cloud: CloudFormation's sequence (onEvent, then
 * isComplete every query interval until done) played through the REAL bundled handlers
 * (assets/lambda/deployment-on-event, deployment-is-complete), which reach the local cloud through
 * AWS_ENDPOINT_URL and start the real synthesized import workflow, whose worker is the real bundle too.
 *
 * Needs `npm run build` (the bundles). Runs in a few seconds: the local cloud compresses waits.
 */
import { randomUUID } from 'crypto';
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { CognitoIdentityProviderClient, ListUsersCommand } from '@aws-sdk/client-cognito-identity-provider';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { startLocalCloud, type LocalCloud } from '../../packages/cli/local-cloud';
import { LambdaError, LambdaFunction } from '../../packages/cli/local-cloud/lambda';

const ROOT = join(__dirname, '..', '..');
const BUNDLE = (name: string) => join(ROOT, 'assets', 'lambda', name, 'index.js');
const ASSET_BUCKET = 'cdk-assets-000000000000-local';
const STACK_ID = 'arn:aws:cloudformation:us-east-1:000000000000:stack/SeedExample/5f1c2a40-0000-0000-0000-000000000000';
/** The waiter's query interval, compressed (CloudFormation's is 30 s) and its attempts (timeout / interval). */
const QUERY_INTERVAL_MS = 50;
const MAX_ATTEMPTS = 600;

const HEADER = 'cognito:username,email,email_verified,name';
const GOOD = [
  'alice.example,alice@example.com,true,Alice Example',
  'bob.example,bob@example.com,true,Bob Example',
  'carol.example,carol@example.com,true,Carol Example',
];

interface CfnResult {
  status: 'SUCCESS' | 'FAILED';
  physicalResourceId?: string;
  data?: Record<string, string>;
  reason?: string;
  isCompleteCalls: number;
}

let cloud: LocalCloud;
let onEventFn: LambdaFunction;
let isCompleteFn: LambdaFunction;
let cognito: CognitoIdentityProviderClient;

function handlerFunction(name: string): LambdaFunction {
  return new LambdaFunction({
    name: `SeedExample-${name}`,
    arn: `arn:aws:lambda:${cloud.region}:000000000000:function:SeedExample-${name}`,
    bundle: BUNDLE(name),
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      TZ: 'UTC',
      ...cloud.clientEnv,
      AWS_SESSION_TOKEN: 'LOCALCLOUD',
      AWS_LAMBDA_FUNCTION_NAME: `SeedExample-${name}`,
      POWERTOOLS_LOG_LEVEL: 'WARN',
    },
    timeoutMs: 120_000,
  });
}

async function putSource(key: string, lines: string[]): Promise<void> {
  await cloud.s3.send(new PutObjectCommand({ Bucket: ASSET_BUCKET, Key: key, Body: [HEADER, ...lines].join('\n') + '\n' }));
}

function properties(sourceKey: string, over: Record<string, string> = {}): Record<string, string> {
  return {
    ServiceToken: 'arn:aws:lambda:us-east-1:000000000000:function:SeedExample-framework-onEvent',
    StateMachineArn: cloud.stateMachineArn!,
    UserPoolId: cloud.poolId,
    ImporterBucket: cloud.bucket,
    WorkPrefix: 'work/',
    ReportPrefix: cloud.reportPrefix,
    SourceBucket: ASSET_BUCKET,
    SourceKey: sourceKey,
    SourceHash: sourceKey.replace(/\W/g, ''),
    MaxFailedUsers: '0',
    FailOnSkipped: 'false',
    WaitForCompletion: 'true',
    TimeoutSeconds: '3000',
    QueryIntervalSeconds: '30',
    ...over,
  };
}

/** What the Provider framework does for one CloudFormation request: onEvent, then isComplete until done. */
async function cloudFormation(
  requestType: 'Create' | 'Update' | 'Delete', logicalId: string, props: Record<string, string>,
  extra: { old?: Record<string, string>; physicalResourceId?: string } = {},
): Promise<CfnResult> {
  const event: Record<string, unknown> = {
    RequestType: requestType,
    ServiceToken: props.ServiceToken,
    ResponseURL: '...',
    StackId: STACK_ID,
    RequestId: randomUUID(),
    LogicalResourceId: logicalId,
    ResourceType: 'Custom::CognitoUserImport',
    ResourceProperties: props,
    ...(extra.old ? { OldResourceProperties: extra.old } : {}),
    ...(extra.physicalResourceId ? { PhysicalResourceId: extra.physicalResourceId } : {}),
  };
  let onEventResult: Record<string, unknown>;
  try {
    onEventResult = (await onEventFn.invoke(event)) as Record<string, unknown> ?? {};
  } catch (err) {
    return { status: 'FAILED', reason: (err as LambdaError).errorMessage, isCompleteCalls: 0 };
  }
  const merged = { ...event, ...onEventResult, PhysicalResourceId: onEventResult.PhysicalResourceId ?? event.PhysicalResourceId ?? event.RequestId };
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    try {
      const r = (await isCompleteFn.invoke(merged)) as { IsComplete: boolean; Data?: Record<string, string> };
      if (r.IsComplete) {
        return { status: 'SUCCESS', physicalResourceId: merged.PhysicalResourceId as string, data: r.Data, isCompleteCalls: attempt + 1 };
      }
      // The framework refuses Data with IsComplete false.
      expect(r.Data).toBeUndefined();
    } catch (err) {
      return { status: 'FAILED', physicalResourceId: merged.PhysicalResourceId as string, reason: (err as LambdaError).errorMessage, isCompleteCalls: attempt + 1 };
    }
    await new Promise((r) => setTimeout(r, QUERY_INTERVAL_MS));
  }
  return { status: 'FAILED', reason: 'Operation timed out', isCompleteCalls: MAX_ATTEMPTS };
}

async function usernames(): Promise<string[]> {
  const out = await cognito.send(new ListUsersCommand({ UserPoolId: cloud.poolId }));
  return (out.Users ?? []).map((u) => u.Username!).sort();
}

const bundlesBuilt = ['deployment-on-event', 'deployment-is-complete', 'worker', 'trigger'].every((n) => existsSync(BUNDLE(n)));
const describeIfBuilt = bundlesBuilt ? describe : describe.skip;
if (!bundlesBuilt) {
  console.warn('deployment e2e skipped: run `npm run build` (node scripts/bundle-handlers.mjs) to bundle the handlers first');
}

describeIfBuilt('UserImportDeployment on the local cloud', () => {
  beforeAll(async () => {
    cloud = await startLocalCloud({ port: 0 });
    await cloud.s3.send(new CreateBucketCommand({ Bucket: ASSET_BUCKET }));
    onEventFn = handlerFunction('deployment-on-event');
    isCompleteFn = handlerFunction('deployment-is-complete');
    cognito = new CognitoIdentityProviderClient({
      endpoint: cloud.endpoint, region: cloud.region, credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
  });

  afterAll(async () => {
    await onEventFn?.stop();
    await isCompleteFn?.stop();
    cognito?.destroy();
    await cloud?.stop();
  });

  let seeded: CfnResult;
  let seedProps: Record<string, string>;

  test('Create: the seed CSV is imported and the counts come back as attributes', async () => {
    await putSource('seed.csv', GOOD);
    seedProps = properties('seed.csv');
    seeded = await cloudFormation('Create', 'SeedUsers', seedProps);
    expect(seeded).toMatchObject({ status: 'SUCCESS' });
    expect(seeded.physicalResourceId).toMatch(/^arn:aws:states:[^:]+:000000000000:execution:[^:]+:deploy-SeedUsers-[0-9a-f]{32}$/);
    expect(seeded.data).toEqual({
      JobId: expect.stringMatching(/^import-[0-9a-zA-Z-]+$/),
      Status: 'Succeeded',
      ImportedUsers: '3', SkippedUsers: '0', FailedUsers: '0', RejectedRows: '0',
      ReportUri: expect.stringMatching(new RegExp(`^s3://${cloud.bucket}/reports/work/deployments/deploy-SeedUsers-[0-9a-f]{32}\\.csv\\.json$`)),
    });
    expect(JSON.stringify(seeded.data).length).toBeLessThan(4096);
    expect(seeded.isCompleteCalls).toBeGreaterThan(1);
    expect(await usernames()).toEqual(['alice.example', 'bob.example', 'carol.example']);
    // One execution only: the copy under work/ did not fire the drop bucket's trigger.
    await cloud.settle();
    expect(cloud.jobs()).toHaveLength(1);
    // The drop bucket's completion event came for the deployment's import too.
    expect(cloud.events.recorded.some((e) => JSON.stringify(e).includes('deploy-SeedUsers'))).toBe(true);
  });

  test('Update with no import change (only the timeout) is a no-op with the same attributes', async () => {
    const jobsBefore = cloud.jobs().length;
    const result = await cloudFormation('Update', 'SeedUsers', { ...seedProps, TimeoutSeconds: '1800' }, { old: seedProps, physicalResourceId: seeded.physicalResourceId });
    expect(result).toMatchObject({ status: 'SUCCESS', physicalResourceId: seeded.physicalResourceId, data: seeded.data });
    expect(cloud.jobs()).toHaveLength(jobsBefore);
  });

  test('Update with a changed CSV imports again (existing users SKIPPED, new one imported)', async () => {
    await putSource('seed-v2.csv', [...GOOD, 'dave.example,dave@example.com,true,Dave Example']);
    const props = properties('seed-v2.csv');
    const result = await cloudFormation('Update', 'SeedUsers', props, { old: seedProps, physicalResourceId: seeded.physicalResourceId });
    expect(result.status).toBe('SUCCESS');
    expect(result.physicalResourceId).not.toBe(seeded.physicalResourceId);
    expect(result.data).toMatchObject({ ImportedUsers: '1', SkippedUsers: '3', FailedUsers: '0', RejectedRows: '0' });
    // CloudFormation then deletes the old physical resource: it has ended, users stay.
    const cleanup = await cloudFormation('Delete', 'SeedUsers', seedProps, { physicalResourceId: seeded.physicalResourceId });
    expect(cleanup.status).toBe('SUCCESS');
    expect(await usernames()).toEqual(['alice.example', 'bob.example', 'carol.example', 'dave.example']);
  });

  test('a failing import (rejected file) fails the deployment with a message that names the lines', async () => {
    await cloud.s3.send(new PutObjectCommand({
      Bucket: ASSET_BUCKET, Key: 'bad.csv',
      Body: 'cognito:username,email,email_verified,favourite_colour\nerin.example,erin@example.com,true,blue\n',
    }));
    const result = await cloudFormation('Create', 'BadSeed', properties('bad.csv', { MaxFailedUsers: '100' }));
    expect(result.status).toBe('FAILED');
    if (process.env.SHOW_REASONS) console.log(result.reason);
    expect(result.reason).toMatch(/^Cognito user import Rejected: the file was rejected\./);
    expect(result.reason).toMatch(/\bline \d+/);
    expect(result.reason).toContain(`Report: s3://${cloud.bucket}/reports/work/deployments/deploy-BadSeed-`);
    expect(await usernames()).not.toContain('erin.example');
    // A failed Create leaves nothing running.
    await cloud.settle();
    expect(cloud.stepFunctions.running()).toHaveLength(0);
  });

  test('a threshold breach (1 bad row, maxFailedUsers 0) fails naming the line; maxFailedUsers 1 lets it pass', async () => {
    const lines = [
      'frank.example,frank@example.com,true,Frank Example',
      'grace example,grace@example.com,true,Grace Example', // line 3: whitespace in the username
      'heidi.example,heidi@example.com,true,Heidi Example',
    ];
    await putSource('partial.csv', lines);
    const strict = await cloudFormation('Create', 'PartialSeed', properties('partial.csv'));
    if (process.env.SHOW_REASONS) console.log(strict.reason);
    expect(strict.status).toBe('FAILED');
    expect(strict.reason).toMatch(/Cognito user import PartiallySucceeded: 1 failed or rejected row\(s\), more than maxFailedUsers \(0\)\./);
    expect(strict.reason).toContain('Imported 2, skipped 0, failed 0, rejected 1 of 3 row(s).');
    expect(strict.reason).toMatch(/First reasons: line 3\b/);
    expect(strict.reason).toMatch(/Rows to fix: s3:\/\/.*\.failed\.csv/);

    const lenient = await cloudFormation('Create', 'PartialSeedLenient', properties('partial.csv', { MaxFailedUsers: '1' }));
    expect(lenient).toMatchObject({ status: 'SUCCESS', data: { Status: 'PartiallySucceeded', RejectedRows: '1' } });
  });

  test('waitForCompletion false: completes once the import started; the report still comes', async () => {
    await putSource('nowait.csv', ['ivan.example,ivan@example.com,true,Ivan Example']);
    const result = await cloudFormation('Create', 'NoWaitSeed', properties('nowait.csv', { WaitForCompletion: 'false' }));
    expect(result).toMatchObject({ status: 'SUCCESS', isCompleteCalls: 1 });
    expect(['Running', 'Succeeded']).toContain(result.data!.Status);
    const key = result.data!.ReportUri.replace(`s3://${cloud.bucket}/${cloud.reportPrefix}`, '').replace(/\.json$/, '');
    const report = await cloud.waitForReport(key);
    expect(report.totals.imported).toBe(1);
  });

  test('Delete of a still-running import stops it (and its job); users imported stay', async () => {
    const many = Array.from({ length: 50 }, (_, i) => `slow${i}.example,slow${i}@example.com,true,Slow ${i}`);
    await putSource('slow.csv', many);
    Object.assign(cloud.cognito.timings, { minRunMs: 60_000 });
    try {
      const created = await cloudFormation('Create', 'SlowSeed', properties('slow.csv', { WaitForCompletion: 'false' }));
      expect(created.status).toBe('SUCCESS');
      // Wait until its import job is running.
      const deadline = Date.now() + 30_000;
      const mine = () => cloud.jobs().find((j) => j.JobName.includes('SlowSeed'));
      while (mine()?.Status !== 'InProgress' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(mine()?.Status).toBe('InProgress');
      const deleted = await cloudFormation('Delete', 'SlowSeed', properties('slow.csv', { WaitForCompletion: 'false' }), { physicalResourceId: created.physicalResourceId });
      expect(deleted.status).toBe('SUCCESS');
      expect(cloud.stepFunctions.running()).toHaveLength(0);
      expect(['Stopping', 'Stopped']).toContain(mine()!.Status);
    } finally {
      Object.assign(cloud.cognito.timings, { minRunMs: 100 });
    }
  });

  test('the example seed CSV as shipped goes through the deploy-time path', async () => {
    await cloud.s3.send(new PutObjectCommand({ Bucket: ASSET_BUCKET, Key: 'example-seed.csv', Body: readFileSync(join(ROOT, 'example', 'seed-users.csv')) }));
    const result = await cloudFormation('Create', 'ExampleSeed', properties('example-seed.csv'));
    // alice/bob/carol already exist from the first test: SKIPPED, which passes by default.
    expect(result).toMatchObject({ status: 'SUCCESS', data: { FailedUsers: '0', RejectedRows: '0', SkippedUsers: '3' } });
  });
});
