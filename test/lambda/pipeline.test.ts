import { GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateUserImportJobCommand, DescribeUserImportJobCommand, ListUserImportJobsCommand, StartUserImportJobCommand, UserImportJobStatusType,
} from '@aws-sdk/client-cognito-identity-provider';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { runStep } from '../../lambda/engine';
import { describe as describeJob, start } from '../../lambda/job/job-control';
import type { EngineConfig } from '../../lambda/runtime/deps';
import type { SourceObject } from '../../lambda/shared/execution';
import type { ImportReport, ReportOutput } from '../../lambda/shared/report';
import type { HarvestOutput, JobRef, ValidateOutput, WorkflowState } from '../../lambda/shared/steps';
import { EVENT_DETAIL_TYPE, EVENT_SOURCE } from '../../lambda/shared/events';
import { BUCKET, config, POOL_ID, testEnv, TestEnv } from './helpers';

const SRC = BUCKET; // the worker reads only its own bucket
const source: SourceObject = { bucket: SRC, key: 'incoming/team/users.csv', versionId: 'v1', etag: '"e1"' };

/**
 * A fake Cognito that imports the uploaded part: each data line listed in `outcomes` by username
 * gets that result, the rest SUCCEEDED. Log lines use the part's line numbers, as Cognito does.
 */
function fakeCognito(env: TestEnv, outcomes: Record<string, 'SKIPPED' | 'FAILED'>, finalStatus = 'Succeeded') {
  let n = 0;
  const jobs = new Map<string, { name: string; url: string; lines: string[] }>();
  env.cognito.on(ListUserImportJobsCommand).resolves({ UserImportJobs: [] });
  env.cognito.on(CreateUserImportJobCommand).callsFake((input) => {
    n += 1;
    const id = `import-j${n}`;
    jobs.set(id, { name: input.JobName, url: `https://up.example/${id}`, lines: [] });
    return { UserImportJob: { JobId: id, JobName: input.JobName, Status: 'Created', PreSignedUrl: `https://up.example/${id}` } };
  });
  env.setPut(async (url, body) => {
    const chunks: Buffer[] = [];
    for await (const c of body) chunks.push(c as Buffer);
    const job = [...jobs.values()].find((j) => j.url === url)!;
    job.lines = Buffer.concat(chunks).toString('utf8').split('\n');
    return { status: 200, body: '' };
  });
  env.cognito.on(StartUserImportJobCommand).callsFake((input) => ({ UserImportJob: { JobId: input.JobId, JobName: jobs.get(input.JobId)!.name, Status: 'Pending' } }));
  const results = (id: string) => {
    const job = jobs.get(id)!;
    const header = job.lines[0].split(',');
    const u = header.indexOf('cognito:username');
    return job.lines.slice(1).filter(Boolean).map((l, i) => {
      const username = l.split(/(?<!\\),/)[u];
      const outcome: string = outcomes[username] ?? 'SUCCEEDED';
      return { line: i + 2, outcome, message: outcome === 'SUCCEEDED' ? 'The user was imported.' : outcome === 'SKIPPED' ? 'The user already exists.' : 'Invalid attribute.' };
    });
  };
  env.cognito.on(DescribeUserImportJobCommand).callsFake((input) => {
    const r = results(input.JobId);
    return { UserImportJob: {
      JobId: input.JobId, JobName: jobs.get(input.JobId)!.name, Status: finalStatus as UserImportJobStatusType,
      ImportedUsers: r.filter((x) => x.outcome === 'SUCCEEDED').length,
      SkippedUsers: r.filter((x) => x.outcome === 'SKIPPED').length,
      FailedUsers: r.filter((x) => x.outcome === 'FAILED').length,
    } };
  });
  env.logs.on(GetLogEventsCommand).callsFake((input) => {
    expect(input.logGroupName).toBe(`/aws/cognito/userpools/${POOL_ID}/test-pool`);
    const [id, name] = input.logStreamName.split('/');
    expect(name).toBe(jobs.get(id)!.name);
    const all = results(id).map((r) => ({ message: `[${r.outcome}] Line Number ${r.line} - ${r.message}` }));
    // Two pages, then the same token (end of stream).
    if (!input.nextToken) return { events: all.slice(0, 2), nextForwardToken: 'f/1' };
    if (input.nextToken === 'f/1') return { events: all.slice(2), nextForwardToken: 'f/2' };
    return { events: [], nextForwardToken: input.nextToken };
  });
  env.events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e1' }] });
  return jobs;
}

