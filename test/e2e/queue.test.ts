/**
 * End-to-end: the account-wide import queue on the local cloud. Many small files dropped at once into
 * TWO importers that share one CognitoImportQueue (real trigger, real synthesized workflow, bundled
 * worker, DynamoDB and Cognito emulators). Needs `npm run build` (bundles).
 */
import { ListUsersCommand } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { LocalCloud, startLocalCloud } from '../../packages/cli/local-cloud';
import { clients, cognitoCsv, user } from '../local-cloud/helpers';
import { checkInvariants, drop } from './invariants';

let cloud: LocalCloud | undefined;
afterEach(async () => { await cloud?.stop(); cloud = undefined; });

const PREFIXES = ['incoming/a/', 'incoming/b/'];
const importers = PREFIXES.map((incomingPrefix) => ({ incomingPrefix }));

interface Planned { key: string; usernames: string[]; rejectedLine?: number; duplicateOf?: string }

/** Files of 1-6 users each, unique usernames, alternating between the two importers. */
function plan(count: number): Planned[] {
  const files: Planned[] = [];
  let n = 0;
  for (let i = 0; i < count; i++) {
    const size = 1 + (i * 7) % 6;
    files.push({ key: `${PREFIXES[i % 2]}feed-${String(i).padStart(3, '0')}.csv`, usernames: Array.from({ length: size }, () => `u${++n}`) });
  }
  return files;
}

async function allUsernames(c: LocalCloud): Promise<Set<string>> {
  const cognito = clients(c).cognito;
  const out = new Set<string>();
  let token: string | undefined;
  do {
    const page = await cognito.send(new ListUsersCommand({ UserPoolId: c.poolId, PaginationToken: token, Limit: 60 }));
    for (const u of page.Users ?? []) out.add(u.Username!);
    token = page.PaginationToken;
  } while (token);
  return out;
}

