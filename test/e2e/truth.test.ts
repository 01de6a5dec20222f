/**
 * Reports that stay true under re-drops and faults (issue 22): each case as the outside tester found it.
 * Needs `npm run build` (bundles).
 */
import { LocalCloud, startLocalCloud } from '../../packages/cli/local-cloud';
import { EVENT_DETAIL_TYPE } from '../../lambda/shared/events';
import { cognitoCsv, user, until } from '../local-cloud/helpers';
import { drop } from './invariants';

let cloud: LocalCloud | undefined;
afterEach(async () => { await cloud?.stop(); cloud = undefined; });

const csv = (from: number, count = 3) => cognitoCsv(Array.from({ length: count }, (_, i) => user(from + i)));
const completions = (c: LocalCloud, key: string) =>
  c.events.recorded.filter((e) => e.detailType === EVENT_DETAIL_TYPE && (e.detail as { key?: string }).key === key);

test('1. a re-drop: the report at the key is the newest version\'s, and each version keeps its own', async () => {
  // Retries wait long enough here for the second version to overtake the first.
  cloud = await startLocalCloud({ port: 0, timeScale: 0.3 });
  const c = cloud;
  c.faults.crashWorkerAfter('validate', 1);
  const key = 'incoming/redrop.csv';
  const older = await drop(c, csv(1, 3), key);
  await until(() => c.faults.fired('workerCrash') === 1 || undefined, 30_000);
  const newer = await drop(c, csv(10, 2), key);
  await c.settle(120_000);
  const atKey = (await c.reports(key)).map((r) => r.report);
  expect(atKey).toHaveLength(1);
  expect(atKey[0].source.etag.replace(/"/g, '')).toBe(newer.etag);
  expect(atKey[0].totals.rows).toBe(2);
  const versions = (await c.versionReports(key)).map((r) => r.report.source.etag.replace(/"/g, '')).sort();
  expect(versions).toEqual([older.etag, newer.etag].sort());
  // The event names the version it is about.
  for (const e of completions(c, key)) expect((e.detail as { etag?: string }).etag).toBeDefined();
}, 180_000);

test('2. Notify retried after a crash sends the completion event once, with a stable id', async () => {
  cloud = await startLocalCloud({ port: 0 });
  cloud.faults.crashWorkerAfter('notify', 1);
  const d = await drop(cloud, csv(1), 'incoming/notify-crash.csv');
  await cloud.settle(120_000);
  expect(cloud.faults.fired('workerCrash')).toBe(1);
  const events = completions(cloud, d.key);
  expect(events).toHaveLength(1);
  expect((events[0].detail as { eventId?: string }).eventId).toMatch(/\S/);
}, 180_000);

test.each(['startInQueue', 'harvest'])('3. crashes after %s beyond the retries: the report reconciles with Cognito', async (action) => {
  cloud = await startLocalCloud({ port: 0 });
  cloud.faults.crashWorkerAfter(action, 3);
  const d = await drop(cloud, csv(1), `incoming/exhausted-${action}.csv`);
  await cloud.settle(120_000);
  expect(cloud.faults.fired('workerCrash')).toBe(3);
  const [r] = (await cloud.reports(d.key)).map((x) => x.report);
  expect(r.totals).toMatchObject({ rows: 3, imported: 3, failed: 0 });
  expect(r.jobs).toHaveLength(1);
  expect(r.jobs[0].importedUsers).toBe(3);
  expect(r.users).toEqual([]);
  expect(r.failedRowsUri).toBeUndefined();
}, 180_000);

test('4. a combined job whose Distribute runs out of retries: each file counts and names only its own rows', async () => {
  cloud = await startLocalCloud({ port: 0 });
  const c = cloud;
  // A job outside the queue keeps the slot busy until both files wait: the first combines the second.
  c.faults.foreignJobActive(120_000, c.clock.now());
  c.faults.crashWorkerAfter('distribute', 3);
  const a = await drop(c, cognitoCsv([user(1), user(2, { email: 'bad-email' })]), 'incoming/combined-a.csv');
  const b = await drop(c, cognitoCsv([user(11), user(12), user(13)]), 'incoming/combined-b.csv');
  // Both files queued (their second step after Enqueue has begun): the account frees up.
  await until(() => c.workerActions.filter((x) => x === 'checkTurn').length >= 2 || undefined, 60_000);
  c.faults.foreignJobActiveUntil = 0;
  await c.settle(120_000);
  expect(c.faults.fired('workerCrash')).toBe(3);
  const ra = (await c.reports(a.key))[0].report;
  const rb = (await c.reports(b.key))[0].report;
  for (const [r, rows, own] of [[ra, 2, ['user1', 'user2']], [rb, 3, ['user11', 'user12', 'user13']]] as const) {
    expect(r.totals.rows).toBe(rows);
    expect(r.totals.imported + r.totals.skipped + r.totals.failed + r.totals.rejected + (r.totals.unknownFate ?? 0)).toBe(rows);
    for (const u of r.users) expect(own).toContain(u.username);
  }
  expect(ra.totals.imported + rb.totals.imported).toBe(c.jobs().reduce((n, j) => n + (j.ImportedUsers ?? 0), 0));
}, 180_000);

test('5. rows of a part no job ran are each listed with their line and why', async () => {
  cloud = await startLocalCloud({ port: 0 });
  cloud.faults.crashWorkerAfter('createAndUpload', 3);
  const d = await drop(cloud, csv(1), 'incoming/never-ran.csv');
  await cloud.settle(120_000);
  const [r] = (await cloud.reports(d.key)).map((x) => x.report);
  expect(r.totals.failed).toBe(3);
  expect(r.users.map((u: { line: number }) => u.line).sort()).toEqual([2, 3, 4]);
  for (const u of r.users) expect(u.message).toMatch(/\S/);
}, 180_000);