/** Drives the steps in the workflow's order, as Step Functions would. */
async function runWorkflow(env: TestEnv, cfg: EngineConfig, csv: string) {
  env.store.put(SRC, source.key, csv);
  const executionName = 'users_csv-0123456789abcdef';
  const validation = (await runStep(env.deps, cfg, { action: 'validate', source, executionName })) as ValidateOutput;
  const parts: HarvestOutput[] = [];
  if (validation.outcome === 'Valid') {
    for (const part of validation.parts) {
      const ref = (await runStep(env.deps, cfg, { action: 'createAndUpload', part })) as JobRef;
      let job = await start(env.deps, cfg, ref);
      while (!job.terminal) job = await describeJob(env.deps, cfg, job);
      parts.push((await runStep(env.deps, cfg, { action: 'harvest', part, job })) as HarvestOutput);
    }
  }
  const state: WorkflowState = { source, requestedBy: 's3', validation, parts };
  const report = (await runStep(env.deps, cfg, { action: 'report', executionName, startedAt: '2025-01-01T00:00:00.000Z', state })) as ReportOutput;
  await runStep(env.deps, cfg, { action: 'notify', source, report });
  const doc = JSON.parse(env.store.text(BUCKET, report.reportKey)!) as ImportReport;
  const failedCsv = report.failedCsvKey ? env.store.text(BUCKET, report.failedCsvKey) : undefined;
  return { validation, report, doc, failedCsv };
}

const HEADER = 'cognito:username,email,email_verified,phone_number,name';
const CSV = [
  HEADER,                                                // 1
  'alice,alice@example.com,true,+15550000001,Alice',     // 2
  'bob,bob@example.com,TRUE,+15550000002,"Bob, Jr."',    // 3  fixes: boolean, quotes
  '',                                                    // 4  blank
  'carol,not-an-email,true,+15550000003,Carol',          // 5  rejected
  'dave,dave@example.com,true,+15550000004,Dave',        // 6  SKIPPED (exists)
  'erin,erin@example.com,true,+15550000005,Erin',        // 7  FAILED
  'frank,frank@example.com,true,+15550000006,Frank',     // 8
].join('\r\n') + '\r\n';

