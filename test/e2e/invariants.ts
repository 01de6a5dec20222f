import { GetObjectCommand } from '@aws-sdk/client-s3';
import { ListUsersCommand } from '@aws-sdk/client-cognito-identity-provider';
import { DroppedObject, LocalCloud } from '../../packages/cli/local-cloud';
import { EVENT_DETAIL_TYPE } from '../../lambda/shared/events';
import { clients } from '../local-cloud/helpers';

/**
 * The invariants every end-to-end run must keep: each dropped file ends with exactly one report, at most one
 * started job per part (job name), never two jobs active at once, the dropped object unchanged.
 */
export async function checkInvariants(cloud: LocalCloud, drops: Array<DroppedObject & { body: Buffer }>): Promise<void> {
  await cloud.settle(120_000);
  for (const d of drops) {
    const reports = await cloud.reports(d.key);
    expect({ key: d.key, reports: reports.length }).toEqual({ key: d.key, reports: 1 });
    const obj = await cloud.s3.send(new GetObjectCommand({ Bucket: d.bucket, Key: d.key }));
    const now = Buffer.from(await obj.Body!.transformToByteArray());
    expect(now.equals(d.body)).toBe(true);
  }
  const jobs = cloud.jobs();
  const startedPerName = new Map<string, number>();
  for (const j of jobs) if (j.StartDate !== undefined) startedPerName.set(j.JobName, (startedPerName.get(j.JobName) ?? 0) + 1);
  for (const [name, n] of startedPerName) expect({ name, started: n }).toEqual({ name, started: 1 });
  const active = jobs.filter((j) => j.activeFrom !== undefined).sort((a, b) => a.activeFrom! - b.activeFrom!);
  for (let i = 1; i < active.length; i++) {
    expect(active[i].activeFrom!).toBeGreaterThanOrEqual(active[i - 1].activeTo ?? Infinity);
  }
}

export async function drop(cloud: LocalCloud, body: string | Buffer, key: string): Promise<DroppedObject & { body: Buffer }> {
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const d = await cloud.dropFile(buf, key);
  return { ...d, body: buf };
}

/*
 * The invariants of issue 22, checked after a chaos run: every dropped version has exactly one report of its
 * own and the newest is at the key, totals add up and every row not imported is listed, the pool holds
 * exactly what the reports say was imported (rows of unknown fate may be either), nobody is imported twice
 * or listed in the rows to fix while imported, one event id per version, one active job at a time.
 * Violations are returned, not thrown, so that a run reports all of them at once.
 */
/** One dropped version and the usernames of its rows (in order), as the run wrote them. */
export interface DroppedVersion { key: string; etag: string; body: Buffer; usernames: string[]; order: number }

