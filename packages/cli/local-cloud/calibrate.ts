/**
 * `calibrate`: measures how a Cognito endpoint (real AWS, or the local cloud) answers the points AWS does
 * not document, and returns a behaviour object with the same keys as `--behaviour`.
 *
 * It creates its own scratch user pool, runs two small probe imports (their rows use example.com
 * addresses), and deletes the pool in every case. Nothing else in the account is touched.
 *  - probe A: 3 rows, the middle one FAILS (an invalid email) → which `Line Number` the FAILED line carries
 *    (3 = the header is line 1; 2 = the first user is line 1), whether 1 of 3 failed rows fails the job,
 *    how late the result lines appear, whether empty pages come before them;
 *  - probe B: started while A is active → the error Start answers (activeJobError); its 2 rows both FAIL
 *    → whether a job where every row failed ends Failed;
 *  - either, when it fails before its last row: whether it stops there (failedJobStops).
 */
import {
  CloudWatchLogsClient, GetLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  CognitoIdentityProviderClient, CreateUserImportJobCommand, CreateUserPoolCommand, DeleteUserPoolCommand,
  DescribeUserImportJobCommand, GetCSVHeaderCommand, StartUserImportJobCommand, StopUserImportJobCommand, UserImportJobType,
} from '@aws-sdk/client-cognito-identity-provider';
import { randomBytes } from 'crypto';
import type { ActiveJobError, CognitoBehaviour, ResultLineNumbers } from './cognito/behaviour';

export interface CalibrateOptions {
  readonly region: string;
  readonly roleArn: string;
  readonly endpointUrl?: string;
  /** @default the SDK's default chain */
  readonly credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Pause between status polls. @default 2000 */
  readonly pollMs?: number;
  /** Longest wait for one probe job. @default 15 minutes */
  readonly jobTimeoutMs?: number;
  /** Longest wait for a job's result lines after it ended. @default 5 minutes */
  readonly logTimeoutMs?: number;
  readonly progress?: (line: string) => void;
}

export interface CalibrationResult {
  /** Only the keys that were measured. */
  readonly behaviour: Partial<CognitoBehaviour>;
  /** What was observed, in words (no user data: the probe users are made up). */
  readonly evidence: string[];
}

const ACTIVE_ERRORS: ActiveJobError[] = ['InvalidParameterException', 'LimitExceededException', 'PreconditionNotMetException'];

