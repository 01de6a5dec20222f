/**
 * `cognito-user-import` command:
 *   local-cloud [--port N] [--pool FILE]        serve the local cloud until SIGINT/SIGTERM
 *   run-local CSV... [--pool FILE] [--json]      import files through one local cloud, in order
 *   demo                                         run the samples and print a summary
 * Progress goes to stderr; stdout carries only results (the JSON array with --json).
 * Never prints user data or pre-signed URLs: job ids, statuses, counts, line numbers and messages only.
 */
import { existsSync } from 'fs';
import { basename, join } from 'path';
import { REHEARSE_USAGE, rehearseCommand } from './commands/rehearse';
import { DEFAULT_PORT, LocalCloud, LocalCloudOptions, startLocalCloud } from './index';

const USAGE = `Usage:
  cognito-user-import local-cloud [--port N] [--pool FILE]
  cognito-user-import run-local CSV... [--pool FILE] [--json]
  cognito-user-import demo
${REHEARSE_USAGE}
  --pool FILE   the JSON that 'aws cognito-idp describe-user-pool' prints (default: email auto-verified, MFA off)
  --port N      loopback port of the local cloud (default ${DEFAULT_PORT}; 0 = any free port)
  --json        print the reports as one JSON array on stdout
`;

interface Args { positional: string[]; port?: number; pool?: string; json: boolean; help: boolean; verbose: boolean }