const unquote = (s: string | undefined) => (s ?? '').replace(/"/g, '');

export async function poolUsernames(cloud: LocalCloud): Promise<Set<string>> {
  const cognito = clients(cloud).cognito;
  const out = new Set<string>();
  let token: string | undefined;
  do {
    const page = await cognito.send(new ListUsersCommand({ UserPoolId: cloud.poolId, PaginationToken: token, Limit: 60 }));
    for (const u of page.Users ?? []) out.add(u.Username!);
    token = page.PaginationToken;
  } while (token);
  cognito.destroy();
  return out;
}

export async function truthViolations(cloud: LocalCloud, versions: DroppedVersion[]): Promise<string[]> {
  const bad: string[] = [];
  const versionReports = (await cloud.versionReports()).map((r) => r.report);
  const atKeys = await cloud.reports();
  const pool = await poolUsernames(cloud);
  const reportedImported = new Set<string>();
  const unknown = new Set<string>();
  let importedTotal = 0;

  // One report per version, the newest at the key.
  const byKey = new Map<string, DroppedVersion[]>();
  for (const v of versions) byKey.set(v.key, [...(byKey.get(v.key) ?? []), v]);
  for (const [key, vs] of byKey) {
    const newest = vs.reduce((a, b) => (b.order > a.order ? b : a));
    const here = atKeys.filter((r) => r.report?.source?.key === key);
    if (here.length !== 1) bad.push(`${key}: ${here.length} reports at the key`);
    else if (unquote(here[0].report.source.etag) !== newest.etag) bad.push(`${key}: the report at the key is not the newest version's`);
    const now = await cloud.s3.send(new GetObjectCommand({ Bucket: cloud.bucket, Key: key }));
    if (!Buffer.from(await now.Body!.transformToByteArray()).equals(newest.body)) bad.push(`${key}: the dropped object changed`);
  }
  for (const v of versions) {
    const mine = versionReports.filter((r) => r.source?.key === v.key && unquote(r.source?.etag) === v.etag);
    if (mine.length !== 1) { bad.push(`${v.key}@${v.etag}: ${mine.length} version reports`); continue; }
    const r = mine[0];
    const t = r.totals;
    const sum = t.imported + t.skipped + t.failed + t.rejected + (t.unknownFate ?? 0);
    if (sum !== t.rows) bad.push(`${v.key}@${v.etag}: totals add up to ${sum}, not ${t.rows} rows`);
    const listed = (r.users as Array<{ outcome: string }>).filter((u) => ['SKIPPED', 'FAILED', 'UNKNOWN'].includes(u.outcome)).length;
    if (r.status !== 'Rejected' && listed !== t.skipped + t.failed + (t.unknownFate ?? 0)) {
      bad.push(`${v.key}@${v.etag}: ${listed} rows listed in users[], ${t.skipped + t.failed + (t.unknownFate ?? 0)} not imported`);
    }
    // The rows this version imported: its rows less those listed (users[], rejected[]).
    const notImported = new Set<string>([...r.users, ...r.rejected].map((u: { username?: string }) => u.username ?? ''));
    for (const u of r.users as Array<{ username: string; outcome: string }>) if (u.outcome === 'UNKNOWN') unknown.add(u.username);
    // A version never read (replaced before it was, in an unversioned bucket: its bytes are gone) reports 0 rows.
    const imported = r.status === 'Rejected' || t.rows === 0 ? [] : v.usernames.filter((u) => !notImported.has(u));
    if (imported.length !== t.imported) bad.push(`${v.key}@${v.etag}: ${imported.length} rows not listed, ${t.imported} counted imported`);
    importedTotal += t.imported;
    for (const u of imported) {
      if (reportedImported.has(u)) bad.push(`${u}: reported imported twice`);
      reportedImported.add(u);
    }
    if (r.failedRowsUri) {
      const k = String(r.failedRowsUri).slice(`s3://${cloud.bucket}/`.length);
      const csv = await (await cloud.s3.send(new GetObjectCommand({ Bucket: cloud.bucket, Key: k }))).Body!.transformToString();
      for (const line of csv.split(/\r?\n/).slice(1)) {
        const username = line.split(',').pop() ?? '';
        if (username && pool.has(username) && v.usernames.includes(username)) {
          bad.push(`${v.key}@${v.etag}: an imported user is in the rows to fix`);
        }
      }
    }
  }
  // The pool holds what the reports say was imported; a row of unknown fate may be there or not.
  for (const u of reportedImported) if (!pool.has(u)) bad.push(`${u}: reported imported, not in the pool`);
  for (const u of pool) if (!reportedImported.has(u) && !unknown.has(u)) bad.push(`${u}: in the pool, reported not imported`);
  if (importedTotal > pool.size) bad.push(`${importedTotal} reported imported, ${pool.size} users in the pool`);

  // One event id per version (repeats carry the same id), and every version has its event.
  const events = cloud.events.recorded.filter((e) => e.detailType === EVENT_DETAIL_TYPE).map((e) => e.detail as { key: string; etag?: string; eventId?: string });
  for (const v of versions) {
    const ids = new Set(events.filter((e) => e.key === v.key && unquote(e.etag) === v.etag).map((e) => e.eventId));
    if (ids.size !== 1) bad.push(`${v.key}@${v.etag}: ${ids.size} distinct completion event ids`);
  }

  // Never two jobs active at once; at most one started job per job name.
  const jobs = cloud.jobs();
  const started = new Map<string, number>();
  for (const j of jobs) if (j.StartDate !== undefined) started.set(j.JobName, (started.get(j.JobName) ?? 0) + 1);
  for (const [name, n] of started) if (n > 1) bad.push(`${name}: ${n} started jobs`);
  const active = jobs.filter((j) => j.activeFrom !== undefined).sort((a, b) => a.activeFrom! - b.activeFrom!);
  for (let i = 1; i < active.length; i++) if (active[i].activeFrom! < (active[i - 1].activeTo ?? Infinity)) bad.push('two jobs active at once');
  return bad;
}
