/**
 * `cognito-user-import drop CSV... --bucket NAME [--prefix P] [--wait] ...`: uploads files into a
 * deployed importer's bucket (or a running local cloud's) with the usual AWS credential chain and,
 * with `--wait`, follows each to its report through the progress object the workflow writes next to
 * it. Prints phases, ids and counts only: never attribute values, never a URL.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { ImportProgress } from '../../../../lambda/shared/progress';
import { Command, ExitCode, UsageError } from './command';
import { checkCsvFile } from './file-checks';
import { exitCodeFor, objectNames, summarize } from './import-files';
import { sharedFacts } from '../shared-facts';

const defaults = () => sharedFacts('defaults');
const reportKeys = () => sharedFacts('report-keys');

/** `--timeout D`: `90s`, `30m`, `2h`, `1h30m`. */
export function parseDuration(raw: string, flag: string): number {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(raw.trim());
  if (!m || raw.trim() === '' || (m[1] ?? m[2] ?? m[3]) === undefined) throw new UsageError(`${flag} must be a duration like 90s, 30m, 2h or 1h30m, got '${raw}'`);
  const ms = ((Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 1000;
  if (ms === 0) throw new UsageError(`${flag} must be longer than 0`);
  return ms;
}

const PREFIX_RE = /^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*\/$/;
const parsePrefix = (raw: string, flag: string) => {
  if (!PREFIX_RE.test(raw)) throw new UsageError(`${flag} must be a key prefix like 'incoming/' (safe characters, ending with '/'), got '${raw}'`);
  return raw;
};
const parseUrl = (raw: string, flag: string) => {
  if (!/^https?:\/\/[^\s/]+/.test(raw)) throw new UsageError(`${flag} must be an http(s) URL`);
  return raw;
};

export interface DropOptions {
  readonly bucket: string;
  readonly incomingPrefix: string;
  readonly reportPrefix: string;
  readonly region?: string;
  readonly endpointUrl?: string;
  readonly wait: boolean;
  readonly json: boolean;
  readonly timeoutMs?: number;
  /** A progress bar that rewrites one line (a terminal), or a plain line per change. */
  readonly tty: boolean;
  /** Pause between two looks at a file's progress and report. @default 1000 ms; 200 ms on a loopback endpoint (a local cloud: fast and free) */
  readonly pollMs?: number;
}

interface Dropped { file: string; key: string; versionId?: string; etag: string; reportKey: string; progressKey: string }

const endpointOf = (o: DropOptions) => o.endpointUrl ?? (process.env.AWS_ENDPOINT_URL_S3 || process.env.AWS_ENDPOINT_URL || undefined);
const isLoopback = (endpoint: string | undefined) => endpoint !== undefined && /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:|\/|$)/.test(endpoint);

function s3Client(o: DropOptions): S3Client {
  const endpoint = endpointOf(o);
  const loopback = isLoopback(endpoint);
  return new S3Client({
    ...(o.region ? { region: o.region } : {}),
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
    // The local cloud accepts any credentials; use dummies when none are configured.
    ...(loopback && !process.env.AWS_ACCESS_KEY_ID && !process.env.AWS_PROFILE ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
}

/** The object's JSON, or undefined while it does not exist (or cannot be read yet). */
async function readJson(s3: S3Client, bucket: string, key: string): Promise<any | undefined> {
  try {
    const obj = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return JSON.parse(await obj.Body!.transformToString('utf8'));
  } catch (e) {
    const name = (e as Error).name;
    // Not there yet, or being rewritten; access denied to the progress object only costs the phases.
    if (name === 'NoSuchKey' || name === 'NotFound' || name === 'AccessDenied' || e instanceof SyntaxError) return undefined;
    throw e;
  }
}

/** True when `doc` (a report's `source`, or a progress object) is about this upload and not an earlier one of the key. */
const sameUpload = (d: Dropped, doc: { versionId?: string; etag?: string } | undefined) => {
  if (!doc) return false;
  if (d.versionId && doc.versionId) return doc.versionId === d.versionId;
  return (doc.etag ?? '').replace(/"/g, '') === d.etag;
};

/** One line describing a progress object: phases, positions, ids and counts only. */
export function describeProgress(p: ImportProgress): string {
  const part = p.parts && p.parts > 1 ? ` part ${p.part} of ${p.parts}` : '';
  switch (p.phase) {
    case 'queued': return `waiting in the import queue (position ${p.queuePosition ?? 0}: ${p.queuePosition ? `${p.queuePosition} file(s) ahead` : 'next'})`;
    case 'uploading': return `uploading${part} to Cognito (${p.total ?? 0} users)`;
    case 'importing': {
      const done = (p.imported ?? 0) + (p.skipped ?? 0) + (p.failed ?? 0);
      return `importing${part}: ${done} of ${p.total ?? '?'} users (job ${p.jobId} ${p.jobStatus}; imported ${p.imported ?? 0}, skipped ${p.skipped ?? 0}, failed ${p.failed ?? 0})`;
    }
    case 'reading-results': return `reading results${part}`;
    case 'checking-users': return 'checking which users already exist';
    case 'done': return `done: ${p.status}`;
    default: return p.phase;
  }
}

function bar(p: ImportProgress): string {
  if (p.phase !== 'importing' || !p.total) return '';
  const share = Math.min(1, ((p.imported ?? 0) + (p.skipped ?? 0) + (p.failed ?? 0)) / p.total);
  const width = 20;
  const full = Math.round(share * width);
  return ` [${'#'.repeat(full)}${'.'.repeat(width - full)}] ${Math.round(share * 100)}%`;
}

/** Consecutive failed looks at one file after which its error ends the command. */
const MAX_READ_FAILURES = 5;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Follows each dropped file to its report; undefined for a file still running at the deadline. */
async function follow(s3: S3Client, o: DropOptions, dropped: Dropped[], err: (s: string) => void): Promise<Array<any | undefined>> {
  const deadline = o.timeoutMs ? Date.now() + o.timeoutMs : Infinity;
  const reports: Array<any | undefined> = dropped.map(() => undefined);
  const seen = dropped.map(() => '');
  const failures = dropped.map(() => 0);
  const say = (i: number, text: string) => {
    const line = `${basename(dropped[i].file)}: ${text}`;
    if (o.tty) err(`\r\x1b[2K${line}`); else err(`${line}\n`);
  };
  while (reports.some((r) => r === undefined) && Date.now() < deadline) {
    for (const [i, d] of dropped.entries()) {
      if (reports[i] !== undefined) continue;
      try {
        const report = await readJson(s3, o.bucket, d.reportKey);
        if (report && sameUpload(d, report.source)) {
          reports[i] = report;
          say(i, `${report.status}`);
          if (o.tty) err('\n');
          continue;
        }
        const progress = await readJson(s3, o.bucket, d.progressKey) as ImportProgress | undefined;
        if (progress && sameUpload(d, progress) && progress.phase !== 'done') {
          const text = describeProgress(progress);
          if (text !== seen[i]) { seen[i] = text; say(i, text + (o.tty ? bar(progress) : '')); }
        }
        failures[i] = 0;
      } catch (e) {
        // A read that broke off (an object rewritten while read, a dropped connection) is tried again
        // at the next look; only an error that persists ends the command.
        if (++failures[i] >= MAX_READ_FAILURES) throw e;
      }
    }
    if (reports.some((r) => r === undefined)) await sleep(o.pollMs ?? (isLoopback(endpointOf(o)) ? 200 : 1000));
  }
  if (o.tty) err('\n');
  return reports;
}

/** Drops the files (and follows them with `wait`); returns the exit code. */
export async function drop(files: string[], o: DropOptions, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const s3 = s3Client(o);
  const { reportKeysFor } = reportKeys();
  try {
    const names = objectNames(files);
    const dropped: Dropped[] = [];
    for (const [i, file] of files.entries()) {
      const key = `${o.incomingPrefix}${names[i]}`;
      const r = await s3.send(new PutObjectCommand({ Bucket: o.bucket, Key: key, Body: readFileSync(file), ContentType: 'text/csv' }));
      const keys = reportKeysFor(o.reportPrefix, key);
      dropped.push({ file, key, etag: (r.ETag ?? '').replace(/"/g, ''), ...(r.VersionId ? { versionId: r.VersionId } : {}), reportKey: keys.reportKey, progressKey: keys.progressKey });
      err(`${basename(file)}: dropped as s3://${o.bucket}/${key}${r.VersionId ? ` (version ${r.VersionId})` : ''}\n`);
    }
    if (!o.wait) {
      if (o.json) out(`${JSON.stringify(dropped.map((d) => ({ bucket: o.bucket, key: d.key, versionId: d.versionId, etag: d.etag, reportKey: d.reportKey })), null, 2)}\n`);
      else for (const d of dropped) out(`s3://${o.bucket}/${d.key}: its report will be s3://${o.bucket}/${d.reportKey}\n`);
      return ExitCode.OK;
    }
    const reports = await follow(s3, o, dropped, err);
    const pending = dropped.filter((_, i) => reports[i] === undefined);
    if (pending.length) {
      for (const d of pending) err(`${basename(d.file)}: still importing at the --timeout; its report will appear at s3://${o.bucket}/${d.reportKey}\n`);
      return ExitCode.ERROR;
    }
    if (o.json) out(`${JSON.stringify(reports, null, 2)}\n`);
    else out(summarize(files, reports));
    return exitCodeFor(files, reports);
  } finally {
    s3.destroy();
  }
}

export const dropCommand: Command = {
  name: 'drop',
  contactsAws: true,
  summary: 'upload CSV files to a deployed importer\'s bucket and, with --wait, follow each to its report',
  description: [
    'Uploads each CSV under the importer\'s incoming prefix with the usual AWS credential chain (s3:PutObject there:',
    'grantDrop). With --wait, follows each file (waiting in the queue, validating, importing n of N users, reading',
    'results) through the progress object next to its report, then prints the summary (or the reports as JSON);',
    'reading them needs the reports read grant (grantReadReports). Progress goes to stderr. Exits 3 when a file',
    'ends Rejected or Failed, 1 at --timeout (saying where the report will appear). Prints no attribute values.',
  ].join('\n'),
  positional: { name: 'CSV...', min: 1, check: checkCsvFile },
  options: {
    '--bucket': { value: 'NAME', description: 'the importer\'s bucket (required)' },
    // The defaults are the construct's (lambda/shared/defaults.ts), read when the help is shown.
    '--prefix': { value: 'P', get description() { return `the importer's incoming prefix (default: ${defaults().DEFAULT_PREFIXES.incoming})`; }, parse: parsePrefix },
    '--report-prefix': { value: 'P', get description() { return `the importer's report prefix (default: ${defaults().DEFAULT_PREFIXES.report})`; }, parse: parsePrefix },
    '--wait': { description: 'follow each file to its report and print the summary' },
    '--json': { description: 'with --wait: print the reports as one JSON array on stdout; without: the dropped objects' },
    '--timeout': { value: 'D', description: 'with --wait: give up after D (90s, 30m, 2h, 1h30m) with exit code 1 (default: wait for the report)', parse: parseDuration },
    '--region': { value: 'R', description: 'the bucket\'s AWS Region (default: AWS_REGION, or the profile\'s)' },
    '--endpoint-url': { value: 'URL', description: 'an S3 endpoint other than AWS\'s, e.g. a running local cloud (default: AWS_ENDPOINT_URL)', parse: parseUrl },
  },
  examples: [
    { command: 'cognito-user-import drop users.csv --bucket my-import-bucket --wait', comment: 'drop, follow and print the summary' },
    { command: 'cognito-user-import drop a.csv b.csv --bucket my-import-bucket --wait --json --timeout 2h > reports.json', comment: 'the reports as JSON; give up after two hours' },
    { command: 'cognito-user-import drop users.csv --bucket import-bucket --endpoint-url http://127.0.0.1:4566 --wait', comment: 'into a running local cloud' },
  ],
  async run(args) {
    const bucket = args.options['--bucket'] as string | undefined;
    if (!bucket) throw new UsageError('drop needs --bucket NAME (the importer\'s bucket)');
    const prefixes = defaults().DEFAULT_PREFIXES;
    const wait = args.options['--wait'] === true;
    if (!wait && args.options['--timeout'] !== undefined) throw new UsageError('--timeout goes with --wait');
    return drop(args.positional, {
      bucket,
      incomingPrefix: (args.options['--prefix'] as string | undefined) ?? prefixes.incoming,
      reportPrefix: (args.options['--report-prefix'] as string | undefined) ?? prefixes.report,
      region: (args.options['--region'] as string | undefined) ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION,
      endpointUrl: args.options['--endpoint-url'] as string | undefined,
      wait,
      json: args.options['--json'] === true,
      timeoutMs: args.options['--timeout'] as number | undefined,
      tty: process.stderr.isTTY === true,
    }, (x) => process.stdout.write(x), (x) => process.stderr.write(x));
  },
};
