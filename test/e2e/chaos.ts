/**
 * A seeded, bounded chaos run on the local cloud (issue 22): files dropped with random delays (some keys
 * dropped again quickly, some files with a bad row, small files that share combined jobs) under random
 * faults — throttling, a foreign job, late upload visibility, PUT errors, an expired URL, duplicated S3
 * events, worker crashes after a step (some beyond the workflow's retries) — then the truth invariants.
 * The same seed plans the same files and faults (timings still vary with the machine).
 */
import { LocalCloud, startLocalCloud } from '../../packages/cli/local-cloud';
import { cognitoCsv, user } from '../local-cloud/helpers';
import { DroppedVersion, truthViolations } from './invariants';

/** A small, fast generator (mulberry32): the run's every choice comes from the seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Steps a crash can follow; 3 crashes of one step are more than its retries (2). */
const CRASHABLE = ['validate', 'createAndUpload', 'startInQueue', 'describeInQueue', 'harvest', 'distribute', 'release', 'report', 'notify'];

export interface ChaosFigures { seed: number; files: number; versions: number; faults: Record<string, number>; crashes: string[]; jobs: number; seconds: number; violations: string[] }

export async function runChaos(seed: number, files: number): Promise<ChaosFigures> {
  const random = rng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  const started = Date.now();
  const cloud: LocalCloud = await startLocalCloud({ port: 0, cognitoTimings: { pendingMs: 10, minRunMs: 20 }, timeScale: 0.02 });
  const crashes: string[] = [];
  try {
    const f = cloud.faults;
    if (random() < 0.6) { const n = 5 + Math.floor(random() * 5); f.throttleCognito(n); crashes.push(`throttle 1/${n}`); }
    if (random() < 0.5) f.foreignJobActive(300 + Math.floor(random() * 1200));
    if (random() < 0.5) f.lateUploadVisibility(1 + Math.floor(random() * 2));
    if (random() < 0.5) f.failNextPuts(pick(['500', 'reset'] as const), pick(['500', 'reset'] as const));
    if (random() < 0.4) f.duplicateS3Events(2);
    if (random() < 0.4) {
      f.presignedUrlTtl(0);
      const restore = () => { f.presignedUrlTtl(undefined); cloud.cognito.off('job', restore); };
      cloud.cognito.on('job', restore);
    }
    // The first crash always outlasts the step's retries (3 > 2): the failure paths must still tell the truth.
    for (let i = 0, n = 1 + Math.floor(random() * 3); i < n; i++) {
      const action = pick(CRASHABLE);
      const times = i === 0 ? 3 : pick([1, 1, 2, 3]);
      f.crashWorkerAfter(action, times);
      crashes.push(`${action}×${times}`);
    }

    let next = 0;
    const versions: DroppedVersion[] = [];
    const keys: string[] = [];
    const pending: Promise<void>[] = [];
    for (let i = 0; i < files; i++) {
      // A key dropped again (new rows) while its earlier version may still be importing.
      const again = keys.length > 0 && random() < 0.2;
      const key = again ? pick(keys) : `incoming/chaos-${seed}-${i}.csv`;
      if (!again) keys.push(key);
      const count = 1 + Math.floor(random() * 4);
      const usernames = Array.from({ length: count }, () => `c${seed}-${++next}`);
      const rows = usernames.map((u) => user(0, { 'cognito:username': u, email: `${u}@example.com` }));
      if (random() < 0.2) rows.push(user(0, { 'cognito:username': 'has space' }));
      const body = Buffer.from(cognitoCsv(rows));
      const order = versions.length;
      const d = await cloud.dropFile(body, key);
      versions.push({ key, etag: d.etag, body, usernames: rows.map((r) => r['cognito:username']!), order });
      const pause = random() < 0.3 ? 0 : Math.floor(random() * 400);
      if (pause) await new Promise((r) => setTimeout(r, pause));
    }
    await Promise.all(pending);
    await cloud.settle(600_000);
    f.throttleCognito(0); // the checker's own reads of the pool are not part of the run
    const violations = await truthViolations(cloud, versions);
    if (violations.length && process.env.CHAOS_DUMP) {
      for (const r of await cloud.versionReports()) process.stdout.write(`VERSION ${JSON.stringify({ key: r.report.source.key, etag: r.report.source.etag, status: r.report.status, totals: r.report.totals, users: r.report.users, rejected: r.report.rejected, jobs: r.report.jobs, error: r.report.error })}\n`);
      for (const v of versions) process.stdout.write(`DROPPED ${JSON.stringify({ key: v.key, etag: v.etag, usernames: v.usernames })}\n`);
    }
    const faults: Record<string, number> = {};
    for (const name of ['throttle', 'foreignJobActive', 'lateUploadVisibility', 'putFailure', 'presignedUrlTtl', 'duplicateS3Event', 'workerCrash'] as const) faults[name] = f.fired(name);
    return { seed, files: keys.length, versions: versions.length, faults, crashes, jobs: cloud.jobs().length, seconds: Math.round((Date.now() - started) / 1000), violations };
  } finally {
    await cloud.stop();
  }
}
