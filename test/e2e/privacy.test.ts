/**
 * Whole imports of files full of personal data, through the local cloud (real trigger, synthesized
 * workflow, bundled worker at DEBUG log level) and through `run-local`: with a header, without one
 * (its first user becomes the "header"), and under a key too long for its report. Every output is
 * searched for any attribute value: reports, events, the workflow's execution history (every
 * state's input and output), the handlers' logs, Cognito's result lines and the CLI's output.
 * Usernames may appear; only the failed-rows file (which IS the user's rows) may hold values.
 * Needs `npm run build` (bundles, CLI).
 */
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { LocalCloud, startLocalCloud } from '../../packages/cli/local-cloud';
import { HEADER } from '../local-cloud/helpers';
import { runCli } from '../run-cli';


/** People whose every value is distinctive, so any leak is found; usernames share nothing with them. */
const PEOPLE = [
  { u: 'u-1001', email: 'grace.hopper.pii@navy-example.org', phone: '+14155550123', name: 'Grace Brewster Hopper', address: '1 Navy Yard\\, Arlington' },
  { u: 'u-1002', email: 'ada.lovelace.pii@analytical-example.org', phone: '+442079460321', name: 'Augusta Ada King', address: '12 St James Square' },
  { u: 'u-1003', email: 'not-an-email-katherine.johnson', phone: '+17575550987', name: 'Katherine Coleman Johnson', address: 'Hampton Roads' },
  { u: 'u-1004', email: 'dorothy.vaughan.pii@langley-example.org', phone: '757-555-0456', name: 'Dorothy Johnson Vaughan', address: 'West Computing Unit' },
  { u: 'u-1005', email: 'mary.jackson.pii@langley-example.org', phone: '+17575550111', name: 'Mary Winston Jackson', address: 'Building 1244' },
  { u: 'u-1001', email: 'annie.easley.pii@lewis-example.org', phone: '+12165550142', name: 'Annie Jean Easley', address: 'Cleveland Lab 7' },
];
/** Pieces of every value (the `\,` of an escaped comma taken out) that must never appear. */
const SECRETS = PEOPLE.flatMap((p) => [
  p.email, p.email.split('@')[0], p.phone, p.phone.replace(/\D/g, '').slice(-7), p.name, p.name.split(' ')[1], p.address.replace('\\,', ','), p.address.split('\\,')[0],
]);

function rows(): string[] {
  return PEOPLE.map((p) => HEADER.map((h) => ({
    'cognito:username': p.u, 'email': p.email, 'email_verified': 'true', 'phone_number': p.phone, 'phone_number_verified': 'false',
    'name': p.name, 'address': p.address, 'cognito:mfa_enabled': 'false',
  } as Record<string, string>)[h] ?? '').join(','));
}
const WITH_HEADER = [HEADER.join(','), ...rows()].join('\n') + '\n';
const WITHOUT_HEADER = rows().join('\n') + '\n';

/**
 * Secrets found in `text`, each as a whole token (no letter or digit either side): a piece like
 * 'Ada' must not match inside a random hex id (…3ada9…) or 'metadata', which made this test flaky.
 */
function leaks(label: string, text: string): string[] {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return SECRETS.filter((s) => new RegExp(`(?<![A-Za-z0-9])${escape(s)}(?![A-Za-z0-9])`, 'i').test(text)).map((s) => `${label}: ${s}`);
}