export async function calibrate(opts: CalibrateOptions): Promise<CalibrationResult> {
  const common = { region: opts.region, ...(opts.endpointUrl ? { endpoint: opts.endpointUrl } : {}), ...(opts.credentials ? { credentials: opts.credentials } : {}) };
  const cognito = new CognitoIdentityProviderClient(common);
  // Starts are sent once: the SDK retries LimitExceededException as throttling, which would hide the answer.
  const starter = new CognitoIdentityProviderClient({ ...common, maxAttempts: 1 });
  const logs = new CloudWatchLogsClient(common);
  const say = opts.progress ?? (() => undefined);
  const pollMs = opts.pollMs ?? 2000;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const evidence: string[] = [];
  const behaviour: Partial<CognitoBehaviour> = {};
  const tag = randomBytes(4).toString('hex');
  const poolName = `cui-calibrate-${tag}`;
  say(`creating the scratch user pool ${poolName}`);
  const pool = (await cognito.send(new CreateUserPoolCommand({
    PoolName: poolName, AutoVerifiedAttributes: ['email'], MfaConfiguration: 'OFF',
    UsernameConfiguration: { CaseSensitive: false }, DeletionProtection: 'INACTIVE',
  }))).UserPool!;
  const poolId = pool.Id!;
  const jobs: string[] = [];
  try {
    const header = (await cognito.send(new GetCSVHeaderCommand({ UserPoolId: poolId }))).CSVHeader ?? [];
    behaviour.csvHeaderListsPasswordHash = header.includes('password_hash');
    evidence.push(`csvHeaderListsPasswordHash: GetCSVHeader ${behaviour.csvHeaderListsPasswordHash ? 'lists' : 'does not list'} password_hash`);
    // A job with an algorithm is created (never started: it expires) to see whether the pool may import hashes.
    try {
      const probe = (await cognito.send(new CreateUserImportJobCommand({
        UserPoolId: poolId, JobName: `calibrate-hash-${tag}`, CloudWatchLogsRoleArn: opts.roleArn, PasswordHashingAlgorithm: 'BCRYPT',
      }))).UserImportJob;
      if (probe?.JobId) jobs.push(probe.JobId);
      behaviour.passwordHashImport = 'enabled';
      evidence.push('passwordHashImport: CreateUserImportJob with PasswordHashingAlgorithm BCRYPT was accepted');
    } catch (e) {
      const name = (e as Error).name;
      if (name === 'OperationNotEnabledException') behaviour.passwordHashImport = 'not-enabled';
      evidence.push(`passwordHashImport: CreateUserImportJob with PasswordHashingAlgorithm BCRYPT answered ${name}: "${(e as Error).message}"`);
    }
    const row = (name: string, email: string) => header.map((h) => (
      h === 'cognito:username' ? name : h === 'email' ? email : h === 'email_verified' ? 'true' : h === 'cognito:mfa_enabled' ? 'false' : '')).join(',');
    const csv = (rows: string[]) => Buffer.from(`${header.join(',')}\n${rows.join('\n')}\n`);
    const fileA = csv([row(`probe-a1-${tag}`, `a1-${tag}@example.com`), row(`probe-a2-${tag}`, 'not-an-email'), row(`probe-a3-${tag}`, `a3-${tag}@example.com`)]);
    const fileB = csv([row(`probe-b1-${tag}`, 'not-an-email'), row(`probe-b2-${tag}`, 'also-not-an-email')]);

    const create = async (name: string, body: Buffer): Promise<UserImportJobType> => {
      const job = (await cognito.send(new CreateUserImportJobCommand({ UserPoolId: poolId, JobName: name, CloudWatchLogsRoleArn: opts.roleArn }))).UserImportJob!;
      jobs.push(job.JobId!);
      const res = await fetch(job.PreSignedUrl!, { method: 'PUT', body: new Uint8Array(body), headers: { 'x-amz-server-side-encryption': 'aws:kms' } });
      if (!res.ok) throw new Error(`calibrate: the upload of probe ${name} was refused (HTTP ${res.status})`);
      return job;
    };
    const jobA = await create(`calibrate-a-${tag}`, fileA);
    const jobB = await create(`calibrate-b-${tag}`, fileB);

    say('starting probe A, then probe B while A is active');
    await startWhenUploadVisible(starter, poolId, jobA.JobId!, sleep, pollMs);
    const activeAnswer = await tryStart(starter, poolId, jobB.JobId!);
    if (activeAnswer === 'started') {
      evidence.push('activeJobError: not measured (probe B started: probe A had already ended)');
    } else if (ACTIVE_ERRORS.includes(activeAnswer.name as ActiveJobError)) {
      behaviour.activeJobError = activeAnswer.name as ActiveJobError;
      evidence.push(`activeJobError: Start while another job was active answered ${activeAnswer.name}: "${activeAnswer.message}"`);
    } else {
      evidence.push(`activeJobError: not one of the known answers: ${activeAnswer.name}: "${activeAnswer.message}"`);
    }

    const endA = await waitForEnd(cognito, poolId, jobA.JobId!, sleep, pollMs, opts.jobTimeoutMs ?? 15 * 60_000);
    // Cognito's own completion time (the same clock family as the log's): how late the lines are, from the job's end.
    const endedAt = endA.CompletionDate ? new Date(endA.CompletionDate).getTime() : Date.now();
    say(`probe A ended ${endA.Status} (imported ${endA.ImportedUsers}, skipped ${endA.SkippedUsers}, failed ${endA.FailedUsers})`);
    const expected = counted(endA);
    const read = await readResults(logs, `/aws/cognito/userpools/${poolId}/${poolName}`, `${jobA.JobId}/${jobA.JobName}`, expected, sleep, pollMs, opts.logTimeoutMs ?? 5 * 60_000);
    const failedLine = read.lines.find((l) => l.outcome === 'FAILED')?.line;
    const numbering: ResultLineNumbers | undefined = failedLine === 3 ? 'header-is-line-1' : failedLine === 2 ? 'first-user-is-line-1' : undefined;
    if (numbering) {
      behaviour.resultLineNumbers = numbering;
      evidence.push(`resultLineNumbers: the FAILED row is the file's 3rd line (header first) and Cognito called it Line Number ${failedLine}`);
    } else {
      evidence.push(`resultLineNumbers: not measured (${read.lines.length} result line(s) read; FAILED line ${failedLine ?? 'absent'})`);
    }
    if (read.complete) {
      // Whole seconds, rounded down: polling and a loaded machine only ever make the lines look later.
      behaviour.logDelaySeconds = Math.max(0, Math.floor((read.completeAt - endedAt) / 1000));
      evidence.push(`logDelaySeconds: all ${expected} result lines were readable ${behaviour.logDelaySeconds} s after the job's CompletionDate`);
    }
    behaviour.emptyLogPages = read.emptyPagesBeforeEvents;
    evidence.push(`emptyLogPages: ${read.emptyPagesBeforeEvents ? 'an empty page with a new token came before result lines' : 'no empty page was seen before the result lines'}`);

    if (activeAnswer !== 'started') await startWhenFree(starter, poolId, jobB.JobId!, sleep, pollMs, opts.jobTimeoutMs ?? 15 * 60_000);
    const endB = await waitForEnd(cognito, poolId, jobB.JobId!, sleep, pollMs, opts.jobTimeoutMs ?? 15 * 60_000);
    say(`probe B ended ${endB.Status} (imported ${endB.ImportedUsers}, skipped ${endB.SkippedUsers}, failed ${endB.FailedUsers})`);
    const tooMany = (j: UserImportJobType) => j.Status === 'Failed' && /too many users/i.test(j.CompletionMessage ?? '');
    // The job fails when (failed + skipped) / rows > threshold: give the strictest threshold consistent with both probes.
    if (!tooMany(endB) && endB.Status === 'Succeeded') {
      behaviour.failJobOverFailedOrSkipped = null;
      evidence.push('failJobOverFailedOrSkipped: a job where every row failed still Succeeded → never');
    } else if (tooMany(endB)) {
      behaviour.failJobOverFailedOrSkipped = tooMany(endA) ? 0 : Math.floor((1 / 3) * 100) / 100;
      evidence.push(`failJobOverFailedOrSkipped: 2 of 2 failed → Failed; 1 of 3 failed → ${endA.Status} (the threshold is ${tooMany(endA) ? 'below 1/3' : 'from 1/3 to below 1'}; the strictest value consistent with both is printed)`);
    }
    // failedJobStops: does a failing job go on past the row that crossed the threshold? Seen in the rows it
    // counted: A crosses at its 2nd row when the threshold is below 1/3 (its valid 3rd row is counted only
    // if it goes on); B crosses at its 1st row when the threshold is below 1/2.
    if (tooMany(endA)) {
      behaviour.failedJobStops = counted(endA) < 3;
      evidence.push(`failedJobStops: probe A failed at its 2nd of 3 rows and counted ${counted(endA)} rows`);
    } else if (tooMany(endB) && counted(endB) < 2) {
      behaviour.failedJobStops = true;
      evidence.push('failedJobStops: probe B failed at its 1st of 2 rows and counted 1 row');
    } else {
      evidence.push('failedJobStops: not measured (no probe job failed before its last row)');
    }
  } finally {
    for (const jobId of jobs) {
      try { await cognito.send(new StopUserImportJobCommand({ UserPoolId: poolId, JobId: jobId })); } catch { /* not running */ }
    }
    say(`deleting the scratch user pool ${poolName}`);
    await cognito.send(new DeleteUserPoolCommand({ UserPoolId: poolId }));
    cognito.destroy();
    starter.destroy();
    logs.destroy();
  }
  return { behaviour, evidence };
}