describe('the whole workflow through the steps', () => {
  test('report, failed.csv, event and metrics; lines map back across parts and fixes', async () => {
    const env = testEnv();
    fakeCognito(env, { dave: 'SKIPPED', erin: 'FAILED' });
    const { validation, report, doc, failedCsv } = await runWorkflow(env, config({ maxRowsPerPart: 2 }), CSV);
    expect(validation.parts).toHaveLength(3);

    expect(report).toMatchObject({
      status: 'PartiallySucceeded',
      reportKey: 'reports/incoming/team/users.csv.versions/v1.json',
      reportUri: `s3://${BUCKET}/reports/incoming/team/users.csv.versions/v1.json`,
      failedCsvKey: 'reports/incoming/team/users.csv.versions/v1.failed.csv',
      jobIds: ['import-j1', 'import-j2', 'import-j3'],
      totals: { rows: 6, imported: 3, skipped: 1, failed: 1, rejected: 1 },
    });
    expect(report.firstReasons[0]).toBe('line 5: email is not a valid email address');
    expect(report.firstReasons).toContain('line 7: Invalid attribute.');

    expect(doc).toMatchObject({
      reportVersion: 1, source, status: 'PartiallySucceeded', startedAt: '2025-01-01T00:00:00.000Z',
      totals: report.totals,
      fixes: { crlfToLf: 8, booleansNormalized: 1, quotedFieldsRewritten: 1, blankLinesRemoved: 1 },
      rejected: [{ line: 5, username: 'carol', column: 'email', message: 'email is not a valid email address' }],
      users: [
        { line: 6, username: 'dave', outcome: 'SKIPPED', message: 'The user already exists.' },
        { line: 7, username: 'erin', outcome: 'FAILED', message: 'Invalid attribute.' },
      ],
    });
    expect(doc.jobs).toHaveLength(3);
    expect(doc.jobs[0]).toMatchObject({ jobId: 'import-j1', status: 'Succeeded', importedUsers: 2 });
    expect(typeof doc.completedAt).toBe('string');

    // Rejected and FAILED rows exactly as dropped (CRLF kept); SKIPPED users are not re-dropped.
    expect(failedCsv).toBe([HEADER, 'carol,not-an-email,true,+15550000003,Carol', 'erin,erin@example.com,true,+15550000005,Erin'].join('\r\n') + '\r\n');

    const event = env.events.commandCalls(PutEventsCommand)[0].args[0].input.Entries![0];
    expect(event).toMatchObject({ Source: EVENT_SOURCE, DetailType: EVENT_DETAIL_TYPE, EventBusName: 'default' });
    expect(JSON.parse(event.Detail!)).toEqual({
      importerId: 'Importer1', userPoolId: POOL_ID, bucket: SRC, key: source.key, versionId: 'v1', etag: 'e1',
      eventId: report.eventId, status: 'PartiallySucceeded', totals: report.totals, reportUri: report.reportUri, jobIds: report.jobIds,
    });
    // EMF dimension sets must match the constructs' metricXxx() exactly: importer and pool, plus status for `files`.
    expect(env.metrics).toEqual([
      { dimensions: { importerId: 'Importer1', userPoolId: POOL_ID }, values: { imported: 3, skipped: 1, failed: 1, rejected: 1, failedFiles: 0 } },
      { dimensions: { importerId: 'Importer1', userPoolId: POOL_ID, status: 'PartiallySucceeded' }, values: { files: 1 } },
    ]);

    // Nothing but usernames, lines, counts, ids and keys in the logs.
    const logs = env.log.lines.join('\n');
    for (const secret of ['@example.com', '+1555', 'not-an-email', 'Bob, Jr.', 'up.example']) expect(logs).not.toContain(secret);
  });

  test('every row imported → Succeeded, no failed.csv', async () => {
    const env = testEnv();
    fakeCognito(env, {});
    const { report, doc } = await runWorkflow(env, config(), [HEADER, 'alice,alice@example.com,true,,A', 'bob,bob@example.com,true,,B'].join('\n') + '\n');
    expect(report.status).toBe('Succeeded');
    expect(report.failedCsvKey).toBeUndefined();
    expect(doc.users).toEqual([]);
    expect(doc.rejected).toEqual([]);
  });

  test('a rejected file: Rejected, whole file in failed.csv, no job', async () => {
    const env = testEnv();
    fakeCognito(env, {});
    const csv = [HEADER + ',shoe_size', 'alice,alice@example.com,true,,A,42'].join('\n') + '\n';
    const { report, doc, failedCsv } = await runWorkflow(env, config(), csv);
    expect(report.status).toBe('Rejected');
    expect(report.jobIds).toEqual([]);
    // The first line holds columns the pool knows, so it is a header: the unknown column is named, once.
    expect(doc.rejected).toEqual([expect.objectContaining({ line: 1, message: expect.stringContaining('header column shoe_size is not an attribute') })]);
    expect(failedCsv).toBe(csv);
    expect(env.cognito.commandCalls(CreateUserImportJobCommand)).toHaveLength(0);
  });

  test('REJECT_FILE with a bad row: Rejected naming the line', async () => {
    const env = testEnv();
    fakeCognito(env, {});
    const { report, doc } = await runWorkflow(env, config({ invalidRows: 'REJECT_FILE' }), CSV);
    expect(report.status).toBe('Rejected');
    expect(doc.rejected.map((r) => r.line)).toEqual([5]);
    expect(report.totals).toMatchObject({ rows: 6, rejected: 6, imported: 0 });
  });

  test('a job that Failed with nothing imported → Failed; unprocessed rows go to failed.csv', async () => {
    const env = testEnv();
    fakeCognito(env, { alice: 'FAILED' }, 'Failed');
    // Cognito stopped after alice: bob has no result line.
    env.cognito.on(DescribeUserImportJobCommand).callsFake((input) => ({ UserImportJob: {
      JobId: input.JobId, JobName: 'n', Status: 'Failed', ImportedUsers: 0, SkippedUsers: 0, FailedUsers: 1,
      CompletionMessage: 'Too many users have failed or been skipped during the import.',
    } }));
    env.logs.on(GetLogEventsCommand).resolves({ events: [{ message: '[FAILED] Line Number 2 - Invalid attribute.' }], nextForwardToken: 'x' });
    const csv = [HEADER, 'alice,alice@example.com,true,,A', 'bob,bob@example.com,true,,B'].join('\n') + '\n';
    const { report, doc, failedCsv } = await runWorkflow(env, config(), csv);
    expect(report.status).toBe('Failed');
    expect(doc.jobs[0].completionMessage).toContain('Too many users');
    expect(failedCsv).toBe(csv);
  });
});

