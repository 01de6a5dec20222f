/**
 * Long keys dropped with the AWS CLI (`aws s3 cp`), through the whole local cloud: a key S3 takes
 * but whose report key S3 would refuse is Rejected before any job, with its report at the bounded
 * key `reports/_rejected/<sha256 of the key>.json` and the event; a key S3 itself refuses (over
 * 1,024 bytes) fails at the CLI and starts nothing. Needs `npm run build` (bundles).
 */
import { createHash } from 'crypto';
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { LocalCloud, startLocalCloud } from '../../packages/cli/local-cloud';
import { run } from '../conformance/run';
import { cognitoCsv, user } from '../local-cloud/helpers';

let cloud: LocalCloud;
let file: string;
beforeAll(async () => {
  cloud = await startLocalCloud({ port: 0 });
  const dir = mkdtempSync(join(tmpdir(), 'cui-longkeys-'));
  file = join(dir, 'users.csv');
  writeFileSync(file, cognitoCsv([user(1), user(2)]));
});
afterAll(async () => { await cloud.stop(); });

const cp = (key: string) => run(cloud, 'aws', ['s3', 'cp', file, `s3://${cloud.bucket}/${key}`, '--endpoint-url', cloud.endpoint, '--region', cloud.region]);
/** `incoming/<n multi-byte characters>.csv` of exactly `bytes` bytes of UTF-8. */
function keyOf(bytes: number): string {
  const fixed = Buffer.byteLength('incoming/.csv');
  const room = bytes - fixed;
  return `incoming/${'é'.repeat(Math.floor(room / 2))}${room % 2 ? 'x' : ''}.csv`;
}

test('a 1,005-byte key is the longest whose report keys fit (reports/ + key + .failed.csv = 1,024 bytes): imported as usual', async () => {
  const key = keyOf(1_005);
  expect((await cp(key)).stderr).toBe('');
  const report = await cloud.waitForReport(key);
  expect(report).toMatchObject({ status: 'Succeeded', totals: { imported: 2 } });
  expect((await cloud.reports(key)).map((x) => x.objectKey)).toEqual([`reports/${key}.json`]);
});

test.each([1_006, 1_024])('a %d-byte key: imported by S3, Rejected before any job, report at the bounded key, one event', async (bytes) => {
  const key = keyOf(bytes);
  expect(Buffer.byteLength(key)).toBe(bytes);
  const jobsBefore = cloud.jobs().length;
  const r = await cp(key);
  expect(r.stderr).toBe('');
  const report = await cloud.waitForReport(key);
  expect(report).toMatchObject({ status: 'Rejected', totals: { imported: 0 } });
  expect(report.rejected[0].message).toMatch(/report key would exceed S3's 1024-byte limit; drop the file under a shorter key/);
  const sha = createHash('sha256').update(key).digest('hex');
  const found = (await cloud.reports(key)).map((x) => x.objectKey);
  expect(found).toEqual([`reports/_rejected/${sha}.json`]);
  await cloud.settle();
  expect(cloud.jobs().length).toBe(jobsBefore);
  const events = cloud.events.recorded.filter((e) => JSON.stringify(e).includes(sha));
  expect(events).toHaveLength(1);
});

test('a 1,025-byte key is refused by S3 itself (KeyTooLongError): nothing starts', async () => {
  const key = keyOf(1_025);
  const executionsBefore = cloud.stepFunctions.executions.size;
  const r = await cp(key);
  expect(r.code).not.toBe(0);
  expect(r.stderr).toMatch(/KeyTooLongError|Your key is too long/);
  await cloud.settle();
  expect(cloud.stepFunctions.executions.size).toBe(executionsBefore);
});