type Sleep = (ms: number) => Promise<unknown>;

/** The rows a job counted: imported, skipped and failed. */
const counted = (j: UserImportJobType): number => (j.ImportedUsers ?? 0) + (j.SkippedUsers ?? 0) + (j.FailedUsers ?? 0);

async function tryStart(cognito: CognitoIdentityProviderClient, poolId: string, jobId: string): Promise<'started' | { name: string; message: string }> {
  try {
    await cognito.send(new StartUserImportJobCommand({ UserPoolId: poolId, JobId: jobId }));
    return 'started';
  } catch (e) {
    return { name: (e as Error).name, message: (e as Error).message };
  }
}

/** An upload can take a moment to be visible: PreconditionNotMet right after it is retried a few times. */
async function startWhenUploadVisible(cognito: CognitoIdentityProviderClient, poolId: string, jobId: string, sleep: Sleep, pollMs: number): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const r = await tryStart(cognito, poolId, jobId);
    if (r === 'started') return;
    if (r.name !== 'PreconditionNotMetException' || attempt >= 5) throw new Error(`calibrate: probe A could not start: ${r.name}: ${r.message}`);
    await sleep(pollMs);
  }
}

async function startWhenFree(cognito: CognitoIdentityProviderClient, poolId: string, jobId: string, sleep: Sleep, pollMs: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await tryStart(cognito, poolId, jobId);
    if (r === 'started') return;
    if (Date.now() > deadline) throw new Error(`calibrate: probe B could not start: ${r.name}: ${r.message}`);
    await sleep(pollMs);
  }
}

