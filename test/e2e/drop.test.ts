/**
 * End-to-end: `cognito-user-import drop --wait` against a running local cloud (real trigger, workflow
 * and worker): the progress phases it shows, the reports it prints, its exit codes; and the metrics
 * the worker emits (embedded metric format on its stdout) are exactly those the constructs' metricXxx()
 * methods name. Needs `npm run build` (bundles and the compiled CLI).
 */
import { mkdirSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { App, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { LocalCloud, startLocalCloud } from '../../packages/cli/local-cloud';
import { CognitoImportQueue, CognitoUserImport } from '../../lib';
import { cognitoCsv, user } from '../local-cloud/helpers';
import { runCli } from '../run-cli';

jest.setTimeout(240_000);

let cloud: LocalCloud;
const handlerOutput: string[] = [];
const dir = join(tmpdir(), `drop-e2e-${process.pid}`);
beforeAll(async () => {
  mkdirSync(dir, { recursive: true });
  // Jobs that run a few seconds, so the importing phase is there to be seen.
  cloud = await startLocalCloud({ port: 0, lambdaOutput: (c) => handlerOutput.push(c), cognitoTimings: { pendingMs: 300, minRunMs: 2500 } });
});
afterAll(async () => { await cloud?.stop(); });

const dropCli = (...args: string[]) => runCli(['drop', ...args, '--bucket', cloud.bucket, '--endpoint-url', cloud.endpoint, '--region', cloud.region]);

/** Every metric the worker's EMF lines define: namespace, name, and the dimensions with their values. */
function emittedMetrics(): Array<{ namespace: string; name: string; dimensions: Record<string, string> }> {
  return handlerOutput.join('').split('\n').filter((l) => l.includes('"_aws"')).flatMap((line) => {
    const record = JSON.parse(line.slice(line.indexOf('{')));
    return record._aws.CloudWatchMetrics.flatMap((d: any) => d.Metrics.map((m: any) => ({
      namespace: d.Namespace, name: m.Name, dimensions: Object.fromEntries(d.Dimensions[0].map((k: string) => [k, String(record[k])])),
    })));
  });
}

test('drop --wait on a good file: exit 0, progress phases on stderr, the summary on stdout; --json prints the reports', async () => {
  const file = join(dir, 'good.csv');
  writeFileSync(file, cognitoCsv([user(1), user(2), user(3)]));
  const r = await dropCli(file, '--wait');
  expect(r.stderr).toMatch(/good\.csv: dropped as s3:\/\/.*\/incoming\/good\.csv/);
  expect(r.stderr).toMatch(/good\.csv: importing: \d of 3 users \(job \S+ (Pending|InProgress)/);
  expect(r.stderr).toMatch(/good\.csv: Succeeded/);
  expect(r.stdout).toMatch(/good\.csv: Succeeded\n {2}rows 3 {2}imported 3/);
  expect(r.code).toBe(0);
  // No attribute value reaches the output.
  expect(r.stdout + r.stderr).not.toMatch(/@example\.com/);

  const file2 = join(dir, 'second.csv');
  writeFileSync(file2, cognitoCsv([user(4)]));
  const j = await dropCli(file2, '--wait', '--json');
  expect(j.code).toBe(0);
  const reports = JSON.parse(j.stdout);
  expect(reports).toHaveLength(1);
  expect(reports[0]).toMatchObject({ reportVersion: 1, status: 'Succeeded', source: { key: 'incoming/second.csv' } });
});

test('two files dropped at once: the second waits in the queue (its position shown) while the first imports', async () => {
  const a = join(dir, 'first.csv');
  const b = join(dir, 'later.csv');
  writeFileSync(a, cognitoCsv([user(30), user(31)]));
  writeFileSync(b, cognitoCsv([user(32)]));
  const r = await dropCli(a, b, '--wait');
  // Whichever takes the slot first imports (small files may ride in its job); the other waits in line.
  expect(r.stderr).toMatch(/(first|later)\.csv: importing: \d of \d users/);
  expect(r.stderr).toMatch(/(first|later)\.csv: waiting in the import queue \(position \d/);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/first\.csv: Succeeded[\s\S]*later\.csv: Succeeded/);
});

test('drop --wait on a rejected file: exit 3 and its report; a re-drop of the same key waits for its own report', async () => {
  const file = join(dir, 'bad.csv');
  writeFileSync(file, 'not_a_column,another\nx,y\n');
  const r = await dropCli(file, '--wait');
  expect(r.stdout).toMatch(/bad\.csv: Rejected/);
  expect(r.stderr).toMatch(/ended Rejected or Failed: bad\.csv \(Rejected\); exit code 3/);
  expect(r.code).toBe(3);
  // The same key again, now good: the earlier Rejected report is not taken for this drop's.
  writeFileSync(file, cognitoCsv([user(10)]));
  const again = await dropCli(file, '--wait');
  expect({ out: again.stdout, err: again.stderr }).toEqual({ out: expect.stringMatching(/bad\.csv: Succeeded/), err: expect.anything() });
  expect(again.code).toBe(0);
});

test('--timeout ends with exit 1 and says where the report will appear; bad arguments exit 2', async () => {
  const file = join(dir, 'slow.csv');
  writeFileSync(file, cognitoCsv([user(20)]));
  const r = await runCli(['drop', file, '--bucket', 'no-such-bucket-here', '--endpoint-url', cloud.endpoint, '--region', cloud.region, '--wait', '--timeout', '1s']);
  // The bucket does not exist: the upload fails (an error, exit 1) — or, where it exists, the wait times out.
  expect(r.code).toBe(1);
  const t = await dropCli(file, '--wait', '--timeout', '1s', '--prefix', 'elsewhere/');
  expect(t.code).toBe(1);
  expect(t.stderr).toMatch(/slow\.csv: still importing at the --timeout; its report will appear at s3:\/\/.*\/reports\/elsewhere\/slow\.csv\.json/);
  expect((await runCli(['drop', file])).code).toBe(2);
  expect((await dropCli(file, '--timeout', '10m')).stderr).toMatch(/--timeout goes with --wait/);
  expect((await dropCli(file, '--wait', '--timeout', 'soon')).stderr).toMatch(/--timeout must be a duration like 90s, 30m, 2h or 1h30m/);
});

test('every metric the constructs\' methods name is emitted by the worker: namespace, name, dimension names and values', async () => {
  await cloud.settle(60_000);
  const emitted = emittedMetrics();
  expect(emitted.length).toBeGreaterThan(0);
  const stack = new Stack(new App(), 'Metrics');
  // The local cloud's importer, as the constructs see it: its id and pool, and the queue's table.
  const importerId = (cloud.events.recorded.find((e) => e.detailType === 'Cognito User Import Completed')!.detail as { importerId: string }).importerId;
  const db = new DynamoDBClient({ endpoint: cloud.endpoint, region: cloud.region, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  const tables = (await db.send(new ListTablesCommand({}))).TableNames!;
  db.destroy();
  expect(tables).toHaveLength(1);
  const queueTable = tables[0];
  expect(importerId).toBeTruthy();
  const importer = new CognitoUserImport(stack, 'Importer', { userPool: cognito.UserPool.fromUserPoolId(stack, 'Pool', cloud.poolId) });
  Object.defineProperty(importer, 'importerId', { value: importerId });
  const queue = CognitoImportQueue.fromTableName(stack, 'Queue', queueTable);
  const methods: Record<string, cloudwatch.Metric> = {
    metricImportedUsers: importer.metricImportedUsers(), metricSkippedUsers: importer.metricSkippedUsers(),
    metricFailedUsers: importer.metricFailedUsers(), metricRejectedRows: importer.metricRejectedRows(),
    metricFailedFiles: importer.metricFailedFiles(), 'metricFiles(Succeeded)': importer.metricFiles('Succeeded'),
    'metricFiles(Rejected)': importer.metricFiles('Rejected'),
    metricWaitingFiles: queue.metricWaitingFiles(), metricWaitTime: queue.metricWaitTime(),
  };
  for (const [method, m] of Object.entries(methods)) {
    const wanted = { namespace: m.namespace, name: m.metricName, dimensions: m.dimensions };
    // Dimension sets must match exactly (same names, same values, nothing more) for CloudWatch to find the metric.
    const same = (e: typeof emitted[number]) => e.namespace === wanted.namespace && e.name === wanted.name
      && JSON.stringify(Object.entries(e.dimensions).sort()) === JSON.stringify(Object.entries(wanted.dimensions ?? {}).sort());
    expect({ method, found: emitted.some(same) }).toEqual({ method, found: true });
  }
});
