/**
 * The worker's own checks on its execution input, its pinned reads, and the keys of its reports:
 * refusals happen before any read or job, and still end in one report and one event.
 */
import { createHash } from 'node:crypto';
import { CreateUserImportJobCommand, DescribeUserPoolCommand, GetCSVHeaderCommand } from '@aws-sdk/client-cognito-identity-provider';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { runStep } from '../../lambda/engine';
import { MAX_S3_KEY_BYTES, openSource, reportKeysFor, sourceProblem, USER_ROWS_TAG } from '../../lambda/report/source-object';
import type { SourceObject } from '../../lambda/shared/execution';
import type { ImportReport, ReportOutput } from '../../lambda/shared/report';
import type { ValidateOutput } from '../../lambda/shared/steps';
import { workerConfigFromEnv } from '../../lambda/runtime/worker-config';
import { BUCKET, config, CSV_HEADER, testEnv } from './helpers';

const ROW = CSV_HEADER.map((c) => ({ 'cognito:username': 'ada', 'email': 'ada@example.com', 'email_verified': 'true', 'cognito:mfa_enabled': 'false' } as Record<string, string>)[c] ?? '').join(',');
const CSV = `${CSV_HEADER.join(',')}\n${ROW}\n`;

async function runValidateReportNotify(source: SourceObject, cfg = config()) {
  const env = testEnv();
  env.events.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });
  env.store.put(BUCKET, source.key, CSV);
  const validation = (await runStep(env.deps, cfg, { action: 'validate', source, executionName: 'exec-1' })) as ValidateOutput;
  const report = (await runStep(env.deps, cfg, { action: 'report', executionName: 'exec-1', startedAt: 't', state: { source, validation } })) as ReportOutput;
  await runStep(env.deps, cfg, { action: 'notify', source, report });
  const doc = JSON.parse(env.store.text(BUCKET, report.reportKey)!) as ImportReport;
  const event = JSON.parse(env.events.commandCalls(PutEventsCommand)[0].args[0].input.Entries![0].Detail!);
  return { env, validation, report, doc, event };
}

describe('report keys', () => {
  test('natural while the failed-rows key fits in 1,024 bytes, bounded (sha256 of the key) beyond', () => {
    const fits = `incoming/${'a'.repeat(MAX_S3_KEY_BYTES - 'reports/'.length - 'incoming/'.length - '.failed.csv'.length)}`;
    expect(reportKeysFor('reports/', fits)).toMatchObject({ reportKey: `reports/${fits}.json`, failedRowsKey: `reports/${fits}.failed.csv`, progressKey: expect.stringMatching(/^reports\/_rejected\/[0-9a-f]{64}\.progress\.json$/), bounded: false });
    // Its versions' keys would be too long next to it: they go under the bounded folder.
    expect(reportKeysFor('reports/', fits).versionsPrefix).toBe(`reports/_rejected/${createHash('sha256').update(fits).digest('hex')}.versions/`);
    expect(Buffer.byteLength(reportKeysFor('reports/', fits).failedRowsKey)).toBe(MAX_S3_KEY_BYTES);
    const tooLong = `${fits}b`;
    const sha = createHash('sha256').update(tooLong).digest('hex');
    expect(reportKeysFor('reports/', tooLong)).toEqual({ reportKey: `reports/_rejected/${sha}.json`, failedRowsKey: `reports/_rejected/${sha}.failed.csv`, progressKey: `reports/_rejected/${sha}.progress.json`, bounded: true, versionsPrefix: `reports/_rejected/${sha}.versions/` });
  });

  test('the progress object sits next to the report (.progress.json), covered by the reports read grant (*.json)', () => {
    expect(reportKeysFor('reports/', 'incoming/a.csv').progressKey).toBe('reports/incoming/a.csv.progress.json');
  });

  test('bytes, not characters, count', () => {
    const key = `incoming/${'é'.repeat(500)}`; // 509 characters, 1,009 bytes
    expect(reportKeysFor('reports/', key).bounded).toBe(true);
  });
});

