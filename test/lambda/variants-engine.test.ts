/**
 * The engine's answers to Cognito's undocumented points, unit by unit: Start classification, reading every
 * log page (and waiting for late lines), and deciding the line numbering from evidence.
 */
import { GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  AdminGetUserCommand, CreateUserImportJobCommand, DescribeUserImportJobCommand, ListUserImportJobsCommand, StartUserImportJobCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { isAnotherJobActive, mapCognitoError } from '../../lambda/job/cognito-errors';
import { FAILED, readJobResults, SKIPPED, SUCCEEDED } from '../../lambda/harvest/harvest-log';
import { start } from '../../lambda/job/job-control';
import { decideFromLowestLine, decideFromPool, decideFromRange, evidenceLines } from '../../lambda/harvest/line-numbering';
import { validate } from '../../lambda/validate/validate';
import { BUCKET, config, testEnv } from './helpers';

const err = (name: string, message = name) => Object.assign(new Error(message), { name });
const job = { jobId: 'import-abc', jobName: 'users.csv-part-1' };

describe('Start while another job is active: every plausible answer queues', () => {
  test.each([
    ['InvalidParameterException', 'Another import job is already in progress for this account.'],
    ['LimitExceededException', 'Only one user import job can run at a time in this account; wait until the running job completes.'],
    ['PreconditionNotMetException', 'An import job is already in progress. Only one import job can run at a time.'],
    ['PreconditionNotMetException', 'There is already an active import job'],
  ])('%s "%s" → AnotherJobActiveError quoting what Cognito said', async (name, message) => {
    const env = testEnv();
    env.cognito.on(StartUserImportJobCommand).rejects(err(name, message));
    env.cognito.on(DescribeUserImportJobCommand).resolves({ UserImportJob: { JobId: job.jobId, Status: 'Created' } });
    const e = await start(env.deps, config(), job).catch((x) => x);
    expect(e.name).toBe('AnotherJobActiveError');
    expect(e.message).toContain(name);
  });

  test('PreconditionNotMet about the upload is not another job', () => {
    const e = err('PreconditionNotMetException', 'The CSV file has not been uploaded to the pre-signed URL.');
    expect(isAnotherJobActive(e)).toBe(false);
    expect(mapCognitoError(e, 'StartUserImportJob').name).toBe('UploadNotVisibleError');
  });

  test('an unexplained PreconditionNotMet queues when another job of the pool is active, else waits for the upload', async () => {
    for (const [other, expected] of [['InProgress', 'AnotherJobActiveError'], ['Succeeded', 'UploadNotVisibleError']] as const) {
      const env = testEnv();
      env.cognito.on(StartUserImportJobCommand).rejects(err('PreconditionNotMetException', 'Precondition not met.'));
      env.cognito.on(DescribeUserImportJobCommand).resolves({ UserImportJob: { JobId: job.jobId, Status: 'Created' } });
      env.cognito.on(ListUserImportJobsCommand).resolves({ UserImportJobs: [{ JobId: 'import-other', Status: other }, { JobId: job.jobId, Status: 'Created' }] });
      await expect(start(env.deps, config(), job)).rejects.toMatchObject({ name: expected });
    }
  });

  test('the 1,000-jobs quota and OperationNotEnabled give errors that say what to do', () => {
    const quota = mapCognitoError(err('LimitExceededException', 'Limit exceeded'), 'CreateUserImportJob');
    expect(quota.name).toBe('ImportJobQuotaError');
    expect(quota.message).toMatch(/quota of 1000 import jobs.*Service Quotas/);
    const op = mapCognitoError(err('OperationNotEnabledException', 'not enabled'), 'CreateUserImportJob');
    expect(op.name).toBe('OperationNotEnabledError');
    expect(op.message).toMatch(/primary Region/);
    // With an algorithm: the pool cannot import hashes, and the message says what to do about it.
    const hashes = mapCognitoError(err('OperationNotEnabledException', 'not enabled'), 'CreateUserImportJob', true);
    expect(hashes.message).toMatch(/cannot import password hashes.*Remove passwordHashingAlgorithm/);
    expect(hashes.message).not.toMatch(/Essentials|Plus/);
    expect(CreateUserImportJobCommand).toBeDefined();
  });
});

describe('reading the results: every page, late lines', () => {
  const page = (messages: string[], token: string) => ({ events: messages.map((message) => ({ message })), nextForwardToken: token });

  test('empty pages with fresh tokens do not end the reading; the same token back does', async () => {
    const env = testEnv();
    env.logs.on(GetLogEventsCommand)
      .resolvesOnce(page([], 't1'))
      .resolvesOnce(page([], 't2'))
      .resolvesOnce(page(['[SUCCEEDED] Line Number 2 - ok', '[FAILED] Line Number 3 - bad'], 't3'))
      .resolvesOnce(page([], 't4'))
      .resolvesOnce(page(['[SKIPPED] Line Number 4 - exists'], 't5'))
      .resolves(page([], 't5'));
    const r = await readJobResults(env.deps, { group: 'g', stream: 's', rows: 3, expected: { imported: 1, skipped: 1, failed: 1 } });
    expect(r.complete).toBe(true);
    expect([r.codes[2], r.codes[3], r.codes[4]]).toEqual([SUCCEEDED, FAILED, SKIPPED]);
    expect(r.messages.get(3)).toBe('bad');
    expect(r.waitedMs).toBe(0);
  });

  test('waits (bounded) for lines the job counted but the log does not show yet, reading on from the same token', async () => {
    const env = testEnv();
    const sent: Array<string | undefined> = [];
    let calls = 0;
    env.logs.on(GetLogEventsCommand).callsFake((input) => {
      sent.push(input.nextToken);
      calls += 1;
      if (calls <= 3) return page([], 't1'); // nothing yet, and the same token: the end for now
      if (calls === 4) return page(['[FAILED] Line Number 2 - bad'], 't2');
      return page([], 't2');
    });
    const r = await readJobResults(env.deps, { group: 'g', stream: 's', rows: 1, expected: { imported: 0, skipped: 0, failed: 1 } });
    expect(r.complete).toBe(true);
    expect(r.waitedMs).toBeGreaterThan(0);
    expect(sent.slice(1).every((t) => t === 't1' || t === 't2')).toBe(true);

    const never = testEnv();
    never.logs.on(GetLogEventsCommand).resolves(page([], 't1'));
    const gaveUp = await readJobResults(never.deps, { group: 'g', stream: 's', rows: 1, expected: { imported: 0, skipped: 0, failed: 1 }, maxWaitMs: 10_000 });
    expect(gaveUp).toMatchObject({ complete: false, waitedMs: 10_000 });
  });
});

describe('line numbering decided from evidence', () => {
  const results = (lines: Record<number, number>, rows: number) => {
    const codes = new Uint8Array(rows + 2);
    for (const [n, c] of Object.entries(lines)) codes[Number(n)] = c;
    return { codes, messages: new Map(), counted: { succeeded: 0, skipped: 0, failed: 0 }, outOfRange: 0, logGroupFound: true, complete: true, pages: 1, waitedMs: 0 };
  };

  test('range: line 1 means the first user is line 1; line rows+1 means the header is', () => {
    expect(decideFromRange(results({ 1: SUCCEEDED, 2: FAILED, 3: SUCCEEDED }, 3), 3)?.numbering).toBe('first-user-is-line-1');
    expect(decideFromRange(results({ 2: SUCCEEDED, 3: FAILED, 4: SUCCEEDED }, 3), 3)?.numbering).toBe('header-is-line-1');
    expect(decideFromRange(results({ 2: SUCCEEDED, 3: FAILED }, 3), 3)).toBeUndefined();
  });

  test('pool: the numbering whose users fit their outcomes wins (read-only AdminGetUser)', async () => {
    // Part: line 2 = u1, 3 = u2, 4 = u3, 5 = u4. A stopped job logged 2 lines: SUCCEEDED 2, FAILED 3.
    const usernames = new Map([[2, 'u1'], [3, 'u2'], [4, 'u3'], [5, 'u4']]);
    const started = new Date('2025-01-01T00:00:00Z');
    const after = new Date('2025-01-01T00:00:05Z');
    const r = results({ 2: SUCCEEDED, 3: FAILED }, 4);
    for (const [created, expected] of [
      // Header is line 1: u1 imported by the job, u2 failed (absent).
      [{ u1: after }, 'header-is-line-1'],
      // First user is line 1: line 2 = u2 imported, line 3 = u3 failed; u1 was not reached (absent).
      [{ u2: after }, 'first-user-is-line-1'],
    ] as const) {
      const env = testEnv();
      env.cognito.on(AdminGetUserCommand).callsFake((input) => {
        const t = (created as Record<string, Date>)[input.Username];
        if (!t) throw err('UserNotFoundException', 'User does not exist.');
        return { Username: input.Username, UserCreateDate: t };
      });
      const lines = evidenceLines(r);
      const d = await decideFromPool(env.deps, config(), r, lines, (l) => usernames.get(l), started);
      expect(d).toMatchObject({ numbering: expected, decidedBy: 'pool-evidence' });
      expect(env.cognito.commandCalls(AdminGetUserCommand).length).toBeLessThanOrEqual(2 * lines.length);
    }
  });

  test('without certain evidence: the lowest line, else an assumption said as such', () => {
    expect(decideFromLowestLine(results({ 2: SUCCEEDED, 3: SUCCEEDED }, 5))).toMatchObject({ numbering: 'header-is-line-1', decidedBy: 'lowest-line' });
    expect(decideFromLowestLine(results({}, 5))).toMatchObject({ decidedBy: 'assumed' });
  });
});

describe('cognito:mfa_enabled is never uploaded blank', () => {
  const run = async (csv: string, mfa: 'OFF' | 'ON' | 'OPTIONAL') => {
    const env = testEnv({ MfaConfiguration: mfa });
    env.store.put(BUCKET, 'incoming/u.csv', csv);
    const out = await validate(env.deps, config(), { action: 'validate', source: { bucket: BUCKET, key: 'incoming/u.csv', etag: '"e1"' }, executionName: 'exec-1' });
    const summary = JSON.parse(env.store.text(BUCKET, out.validationKey)!);
    const rejected = (env.store.text(BUCKET, summary.rejectedKey) ?? '').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const part = out.parts[0] ? env.store.text(BUCKET, out.parts[0].key)!.split('\n').filter(Boolean) : [];
    const at = part.length ? part[0].split(',').indexOf('cognito:mfa_enabled') : -1;
    return { out, summary, rejected, mfaValues: part.slice(1).map((l) => l.split(',')[at]) };
  };
  const noColumn = 'cognito:username,email,email_verified\nu1,u1@example.com,true\nu2,u2@example.com,true\nu3,u3@example.com,true\n';
  const blankColumn = 'cognito:username,email,email_verified,cognito:mfa_enabled\nu1,u1@example.com,true,\nu2,u2@example.com,true,\n';

  // The guide: MFA ON → true or blank, OFF → false or blank (a blank takes the pool's required state);
  // OPTIONAL: a blank is not described, so false — valid under every reading — is filled.
  test.each([['OFF', 'false'], ['ON', 'true'], ['OPTIONAL', 'false']] as const)('MFA %s: every row gets %s, with or without the column', async (mfa, value) => {
    for (const csv of [noColumn, blankColumn]) {
      const r = await run(csv, mfa);
      expect(r.out.outcome).toBe('Valid');
      expect(r.rejected).toEqual([]);
      expect(r.mfaValues.length).toBeGreaterThan(1);
      expect(r.mfaValues.every((v) => v === value)).toBe(true);
      expect(r.summary.fixes.mfaEnabledFilled).toBe(r.mfaValues.length);
    }
  });
});
