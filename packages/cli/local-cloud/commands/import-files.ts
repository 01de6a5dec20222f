/**
 * Imports CSV files through one local cloud, one after another (used by `run-local` and `demo`):
 * drop each file, wait for its report, optionally keep the report and the rows to fix in a directory,
 * and summarize. The exit status says whether every file ended Succeeded or PartiallySucceeded.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { mkdirSync, writeFileSync } from 'fs';
import { basename, join } from 'path';
import { LocalCloud, LocalCloudOptions, startLocalCloud } from '../index';
import { ExitCode } from './command';
import { err, watchProgress } from './progress';

export interface RunLocalOptions {
  /** Print progress on stderr. @default true */
  readonly progress?: boolean;
  /** Keep each file's report (`<name>.json`) and rows to fix (`<name>.failed.csv`) in this directory. */
  readonly outDir?: string;
  /** Drop all the files at once (their imports queue behind each other) instead of one after another. @default false */
  readonly concurrent?: boolean;
}

/** Statuses that make a run exit non-zero: the file was not imported as a whole or in part. */
const NOT_CLEAN = new Set(['Rejected', 'Failed']);

/** Object names in the bucket for the files: S3-safe, `.csv`, unique within the run. */
export function objectNames(files: string[]): string[] {
  const used = new Set<string>();
  return files.map((file, i) => {
    let name = basename(file).replace(/[^A-Za-z0-9!_.*'()-]/g, '_');
    if (!name.toLowerCase().endsWith('.csv')) name += '.csv';
    if (used.has(name)) name = `${i + 1}-${name}`;
    used.add(name);
    return name;
  });
}

/**
 * Copies the report at `key`'s report key (the newest version's) and the rows to fix it names into `dir`
 * as `<file>.json` and `<file>.failed.csv`; returns the file names.
 */
async function keepReports(cloud: LocalCloud, key: string, dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const kept: string[] = [];
  const copy = async (objectKey: string, name: string): Promise<Uint8Array | undefined> => {
    try {
      const obj = await cloud.s3.send(new GetObjectCommand({ Bucket: cloud.bucket, Key: objectKey }));
      const body = await obj.Body!.transformToByteArray();
      writeFileSync(join(dir, name), body);
      kept.push(name);
      return body;
    } catch {
      return undefined; // no such report (yet): nothing to keep
    }
  };
  const report = await copy(`${cloud.reportPrefix}${key}.json`, `${basename(key)}.json`);
  let failedRowsUri: string | undefined;
  try { failedRowsUri = report ? (JSON.parse(Buffer.from(report).toString('utf8')) as { failedRowsUri?: string }).failedRowsUri : undefined; } catch { /* partial */ }
  const bucketUri = `s3://${cloud.bucket}/`;
  if (failedRowsUri?.startsWith(bucketUri)) await copy(failedRowsUri.slice(bucketUri.length), `${basename(key)}.failed.csv`);
  return kept;
}

/** Imports the files through one local cloud, in order (or all at once: `concurrent`); returns the reports in file order. */
export async function runLocal(files: string[], cloudOptions: LocalCloudOptions = {}, options: RunLocalOptions = {}): Promise<any[]> {
  const progress = options.progress ?? true;
  const cloud = await startLocalCloud({ port: 0, ...cloudOptions });
  let current = '';
  if (progress) {
    watchProgress(cloud, () => current);
    err(`local cloud at ${cloud.endpoint}, pool ${cloud.poolId}, bucket ${cloud.bucket}`);
  }
  const reports: any[] = [];
  const names = objectNames(files);
  try {
    if (options.concurrent) {
      current = 'all files';
      const dropped = await Promise.all(files.map((file, i) => cloud.dropFile(file, `${cloud.incomingPrefix}${names[i]}`)));
      if (progress) err(`${files.length} file(s) dropped at once under s3://${cloud.bucket}/${cloud.incomingPrefix}`);
      reports.push(...await Promise.all(dropped.map((d) => cloud.waitForReport(d.key, { etag: d.etag, timeoutMs: 30 * 60_000 }))));
      await cloud.settle(60_000).catch(() => undefined);
      for (const [i, report] of reports.entries()) {
        const t = report.totals ?? {};
        if (progress) err(`${basename(files[i])}: ${report.status} (rows ${t.rows}, imported ${t.imported}, skipped ${t.skipped}, failed ${t.failed}, rejected ${t.rejected})`);
        if (options.outDir) await keepReports(cloud, dropped[i].key, options.outDir);
      }
      return reports;
    }
    for (const [i, file] of files.entries()) {
      current = basename(file);
      const key = `${cloud.incomingPrefix}${names[i]}`;
      if (progress) err(`${current}: dropped as s3://${cloud.bucket}/${key}`);
      const dropped = await cloud.dropFile(file, key);
      const report = await cloud.waitForReport(dropped.key, { etag: dropped.etag, timeoutMs: 30 * 60_000 });
      await cloud.settle(60_000).catch(() => undefined);
      const t = report.totals ?? {};
      if (progress) err(`${current}: ${report.status} (rows ${t.rows}, imported ${t.imported}, skipped ${t.skipped}, failed ${t.failed}, rejected ${t.rejected})`);
      if (options.outDir) {
        const kept = await keepReports(cloud, dropped.key, options.outDir);
        if (progress) err(`${current}: kept ${kept.map((k) => join(options.outDir!, k)).join(', ')}`);
      }
      reports.push(report);
    }
  } finally {
    await cloud.stop();
  }
  return reports;
}

export function summarize(files: string[], reports: any[]): string {
  const lines: string[] = [];
  for (const [i, r] of reports.entries()) {
    const t = r.totals ?? {};
    lines.push(`${basename(files[i])}: ${r.status}`);
    lines.push(`  rows ${t.rows}  imported ${t.imported}  skipped ${t.skipped}  failed ${t.failed}  rejected ${t.rejected}`);
    const fixes = Object.entries(r.fixes ?? {}).filter(([, n]) => Number(n) > 0);
    if (fixes.length) lines.push(`  fixes applied: ${fixes.map(([k, n]) => `${k} ×${n}`).join(', ')}`);
    for (const j of r.jobs ?? []) lines.push(`  job ${j.jobId}: ${j.status} (imported ${j.importedUsers}, skipped ${j.skippedUsers}, failed ${j.failedUsers})`);
    const problems = [
      ...(r.rejected ?? []).map((x: any) => `line ${x.line}${x.column ? ` [${x.column}]` : ''}: ${x.message}`),
      ...(r.users ?? []).map((x: any) => `line ${x.line}: ${x.outcome} ${x.message}`),
    ];
    for (const p of problems.slice(0, 8)) lines.push(`    ${p}`);
    if (problems.length > 8) lines.push(`    … ${problems.length - 8} more in the report`);
    if (r.error) lines.push(`  error: ${r.error}`);
  }
  return lines.join('\n') + '\n';
}

/** Where the kept reports are, or how to keep them. */
export function reportsHint(outDir: string | undefined): string {
  return outDir
    ? `Reports are in ${outDir}: <file>.csv.json, and <file>.csv.failed.csv with the rows to fix and re-drop.\n`
    : 'Reports were not kept: add --out DIR to keep each <file>.csv.json and <file>.csv.failed.csv (the rows to fix).\n';
}

/** Exit code for the reports; says on stderr which files ended Rejected or Failed. */
export function exitCodeFor(files: string[], reports: any[]): number {
  const bad = reports.map((r, i) => ({ file: basename(files[i]), status: String(r.status) })).filter((x) => NOT_CLEAN.has(x.status));
  if (bad.length === 0) return ExitCode.OK;
  err(`cognito-user-import: ${bad.length} of ${reports.length} file(s) ended Rejected or Failed: ${bad.map((b) => `${b.file} (${b.status})`).join(', ')}; exit code ${ExitCode.IMPORT_NOT_CLEAN}`);
  return ExitCode.IMPORT_NOT_CLEAN;
}