describe('report on the error path', () => {
  test('state.error with no validation still writes one report (Failed) and the whole file to failed.csv', async () => {
    const env = testEnv();
    env.store.put(SRC, source.key, CSV);
    const state: WorkflowState = {
      source,
      error: { Error: 'ResourceNotFoundException', Cause: JSON.stringify({ errorMessage: 'User pool does not exist. Contact admin@example.com or +1 555 123 4567' }) },
    };
    const report = (await runStep(env.deps, config(), { action: 'report', executionName: 'x', startedAt: '2025-01-01T00:00:00Z', state })) as ReportOutput;
    expect(report.status).toBe('Failed');
    expect(report.firstReasons[0]).toMatch(/^ResourceNotFoundException: User pool does not exist/);
    const doc = JSON.parse(env.store.text(BUCKET, report.reportKey)!) as ImportReport;
    expect(doc).toMatchObject({ reportVersion: 1, status: 'Failed', totals: { rows: 0, imported: 0, skipped: 0, failed: 0, rejected: 0 }, jobs: [], rejected: [], users: [] });
    expect(doc.error).not.toContain('admin@example.com');
    expect(doc.error).not.toContain('555');
    expect(env.store.text(BUCKET, report.failedCsvKey!)).toBe(CSV);
  });

  test('error after some parts: parts that never ran go to failed.csv', async () => {
    const env = testEnv();
    fakeCognito(env, {});
    env.store.put(SRC, source.key, CSV);
    const cfg = config({ maxRowsPerPart: 2 });
    const validation = (await runStep(env.deps, cfg, { action: 'validate', source, executionName: 'e' })) as ValidateOutput;
    const part = validation.parts[0];
    const ref = (await runStep(env.deps, cfg, { action: 'createAndUpload', part })) as JobRef;
    let job = await start(env.deps, cfg, ref);
    job = await describeJob(env.deps, cfg, job);
    const harvested = (await runStep(env.deps, cfg, { action: 'harvest', part, job })) as HarvestOutput;
    const state: WorkflowState = { source, validation, parts: [harvested], error: { Error: 'States.Timeout', Cause: '' } };
    const report = (await runStep(env.deps, cfg, { action: 'report', executionName: 'e', startedAt: 't', state })) as ReportOutput;
    expect(report.status).toBe('Failed');
    expect(report.totals.imported).toBe(2);
    const failed = env.store.text(BUCKET, report.failedCsvKey!)!.split('\r\n').filter(Boolean).map((l) => l.split(',')[0]);
    expect(failed).toEqual(['cognito:username', 'carol', 'dave', 'erin', 'frank']);
  });
});

describe('password hashes: who signs in with a password, who must reset it', () => {
  const hash = '$2b$10$CtA.Rcu/szzn9U00wpUjOuN3vrgJRZycv4aOzcP3GzqzO8UDPEFq6';
  const csv = [
    'cognito:username,email,email_verified,password_hash', // 1
    `ann,ann@example.com,true,${hash}`,                     // 2  imported with a hash → CONFIRMED
    'ben,ben@example.com,true,',                            // 3  imported, no hash → RESET_REQUIRED
    `cid,cid@example.com,true,${hash}`,                     // 4  SKIPPED: not imported, not counted
    `dee,dee@example.com,true,${hash}`,                     // 5  FAILED: not counted
    `eve,eve@example.com,true,${hash}`,                     // 6  imported with a hash
  ].join('\n') + '\n';

  test('the report counts CONFIRMED and RESET_REQUIRED among the imported users only', async () => {
    const env = testEnv();
    fakeCognito(env, { cid: 'SKIPPED', dee: 'FAILED' });
    const { doc } = await runWorkflow(env, config({ passwordHashingAlgorithm: 'BCRYPT', maxRowsPerPart: 2 }), csv);
    expect(doc.totals).toMatchObject({ imported: 3, skipped: 1, failed: 1 });
    expect(doc.passwords).toEqual({ algorithm: 'BCRYPT', confirmed: 2, resetRequired: 1 });
    expect(JSON.stringify(doc)).not.toContain(hash);
  });

  test('without an algorithm every imported user must reset the password', async () => {
    const env = testEnv();
    fakeCognito(env, {});
    const { doc } = await runWorkflow(env, config(), [HEADER, 'alice,alice@example.com,true,,A', 'bob,bob@example.com,true,,B'].join('\n') + '\n');
    expect(doc.passwords).toEqual({ confirmed: 0, resetRequired: 2 });
  });
});
