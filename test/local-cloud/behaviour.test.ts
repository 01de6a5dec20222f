/**
 * Behaviour variants of the local Cognito: the file is checked (errors name the file and the key), each
 * variant changes exactly the answer it names, and `calibrate` run against a local cloud started with a
 * variant reports that variant.
 */
import {
  CreateUserImportJobCommand, CreateUserPoolCommand, DeleteUserPoolCommand, DescribeUserPoolCommand, StartUserImportJobCommand,
  UpdateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { spawnSync } from 'child_process';
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { calibrate } from '../../packages/cli/local-cloud/calibrate';
import { CognitoBehaviour, DEFAULT_BEHAVIOUR, LocalCloud, loadBehaviourFile, parseBehaviour, startLocalCloud } from '../../packages/cli/local-cloud';
import { clients, cognitoCsv, put, until, user } from './helpers';

jest.setTimeout(120_000);
const dir = mkdtempSync(join(tmpdir(), 'cui-behaviour-'));
const BIN = join(__dirname, '..', '..', 'packages', 'cli', 'bin', 'cognito-user-import.js');
const ROLE = 'arn:aws:iam::000000000000:role/CognitoImportLogs';

describe('behaviour file', () => {
  const file = (name: string, text: string) => { const p = join(dir, name); writeFileSync(p, text); return p; };

  test('missing keys keep the defaults; every key is read', () => {
    expect(parseBehaviour({})).toEqual(DEFAULT_BEHAVIOUR);
    const all: CognitoBehaviour = {
      resultLineNumbers: 'first-user-is-line-1', activeJobError: 'LimitExceededException', failJobOverFailedOrSkipped: 0.5, failedJobStops: true,
      emptyLogPages: true, logDelaySeconds: 3, maxPartBytes: 100000000, failUsernames: ['a'],
      csvHeaderListsPasswordHash: true, passwordHashImport: 'not-enabled',
    };
    expect(loadBehaviourFile(file('all.json', JSON.stringify(all)))).toEqual(all);
  });

  test.each([
    ['{"resultLineNumbers": "zero-based"}', /resultLineNumbers must be one of "header-is-line-1", "first-user-is-line-1"/],
    ['{"activeJobError": "ThrottlingException"}', /activeJobError must be one of/],
    ['{"failJobOverFailedOrSkipped": 1.5}', /failJobOverFailedOrSkipped must be null or a number from 0 to 1/],
    ['{"emptyLogPages": "yes"}', /emptyLogPages must be one of true, false/],
    ['{"failedJobStops": 1}', /failedJobStops must be one of true, false/],
    ['{"logDelaySeconds": -1}', /logDelaySeconds must be a number of seconds/],
    ['{"maxPartBytes": 5}', /maxPartBytes must be one of 104857600, 100000000/],
    ['{"failUsernames": "bob"}', /failUsernames must be an array of non-empty strings/],
    ['{"csvHeaderListsPasswordHash": "no"}', /csvHeaderListsPasswordHash must be one of true, false/],
    ['{"passwordHashImport": "LITE"}', /passwordHashImport must be one of "enabled", "not-enabled"/],
    ['{"resultLineNumber": "header-is-line-1"}', /unknown key\(s\) "resultLineNumber"; allowed keys: resultLineNumbers/],
    ['[]', /must be a JSON object/],
    ['{', /not valid JSON/],
  ])('%s is refused with a message naming the file', (text, message) => {
    const p = file('bad.json', text);
    expect(() => loadBehaviourFile(p)).toThrow(message);
    expect(() => loadBehaviourFile(p)).toThrow(`Behaviour file ${p}`);
  });

  test('the CLI refuses a bad file before starting, naming it (exit 2)', () => {
    const p = file('cli-bad.json', '{"activeJobError": "Nope"}');
    const r = spawnSync(process.execPath, [BIN, 'run-local', join(dir, 'x.csv'), '--behaviour', p], { encoding: 'utf8', timeout: 30_000 });
    writeFileSync(join(dir, 'x.csv'), 'a\n');
    const again = spawnSync(process.execPath, [BIN, 'local-cloud', '--port', '0', '--behaviour', p], { encoding: 'utf8', timeout: 30_000 });
    for (const out of [r, again]) {
      expect(out.status).toBe(2);
    }
    expect(again.stderr).toContain(`Behaviour file ${p}: activeJobError must be one of`);
  });
});

describe('variants in the emulator', () => {
  let cloud: LocalCloud;
  afterEach(async () => { await cloud?.stop(); });

  const startJob = async (name: string, rows: Array<Partial<Record<string, string>>>) => {
    const c = clients(cloud);
    const job = (await c.cognito.send(new CreateUserImportJobCommand({ UserPoolId: cloud.poolId, JobName: name, CloudWatchLogsRoleArn: ROLE }))).UserImportJob!;
    expect((await put(job.PreSignedUrl!, cognitoCsv(rows))).status).toBe(200);
    await c.cognito.send(new StartUserImportJobCommand({ UserPoolId: cloud.poolId, JobId: job.JobId! }));
    return job;
  };
  const done = (jobId: string) => until(() => cloud.jobs().find((j) => j.JobId === jobId && cloud.cognito.isTerminal(j)), 20_000);

  test('activeJobError, failJobOverFailedOrSkipped, failUsernames, resultLineNumbers, logDelaySeconds, emptyLogPages', async () => {
    cloud = await startLocalCloud({
      port: 0, workflow: false,
      behaviour: { activeJobError: 'LimitExceededException', failJobOverFailedOrSkipped: 0.4, failUsernames: ['user2'], resultLineNumbers: 'first-user-is-line-1', logDelaySeconds: 1, emptyLogPages: true },
    });
    cloud.cognito.timings.minRunMs = 300;
    const c = clients(cloud);
    const a = await startJob('variant-a', [user(1), user(2), user(3)]);
    const b = await c.cognito.send(new CreateUserImportJobCommand({ UserPoolId: cloud.poolId, JobName: 'variant-b', CloudWatchLogsRoleArn: ROLE }));
    await put(b.UserImportJob!.PreSignedUrl!, cognitoCsv([user(9)]));
    await expect(c.cognito.send(new StartUserImportJobCommand({ UserPoolId: cloud.poolId, JobId: b.UserImportJob!.JobId! })))
      .rejects.toMatchObject({ name: 'LimitExceededException' });
    // A pool update during an import is refused (the guide: UserImportInProgressException).
    await expect(c.cognito.send(new UpdateUserPoolCommand({ UserPoolId: cloud.poolId, MfaConfiguration: 'OFF' })))
      .rejects.toMatchObject({ name: 'UserImportInProgressException' });
    const endA = await done(a.JobId!);
    // 1 failed of 3 = 0.33 <= 0.4: the job succeeds, with user2 FAILED on the first user's numbering (line 2).
    expect(endA).toMatchObject({ Status: 'Succeeded', FailedUsers: 1, ImportedUsers: 2, CompletionMessage: 'Import Job Completed Successfully.' });
    const read = async (nextToken?: string) => c.logs.send(new GetLogEventsCommand({
      logGroupName: `/aws/cognito/userpools/${cloud.poolId}/${cloud.poolName}`, logStreamName: `${a.JobId}/variant-a`, startFromHead: true, nextToken,
    }));
    expect((await read()).events).toEqual([]); // late lines: not visible yet
    await new Promise((r) => setTimeout(r, 1100));
    const first = await read();
    expect(first.events).toEqual([]); // an empty page with a fresh token before the lines
    expect(first.nextForwardToken).toBeDefined();
    const second = await read(first.nextForwardToken);
    expect(second.events!.map((e) => e.message)).toEqual([
      'Cognito User Pools Import - Test Log',
      '[SUCCEEDED] Line Number 1 - The import succeeded.',
      expect.stringMatching(/^\[FAILED\] Line Number 2 - /),
      '[SUCCEEDED] Line Number 3 - The import succeeded.',
    ]);
    const end = await read(second.nextForwardToken);
    expect(end.nextForwardToken).toBe(second.nextForwardToken);
    // 2 failed of 2 = 1 > 0.4: Failed with Cognito's real message.
    await c.cognito.send(new UpdateUserPoolCommand({ UserPoolId: cloud.poolId, MfaConfiguration: 'OFF' }));
    const f = await startJob('variant-c', [user(2), user(2, { 'cognito:username': 'user1' })]);
    expect(await done(f.JobId!)).toMatchObject({ Status: 'Failed', CompletionMessage: 'Too many users have failed or been skipped during the import.' });
  });

  test('maxPartBytes: an upload over the limit is refused', async () => {
    cloud = await startLocalCloud({ port: 0, workflow: false, behaviour: { maxPartBytes: 100000000 } });
    const c = clients(cloud);
    const job = (await c.cognito.send(new CreateUserImportJobCommand({ UserPoolId: cloud.poolId, JobName: 'big', CloudWatchLogsRoleArn: ROLE }))).UserImportJob!;
    const http = await import('http');
    const status = await new Promise<number | string>((resolve) => {
      const req = http.request(job.PreSignedUrl!, { method: 'PUT', headers: { 'x-amz-server-side-encryption': 'aws:kms', 'Content-Length': String(100_000_001) } }, (res) => resolve(res.statusCode ?? 0));
      req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
      req.write(Buffer.alloc(1024));
    });
    expect(status).not.toBe(200);
  });

  test('CreateUserPool and DeleteUserPool', async () => {
    cloud = await startLocalCloud({ port: 0, workflow: false });
    const c = clients(cloud);
    const p = (await c.cognito.send(new CreateUserPoolCommand({ PoolName: 'scratch', AutoVerifiedAttributes: ['email'] }))).UserPool!;
    expect((await c.cognito.send(new DescribeUserPoolCommand({ UserPoolId: p.Id! }))).UserPool!.Name).toBe('scratch');
    await c.cognito.send(new DeleteUserPoolCommand({ UserPoolId: p.Id! }));
    await expect(c.cognito.send(new DescribeUserPoolCommand({ UserPoolId: p.Id! }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('calibrate against a local cloud started with a variant reports that variant', () => {
  const cases: Array<Partial<CognitoBehaviour>> = [
    {},
    { resultLineNumbers: 'first-user-is-line-1', activeJobError: 'LimitExceededException', emptyLogPages: true, logDelaySeconds: 2 },
    { resultLineNumbers: 'header-is-line-1', activeJobError: 'PreconditionNotMetException', failJobOverFailedOrSkipped: 0.5 },
    { resultLineNumbers: 'first-user-is-line-1', activeJobError: 'InvalidParameterException', failJobOverFailedOrSkipped: 0 },
    { failJobOverFailedOrSkipped: 0, failedJobStops: true },
    { failJobOverFailedOrSkipped: 0.4, failedJobStops: true },
    { failJobOverFailedOrSkipped: 0.4, failedJobStops: false },
  ];
  test.each(cases)('%j', async (variant) => {
    // Jobs run a second: long enough for calibrate's second Start to find the first one active on a loaded machine.
    const cloud = await startLocalCloud({ port: 0, workflow: false, behaviour: variant, cognitoTimings: { minRunMs: 1000 } });
    try {
      const before = cloud.cognito.pools.size;
      const { behaviour, evidence } = await calibrate({
        region: 'us-east-1', roleArn: ROLE, endpointUrl: cloud.endpoint, pollMs: 100,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      const expected = { ...DEFAULT_BEHAVIOUR, ...variant };
      expect(behaviour.resultLineNumbers).toBe(expected.resultLineNumbers);
      expect(behaviour.activeJobError).toBe(expected.activeJobError);
      expect(behaviour.emptyLogPages).toBe(expected.emptyLogPages);
      expect(behaviour.logDelaySeconds).toBe(expected.logDelaySeconds);
      // Two probes bracket the threshold: the strictest value consistent with both is printed.
      const f = expected.failJobOverFailedOrSkipped;
      if (f === null || f >= 1) expect(behaviour.failJobOverFailedOrSkipped).toBeNull();
      else if (f >= 1 / 3) expect(behaviour.failJobOverFailedOrSkipped).toBe(0.33);
      else expect(behaviour.failJobOverFailedOrSkipped).toBe(0);
      // Whether a failing job stops shows only when a probe fails before its last row: A (3 rows, the 2nd
      // failing) below 1/3, B (2 failing rows) below 1/2, and then only if it stopped.
      if (f !== null && f < 1 / 3) expect(behaviour.failedJobStops).toBe(expected.failedJobStops);
      else if (f !== null && f < 1 / 2 && expected.failedJobStops) expect(behaviour.failedJobStops).toBe(true);
      else expect(behaviour.failedJobStops).toBeUndefined();
      expect(evidence.join('\n')).not.toMatch(/@example\.com/);
      expect(cloud.cognito.pools.size).toBe(before); // the scratch pool is deleted
      expect(parseBehaviour(behaviour)).toMatchObject(behaviour); // its output is a valid behaviour file
    } finally {
      await cloud.stop();
    }
  });
});