describe('the local cloud never lets an attribute value out', () => {
  let cloud: LocalCloud;
  const handlerOutput: string[] = [];
  const longKey = `incoming/${'long-name-'.repeat(100)}.csv`;

  beforeAll(async () => {
    process.env.LOCAL_CLOUD_LAMBDA_LOG_LEVEL = 'DEBUG';
    cloud = await startLocalCloud({ port: 0, lambdaOutput: (c) => handlerOutput.push(c) });
    for (const [key, body] of [['incoming/with-header.csv', WITH_HEADER], ['incoming/without-header.csv', WITHOUT_HEADER], [longKey, WITH_HEADER]]) {
      await cloud.s3.send(new PutObjectCommand({ Bucket: cloud.bucket, Key: key, Body: body }));
      await cloud.waitForReport(key);
    }
    await cloud.settle();
  }, 180_000);
  afterAll(async () => {
    delete process.env.LOCAL_CLOUD_LAMBDA_LOG_LEVEL;
    await cloud?.stop();
  });

  test('the imports ran: one partly imported, two rejected (no header; key too long), each with a report and an event', async () => {
    const reports = await cloud.reports();
    const byKey = Object.fromEntries(reports.map((r) => [r.report.source.key, r]));
    expect(byKey['incoming/with-header.csv'].report.status).toBe('PartiallySucceeded');
    expect(byKey['incoming/with-header.csv'].report.totals).toMatchObject({ rows: 6, imported: 3, rejected: 3 });
    expect(byKey['incoming/without-header.csv'].report.status).toBe('Rejected');
    expect(byKey['incoming/without-header.csv'].report.rejected[0].message).toMatch(/^header columns? \d+(, \d+)*( and \d+ more)? (is not an attribute|are not attributes) of the user pool/);
    expect(byKey[longKey].report.status).toBe('Rejected');
    expect(byKey[longKey].objectKey).toMatch(/^reports\/_rejected\/[0-9a-f]{64}\.json$/);
    expect(cloud.events.recorded.filter((e) => e.detailType === 'Cognito User Import Completed')).toHaveLength(3);
    // The handlers really logged (at DEBUG), so searching their output means something.
    expect(handlerOutput.join('')).toMatch(/validated/);
  });

  test('reports and events: no value (usernames only)', async () => {
    const reports = await cloud.reports();
    expect(reports.flatMap((r) => leaks(r.objectKey, JSON.stringify(r.report)))).toEqual([]);
    expect(JSON.stringify(reports)).toContain('u-1001');
    expect(leaks('events', JSON.stringify(cloud.events.recorded))).toEqual([]);
  });

  test('the workflow\'s execution history (every state\'s input and output) and results: no value', () => {
    const executions = [...cloud.stepFunctions.executions.values()];
    expect(executions.length).toBe(3);
    for (const e of executions) {
      expect(e.history.length).toBeGreaterThan(5);
      expect(leaks(`execution ${e.name}`, JSON.stringify({ input: e.input, output: e.output, error: e.error, cause: e.cause, history: e.history }))).toEqual([]);
    }
  });

  test('the handlers\' logs and Cognito\'s result lines: no value', () => {
    expect(leaks('handler logs', handlerOutput.join(''))).toEqual([]);
    const lines = cloud.jobs().flatMap((j) => cloud.logs.messages(`/aws/cognito/userpools/${cloud.poolId}/${cloud.poolName}`, `${j.JobId}/${j.JobName}`));
    expect(lines.length).toBeGreaterThan(0);
    expect(leaks('cognito logs', lines.join('\n'))).toEqual([]);
  });

  test('the rows to fix are where the report says, and only there', async () => {
    const list = await cloud.s3.send(new ListObjectsV2Command({ Bucket: cloud.bucket, Prefix: cloud.reportPrefix }));
    const failed = (list.Contents ?? []).map((o) => o.Key!).filter((k) => k.endsWith('.failed.csv'));
    const report = (await cloud.reports('incoming/with-header.csv'))[0].report;
    // This version's own rows to fix, in the versions folder next to the report.
    const own = `reports/incoming/with-header.csv.versions/${report.source.etag.replace(/"/g, '')}.failed.csv`;
    expect(report.failedRowsUri).toBe(`s3://${cloud.bucket}/${own}`);
    expect(failed).toContain(own);
    const body = await (await cloud.s3.send(new GetObjectCommand({ Bucket: cloud.bucket, Key: own }))).Body!.transformToString();
    expect(body).toContain('not-an-email-katherine.johnson'); // the user's own row, to fix and re-drop
  });
});

test('run-local with and without a header: the CLI prints no value (JSON reports and progress)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cui-privacy-'));
  writeFileSync(join(dir, 'with-header.csv'), WITH_HEADER);
  writeFileSync(join(dir, 'without-header.csv'), WITHOUT_HEADER);
  const run = async (args: string[]) => {
    const r = await runCli(args);
    return { code: r.code, out: r.stdout + r.stderr };
  };
  for (const json of [['--json'], []]) {
    const r = await run(['run-local', join(dir, 'with-header.csv'), join(dir, 'without-header.csv'), ...json]);
    expect(r.out).toMatch(/Rejected/);
    expect(leaks(`run-local ${json.join(' ')}`, r.out)).toEqual([]);
  }
}, 180_000);

test('the leak check finds a value as a token, never inside an unrelated word or id', () => {
  expect(leaks('t', 'name: Augusta Ada King')).toEqual(expect.arrayContaining(['t: Augusta Ada King', 't: Ada']));
  expect(leaks('t', '"Ada"')).toEqual(['t: Ada']);
  expect(leaks('t', 'call +14155550123 now')).toEqual(expect.arrayContaining(['t: +14155550123']));
  expect(leaks('t', 'execution deploy-413f800a2c244fadac8aeb263a8c52aa2 $metadata readable')).toEqual([]);
});
