/** End-to-end under injected faults: every run keeps the invariants (see invariants.ts). */
import { LocalCloud, startLocalCloud } from '../../packages/cli/local-cloud';
import { cognitoCsv, user } from '../local-cloud/helpers';
import { checkInvariants, drop } from './invariants';

let cloud: LocalCloud | undefined;
afterEach(async () => { await cloud?.stop(); cloud = undefined; });

const csv = (from: number, count = 3) => cognitoCsv(Array.from({ length: count }, (_, i) => user(from + i)));

async function runOne(setup: (c: LocalCloud) => void, key: string) {
  cloud = await startLocalCloud({ port: 0 });
  setup(cloud);
  const d = await drop(cloud, csv(1), key);
  const report = await cloud.waitForReport(d.key);
  await checkInvariants(cloud, [d]);
  return report;
}

test('throttling on a third of Cognito calls', async () => {
  const report = await runOne((c) => c.faults.throttleCognito(3), 'incoming/throttled.csv');
  expect(cloud!.faults.fired('throttle')).toBeGreaterThan(0);
  expect(report.status).toBe('Succeeded');
  expect(report.totals.imported).toBe(3);
});

test('another job active in the account for a while', async () => {
  // Armed for the first Start: it fires however long validation and upload take on a loaded machine.
  const report = await runOne((c) => c.faults.foreignJobActive(1500), 'incoming/busy.csv');
  const foreignUntil = cloud!.faults.foreignJobActiveUntil;
  expect(cloud!.faults.fired('foreignJobActive')).toBeGreaterThan(0); // a Start found the account busy
  expect(report.status).toBe('Succeeded');
  const started = cloud!.jobs().filter((j) => j.StartDate !== undefined);
  expect(started).toHaveLength(1);
  expect(started[0].activeFrom!).toBeGreaterThanOrEqual(foreignUntil);
});

test('PreconditionNotMet twice after the upload', async () => {
  const report = await runOne((c) => c.faults.lateUploadVisibility(2), 'incoming/late.csv');
  expect(report.status).toBe('Succeeded');
  expect(cloud!.faults.fired('lateUploadVisibility')).toBe(2);
});

test('a PUT that fails once with 500 and once with a connection reset', async () => {
  const report = await runOne((c) => c.faults.failNextPuts('500', 'reset'), 'incoming/put-fail.csv');
  expect(report.status).toBe('Succeeded');
  expect(cloud!.faults.fired('putFailure')).toBe(2);
});

test('an expired pre-signed URL', async () => {
  const report = await runOne((c) => {
    c.faults.presignedUrlTtl(0);
    const restore = () => { c.faults.presignedUrlTtl(undefined); c.cognito.off('job', restore); };
    c.cognito.on('job', restore);
  }, 'incoming/expired-url.csv');
  expect(cloud!.faults.fired('presignedUrlTtl')).toBe(1);
  expect(report.status).toBe('Succeeded');
  // The first job's URL was already expired: the part got a new job; only one was started.
  expect(cloud!.jobs().length).toBeGreaterThanOrEqual(2);
  expect(report.totals.imported).toBe(3);
});

test('the same S3 event delivered three times', async () => {
  const report = await runOne((c) => c.faults.duplicateS3Events(3), 'incoming/dup-event.csv');
  expect(report.status).toBe('Succeeded');
  expect(cloud!.faults.fired('duplicateS3Event')).toBe(2);
  expect(cloud!.stepFunctions.executions.size).toBe(1);
});

test('the import Lambda failing after the upload', async () => {
  const report = await runOne((c) => c.faults.crashWorkerAfter('createAndUpload'), 'incoming/crash.csv');
  expect(cloud!.workerActions).toContain('createAndUpload');
  expect(cloud!.faults.fired('workerCrash')).toBe(1);
  // The step is retried; it finds the job it had already uploaded, so the users are imported with ONE job.
  expect(report.status).toBe('Succeeded');
  expect(report.jobs).toHaveLength(1);
  expect(cloud!.jobs().filter((j) => j.StartDate !== undefined)).toHaveLength(1);
});

test('load: 50 files dropped at once give 50 reports, jobs strictly one after another', async () => {
  cloud = await startLocalCloud({ port: 0, cognitoTimings: { pendingMs: 10, minRunMs: 20 } });
  const c = cloud;
  const drops = await Promise.all(Array.from({ length: 50 }, (_, i) => drop(c, csv(1000 + i * 10, 2), `incoming/load-${i}.csv`)));
  const reports = await Promise.all(drops.map((d) => c.waitForReport(d.key, { timeoutMs: 280_000 })));
  expect(reports.every((r) => r.status === 'Succeeded')).toBe(true);
  // Files waiting in the import queue together are combined into fewer jobs (never more than one per file).
  const started = c.jobs().filter((j) => j.StartDate !== undefined);
  expect(started.length).toBeGreaterThanOrEqual(1);
  expect(started.length).toBeLessThan(50);
  expect(reports.reduce((n, r) => n + r.totals.imported, 0)).toBe(50 * 2);
  await checkInvariants(c, drops);
}, 300_000);