describe('the worker checks its execution input', () => {
  const cfg = config();
  test.each<[string, Partial<SourceObject> | undefined, RegExp]>([
    ['another bucket', { bucket: 'someone-elses-bucket' }, /not in this importer's bucket/],
    ['a key outside the incoming prefix', { key: 'reports/incoming/x.csv.json' }, /not under this importer's incoming prefix/],
    ['a key in the work prefix but not a deployment copy', { key: 'work/exec-1/part-1.csv' }, /not under this importer's incoming prefix/],
    ['neither version nor ETag', { versionId: undefined, etag: undefined }, /neither a version nor an ETag/],
    ['a key too long for its report', { key: `incoming/${'k'.repeat(1000)}.csv` }, /1013 bytes long: its report key would exceed S3's 1024-byte limit/],
    ['a file larger than maxFileSize', { size: 1024 ** 3 + 1 }, /more than this importer's maxFileSize \(1073741824 bytes\)/],
  ])('%s is refused', (_name, change, reason) => {
    const source = { bucket: BUCKET, key: 'incoming/users.csv', etag: '"e1"', ...change } as SourceObject;
    expect(sourceProblem(cfg, source)).toMatch(reason);
  });

  test.each<[string, Partial<SourceObject>]>([
    ['a dropped file with an ETag', {}],
    ['a dropped file with a version', { etag: undefined, versionId: 'v1' }],
    ["a deployment's copy", { key: 'work/deployments/exec-1.csv' }],
  ])('%s is accepted', (_name, change) => {
    expect(sourceProblem(cfg, { bucket: BUCKET, key: 'incoming/users.csv', etag: '"e1"', ...change })).toBeUndefined();
  });

  test('maxFileSize comes from the environment, 1 GiB by default', () => {
    const env = { USER_POOL_ID: 'p', BUCKET_NAME: 'b' };
    expect(workerConfigFromEnv(env).maxFileSizeBytes).toBe(1024 ** 3);
    expect(workerConfigFromEnv({ ...env, MAX_FILE_SIZE_BYTES: '1000' }).maxFileSizeBytes).toBe(1000);
  });

  test('a refused source: no read, no Cognito call, a Rejected report at the bounded key, and the event', async () => {
    const key = `incoming/${'ü'.repeat(600)}.csv`;
    const { env, validation, report, doc, event } = await runValidateReportNotify({ bucket: BUCKET, key, etag: '"e1"' });
    expect(validation.outcome).toBe('Rejected');
    expect(env.store.openCalls.filter((c) => c.key === key)).toEqual([]);
    expect(env.cognito.commandCalls(GetCSVHeaderCommand)).toHaveLength(0);
    expect(env.cognito.commandCalls(DescribeUserPoolCommand)).toHaveLength(0);
    expect(env.cognito.commandCalls(CreateUserImportJobCommand)).toHaveLength(0);
    const sha = createHash('sha256').update(key).digest('hex');
    // This version's own report, and (the only version) the report at the bounded key.
    expect(report.reportKey).toBe(`reports/_rejected/${sha}.versions/e1.json`);
    expect(env.store.text(BUCKET, `reports/_rejected/${sha}.json`)).toBe(env.store.text(BUCKET, report.reportKey));
    expect(doc.status).toBe('Rejected');
    expect(doc.source.key).toBe(key);
    expect(doc.rejected).toEqual([{ line: 1, message: expect.stringMatching(/report key would exceed S3's 1024-byte limit/) }]);
    expect(doc.failedRowsUri).toBeUndefined();
    expect(event).toMatchObject({ status: 'Rejected', reportUri: `s3://${BUCKET}/reports/_rejected/${sha}.versions/e1.json`, etag: 'e1' });
    expect(env.store.keys().filter((k) => k.endsWith('.failed.csv'))).toEqual([]);
  });

  test("another bucket's object is never read, even on the report's failed-rows path", async () => {
    const env = testEnv();
    env.store.put('other', 'incoming/users.csv', CSV);
    const source = { bucket: 'other', key: 'incoming/users.csv', etag: '"e1"' };
    const report = (await runStep(env.deps, config(), { action: 'report', executionName: 'e', startedAt: 't', state: { source, error: { Error: 'X', Cause: 'y' } } })) as ReportOutput;
    expect(report.status).toBe('Failed');
    expect(env.store.openCalls).toEqual([]);
  });
});

describe('pinned reads', () => {
  test('an unversioned object is read with IfMatch on its ETag, by validate and by the failed-rows copy', async () => {
    const bad = CSV + 'not-a-user-row\n';
    const env = testEnv();
    env.events.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });
    const source = { bucket: BUCKET, key: 'incoming/u.csv', etag: '"e1"' };
    env.store.put(BUCKET, source.key, bad);
    env.store.etags.set(`${BUCKET}/${source.key}`, '"e1"');
    const validation = (await runStep(env.deps, config(), { action: 'validate', source, executionName: 'e' })) as ValidateOutput;
    await runStep(env.deps, config(), { action: 'report', executionName: 'e', startedAt: 't', state: { source, validation } });
    const sourceOpens = env.store.openCalls.filter((c) => c.key === source.key);
    expect(sourceOpens).toHaveLength(2);
    for (const c of sourceOpens) expect(c).toEqual({ key: source.key, versionId: undefined, options: { ifMatch: '"e1"' } });
  });

  test('a versioned object is read by version (no IfMatch needed)', async () => {
    const env = testEnv();
    env.store.put(BUCKET, 'incoming/v.csv', CSV);
    await runStep(env.deps, config(), { action: 'validate', source: { bucket: BUCKET, key: 'incoming/v.csv', versionId: 'v7', etag: '"e"' }, executionName: 'e' });
    expect(env.store.openCalls[0]).toEqual({ key: 'incoming/v.csv', versionId: 'v7', options: {} });
  });

  test('an object overwritten since the event (another ETag) is not read', async () => {
    const env = testEnv();
    env.store.put(BUCKET, 'incoming/o.csv', CSV);
    env.store.etags.set(`${BUCKET}/incoming/o.csv`, '"new"');
    await expect(runStep(env.deps, config(), { action: 'validate', source: { bucket: BUCKET, key: 'incoming/o.csv', etag: '"old"' }, executionName: 'e' }))
      .rejects.toMatchObject({ name: 'PreconditionFailed' });
  });

  test('reading stops past maxFileSize whatever size the input claimed', async () => {
    const env = testEnv();
    env.store.put(BUCKET, 'incoming/big.csv', CSV.repeat(50));
    const cfg = config({ maxFileSizeBytes: 100 });
    await expect(openSource(env.deps, cfg, { bucket: BUCKET, key: 'incoming/big.csv', etag: '"e"', size: 10 })).rejects.toThrow(/maxFileSize \(100 bytes\)/);
  });
});

describe('failed rows', () => {
  test('the report names failedRowsUri; the copy is tagged for lifecycle expiry', async () => {
    const env = testEnv();
    env.events.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });
    const source = { bucket: BUCKET, key: 'incoming/f.csv', etag: '"e1"' };
    env.store.put(BUCKET, source.key, `${CSV_HEADER.join(',')}\nnot,a,row\n`);
    const validation = (await runStep(env.deps, config(), { action: 'validate', source, executionName: 'e' })) as ValidateOutput;
    const report = (await runStep(env.deps, config(), { action: 'report', executionName: 'e', startedAt: 't', state: { source, validation } })) as ReportOutput;
    const doc = JSON.parse(env.store.text(BUCKET, report.reportKey)!) as ImportReport;
    // Each version's rows to fix are its own, next to its own report.
    expect(doc.failedRowsUri).toBe(`s3://${BUCKET}/reports/incoming/f.csv.versions/e1.failed.csv`);
    expect(env.store.text(BUCKET, 'reports/incoming/f.csv.versions/e1.failed.csv')).toContain('not,a,row');
    expect(env.store.writerOptions.get(`${BUCKET}/reports/incoming/f.csv.versions/e1.failed.csv`)).toEqual({ tagging: `${encodeURIComponent(USER_ROWS_TAG.key)}=${USER_ROWS_TAG.value}` });
  });
});

describe('messages from AWS errors', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { scrub } = require('../../lambda/report/report') as typeof import('../../lambda/report/report');
  test.each([
    ["1 validation error detected: Value 'Augusta Ada King' at 'userAttributes.2.member.value' failed to satisfy constraint", 'Augusta Ada King'],
    ['Invalid email address: "ada@example.org"', 'ada@example.org'],
    ['Invalid phone number +442079460321', '2079460321'],
    ['upload to https://bucket.s3.amazonaws.com/x?X-Amz-Signature=abc failed', 'X-Amz-Signature'],
  ])('scrub removes the value from: %s', (message, value) => {
    expect(scrub(message)).not.toContain(value);
  });
  test('scrub keeps what explains the error', () => {
    expect(scrub("Value 'x' at 'userAttributes.2.member.value' failed to satisfy constraint: Member must have length less than or equal to 2048"))
      .toBe("Value '…' at '…' failed to satisfy constraint: Member must have length less than or equal to 2048");
  });
});