async function queueItems(c: LocalCloud): Promise<Array<Record<string, any>>> {
  const db = new DynamoDBClient({ endpoint: c.endpoint, region: c.region, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  const table = [...c.dynamodb.tables.keys()][0];
  const out = await db.send(new ScanCommand({ TableName: table }));
  db.destroy();
  return out.Items ?? [];
}

test('hundreds of files across two importers sharing one queue: FIFO, one job at a time, own reports, few jobs', async () => {
  // timeScale: waits run at 3% of their real length (the default 1% makes hundreds of waiting files poll
  // the emulators faster than two shared cores can answer).
  cloud = await startLocalCloud({ port: 0, importers, workerEnv: { MAX_ROWS_PER_PART: '120' }, timeScale: 0.03 });
  // QUEUE_E2E_FILES: how many files (default 120, ~2-12 min depending on the machine's load; 200 verified: 7 jobs).
  const files = plan(Number(process.env.QUEUE_E2E_FILES ?? 120));
  // A username in two waiting files of the same importer: never lost (the later file runs after the
  // first landed, and Cognito reports its row SKIPPED as an existing user).
  files[10].usernames.push('shared-user');
  files[12].usernames.push('shared-user');
  // A row that fails validation: reported with the file's own physical line.
  const bad = files[21];
  const csvOf = (f: Planned) => {
    const rows = f.usernames.map((u) => user(0, { 'cognito:username': u, email: `${u}@example.com` }));
    if (f === bad) { rows.splice(1, 0, user(0, { 'cognito:username': 'has space' })); f.rejectedLine = 3; }
    return cognitoCsv(rows);
  };
  const started = Date.now();
  const drops = await Promise.all(files.map((f) => drop(cloud!, csvOf(f), f.key)));
  const reports = new Map<string, any>();
  for (const f of files) {
    reports.set(f.key, await cloud.waitForReport(f.key, { timeoutMs: 600_000 }));
    if (process.env.QUEUE_E2E_PROGRESS) process.stderr.write(`report ${reports.size}/${files.length} after ${((Date.now() - started) / 1000).toFixed(0)} s, ${cloud.jobs().length} jobs\n`);
  }
  const seconds = (Date.now() - started) / 1000;

  // Each file's own report is right.
  for (const f of files) {
    const r = reports.get(f.key);
    const dupSkipped = f === files[12] || f === files[10] ? r.users.filter((u: any) => u.username === 'shared-user') : [];
    const expectSkipped = dupSkipped.length;
    expect({ key: f.key, rows: r.totals.rows }).toEqual({ key: f.key, rows: f.usernames.length + (f.rejectedLine ? 1 : 0) });
    expect({ key: f.key, imported: r.totals.imported, skipped: r.totals.skipped, failed: r.totals.failed })
      .toEqual({ key: f.key, imported: f.usernames.length - expectSkipped, skipped: expectSkipped, failed: 0 });
    expect(r.jobs).toHaveLength(1);
  }
  expect(reports.get(bad.key).rejected).toEqual([expect.objectContaining({ line: 3, username: 'has space' })]);
  expect(reports.get(bad.key).status).toBe('PartiallySucceeded');
  // The shared username: imported by exactly one file, SKIPPED (with its own line and username) by the other.
  const shared = [files[10], files[12]].map((f) => reports.get(f.key));
  expect(shared.map((r) => r.totals.imported + r.totals.skipped)).toEqual([files[10].usernames.length, files[12].usernames.length]);
  const skippedIn = [files[10], files[12]].filter((f) => reports.get(f.key).users.some((u: any) => u.username === 'shared-user'));
  expect(skippedIn).toHaveLength(1);
  // shared-user is each file's last row: line = rows + 1 (the header is line 1).
  expect(reports.get(skippedIn[0].key).users).toEqual([{ line: skippedIn[0].usernames.length + 1, username: 'shared-user', outcome: 'SKIPPED', message: expect.any(String) }]);

  // Every user landed, nothing extra.
  const expected = new Set(files.flatMap((f) => f.usernames));
  expect(await allUsernames(cloud)).toEqual(expected);

  // One Queued and one Completed event per file (the event follows the report: let the workflows finish).
  await cloud.settle(120_000);
  const queued = cloud.events.recorded.filter((e) => e.detailType === 'Cognito User Import Queued');
  expect(queued).toHaveLength(files.length);
  expect(cloud.events.recorded.filter((e) => e.detailType === 'Cognito User Import Completed')).toHaveLength(files.length);
  for (const e of queued) expect(JSON.stringify(e.detail)).not.toMatch(/@example\.com/);

  // FIFO: jobs start in the order of their first file's ticket, and no file waited behind a job whose
  // files all arrived after it (riding along in an earlier file's job is the only way to go first).
  const seqOf = new Map(queued.map((e) => [(e.detail as any).source.key as string, (e.detail as any).ticket as number]));
  const jobs = cloud.jobs();
  const jobOf = new Map(files.map((f) => [f.key, reports.get(f.key).jobs[0].jobId as string]));
  const leader = new Map<string, number>();
  for (const f of files) {
    const j = jobOf.get(f.key)!;
    leader.set(j, Math.min(leader.get(j) ?? Infinity, seqOf.get(f.key)!));
  }
  const startedJobs = jobs.filter((j) => j.StartDate !== undefined).sort((a, b) => a.activeFrom! - b.activeFrom!);
  const leaders = startedJobs.map((j) => leader.get(j.JobId)!);
  expect(leaders).toEqual([...leaders].sort((a, b) => a - b));
  for (const f of files) {
    const mine = startedJobs.findIndex((j) => j.JobId === jobOf.get(f.key));
    for (const earlier of startedJobs.slice(0, mine)) expect(leader.get(earlier.JobId)!).toBeLessThan(seqOf.get(f.key)!);
  }

  // Far fewer jobs than files: small waiting files of one importer share a job (never across importers).
  expect(jobs.length).toBeLessThanOrEqual(files.length / 4);
  for (const j of jobs) {
    const prefixes = new Set(files.filter((f) => jobOf.get(f.key) === j.JobId).map((f) => f.key.slice(0, 'incoming/a/'.length)));
    expect(prefixes.size).toBe(1);
  }

  // Exactly one job active at any moment, one report per file, dropped files untouched (the shared
  // invariants, read once for all files: reading every report per file is quadratic).
  await cloud.settle(120_000);
  const all = await cloud.reports();
  for (const f of files) expect({ key: f.key, reports: all.filter((r) => r.report.source.key === f.key).length }).toEqual({ key: f.key, reports: 1 });
  const active = jobs.filter((j) => j.activeFrom !== undefined).sort((a, b) => a.activeFrom! - b.activeFrom!);
  for (let i = 1; i < active.length; i++) expect(active[i].activeFrom!).toBeGreaterThanOrEqual(active[i - 1].activeTo ?? Infinity);
  await checkInvariants(cloud, drops.slice(0, 3));
  // The queue is empty again: only the ticket counter remains.
  expect((await queueItems(cloud)).map((i) => i.sk.S)).toEqual(['COUNTER']);
  process.stdout.write(`queue e2e: ${files.length} files, ${jobs.length} jobs, ${seconds.toFixed(1)} s\n`);
}, 900_000);