export function parseArgs(argv: string[]): Args {
  const a: Args = { positional: [], json: false, help: false, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${x} needs a value`);
      return v;
    };
    if (x === '--port') {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError('--port must be 0-65535');
      a.port = n;
    } else if (x.startsWith('--port=')) {
      a.port = Number(x.slice(7));
    } else if (x === '--pool') a.pool = value();
    else if (x.startsWith('--pool=')) a.pool = x.slice(7);
    else if (x === '--json') a.json = true;
    else if (x === '--verbose') a.verbose = true;
    else if (x === '-h' || x === '--help') a.help = true;
    else if (x.startsWith('--')) throw new UsageError(`unknown option ${x}`);
    else a.positional.push(x);
  }
  return a;
}

class UsageError extends Error {}

const err = (line: string) => process.stderr.write(`${line}\n`);

function cloudOptions(args: Args, port: number): LocalCloudOptions {
  if (args.pool !== undefined && !existsSync(args.pool)) throw new UsageError(`pool file not found: ${args.pool}`);
  return {
    port,
    ...(args.pool ? { pool: args.pool } : {}),
    ...(args.verbose ? { lambdaOutput: (c: string) => process.stderr.write(c) } : {}),
  };
}

function watchProgress(cloud: LocalCloud, label: () => string): void {
  cloud.cognito.on('job', (j: { JobId: string; Status: string; ImportedUsers: number; SkippedUsers: number; FailedUsers: number }) => {
    const counts = ['Succeeded', 'Failed', 'Stopped'].includes(j.Status) ? ` (imported ${j.ImportedUsers}, skipped ${j.SkippedUsers}, failed ${j.FailedUsers})` : '';
    err(`  ${label()}: job ${j.JobId} ${j.Status}${counts}`);
  });
  cloud.stepFunctions.on('execution', () => err(`  ${label()}: workflow execution started`));
  cloud.stepFunctions.on('executionDone', (e: { status: string }) => err(`  ${label()}: workflow execution ${e.status}`));
}

async function serve(args: Args): Promise<number> {
  const cloud = await startLocalCloud(cloudOptions(args, args.port ?? DEFAULT_PORT));
  watchProgress(cloud, () => 'import');
  const out = process.stdout;
  out.write(`Local cloud running (S3, Cognito, CloudWatch Logs, Step Functions, EventBridge)\n`);
  out.write(`Endpoint:   ${cloud.endpoint}\n`);
  out.write(`User pool:  ${cloud.poolId} (${cloud.poolName})\n`);
  out.write(`Bucket:     ${cloud.bucket} (drop CSVs under ${cloud.incomingPrefix}, reports under ${cloud.reportPrefix})\n`);
  out.write(`\n  export AWS_ENDPOINT_URL=${cloud.endpoint} AWS_REGION=${cloud.region} AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local\n`);
  out.write(`  aws s3 cp users.csv s3://${cloud.bucket}/${cloud.incomingPrefix}users.csv --endpoint-url ${cloud.endpoint}\n\nAny credentials are accepted. Ctrl-C stops.\n`);
  await new Promise<void>((resolve) => {
    const stop = (sig: string) => {
      err(`\n${sig}: stopping the local cloud`);
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      void cloud.stop().then(resolve, resolve);
    };
    const onInt = () => stop('SIGINT');
    const onTerm = () => stop('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  });
  return 0;
}

/** Imports the files through one local cloud, one after another; returns the reports in file order. */
export async function runLocal(files: string[], options: LocalCloudOptions = {}, progress = true): Promise<any[]> {
  for (const f of files) if (!existsSync(f)) throw new UsageError(`file not found: ${f}`);
  const cloud = await startLocalCloud({ port: 0, ...options });
  let current = '';
  if (progress) {
    watchProgress(cloud, () => current);
    err(`local cloud at ${cloud.endpoint}, pool ${cloud.poolId}, bucket ${cloud.bucket}`);
  }
  const reports: any[] = [];
  const used = new Set<string>();
  try {
    for (const [i, file] of files.entries()) {
      let name = basename(file).replace(/[^A-Za-z0-9!_.*'()-]/g, '_');
      if (!name.toLowerCase().endsWith('.csv')) name += '.csv';
      if (used.has(name)) name = `${i + 1}-${name}`;
      used.add(name);
      current = basename(file);
      const key = `${cloud.incomingPrefix}${name}`;
      if (progress) err(`${current}: dropped as s3://${cloud.bucket}/${key}`);
      const dropped = await cloud.dropFile(file, key);
      const report = await cloud.waitForReport(dropped.key, { etag: dropped.etag, timeoutMs: 30 * 60_000 });
      await cloud.settle(60_000).catch(() => undefined);
      if (progress) err(`${current}: ${report.status} (rows ${report.totals?.rows}, imported ${report.totals?.imported}, skipped ${report.totals?.skipped}, failed ${report.totals?.failed}, rejected ${report.totals?.rejected})`);
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

async function runLocalCommand(args: Args): Promise<number> {
  if (args.positional.length === 0) throw new UsageError('run-local needs at least one CSV file');
  const reports = await runLocal(args.positional, cloudOptions(args, 0));
  if (args.json) process.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
  else process.stdout.write(summarize(args.positional, reports));
  return 0;
}

export function sampleFiles(): { pool: string; csvs: string[] } {
  const dir = join(__dirname, '..', 'samples');
  return { pool: join(dir, 'pool.json'), csvs: ['users-clean.csv', 'users-fixable.csv', 'users-with-errors.csv'].map((f) => join(dir, f)) };
}

async function demo(args: Args): Promise<number> {
  const { pool, csvs } = sampleFiles();
  err('Demo: three sample CSVs through one local cloud (S3 → trigger → Step Functions workflow → Cognito import jobs → reports)');
  const reports = await runLocal(csvs, { ...cloudOptions({ ...args, pool }, 0) });
  if (args.json) { process.stdout.write(`${JSON.stringify(reports, null, 2)}\n`); return 0; }
  process.stdout.write('\n=== Cognito user import: demo summary ===\n');
  process.stdout.write(summarize(csvs, reports));
  process.stdout.write('\nReports are written as reports/<key>.json (and reports/<key>.failed.csv with the rows to fix and re-drop).\n');
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === 'rehearse') return await rehearseCommand(rest);
    const args = parseArgs(rest);
    if (!command || command === '-h' || command === '--help' || args.help) {
      process.stdout.write(USAGE);
      return command ? 0 : 1;
    }
    switch (command) {
      case 'local-cloud': return await serve(args);
      case 'run-local': return await runLocalCommand(args);
      case 'demo': return await demo(args);
      default: throw new UsageError(`unknown command ${command}`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      err(`cognito-user-import: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    err(`cognito-user-import: ${(e as Error).message}`);
    return 1;
  }
}