async function waitForEnd(cognito: CognitoIdentityProviderClient, poolId: string, jobId: string, sleep: Sleep, pollMs: number, timeoutMs: number): Promise<UserImportJobType> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = (await cognito.send(new DescribeUserImportJobCommand({ UserPoolId: poolId, JobId: jobId }))).UserImportJob!;
    if (['Succeeded', 'Failed', 'Stopped', 'Expired'].includes(job.Status ?? '')) return job;
    if (Date.now() > deadline) throw new Error(`calibrate: probe job ${jobId} did not end in time (status ${job.Status})`);
    await sleep(pollMs);
  }
}

interface ResultLine { outcome: string; line: number }

/** Reads the job's stream from the head, every page, until it holds `expected` result lines (or the time is up). */
async function readResults(logs: CloudWatchLogsClient, group: string, stream: string, expected: number, sleep: Sleep, pollMs: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  const lines: ResultLine[] = [];
  let token: string | undefined;
  let emptyPagesBeforeEvents = false;
  let emptyRun = false;
  for (;;) {
    let out;
    try {
      out = await logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: stream, startFromHead: true, nextToken: token }));
    } catch (e) {
      if ((e as Error).name !== 'ResourceNotFoundException') throw e;
      out = { events: [], nextForwardToken: token };
    }
    const events = out.events ?? [];
    if (events.length === 0 && out.nextForwardToken && out.nextForwardToken !== token) emptyRun = true;
    for (const e of events) {
      const m = /^\s*\[(SUCCEEDED|SKIPPED|FAILED)\]\s*Line Number\s*(\d+)/i.exec(e.message ?? '');
      if (m) { lines.push({ outcome: m[1].toUpperCase(), line: Number(m[2]) }); if (emptyRun) emptyPagesBeforeEvents = true; }
    }
    if (events.length) emptyRun = false;
    if (lines.length >= expected) return { lines, complete: true, completeAt: Date.now(), emptyPagesBeforeEvents };
    const sameToken = !out.nextForwardToken || out.nextForwardToken === token;
    token = out.nextForwardToken ?? token;
    if (sameToken) {
      if (Date.now() > deadline) return { lines, complete: false, completeAt: 0, emptyPagesBeforeEvents };
      await sleep(pollMs);
    }
  }
}
