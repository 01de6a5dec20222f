/**
 * Amazon Cognito user pools subset (AWS JSON 1.1, `X-Amz-Target: AWSCognitoIdentityProviderService.<Op>`):
 * pools, GetCSVHeader, the import-job operations, ListUsers, AdminGetUser (+ AdminCreateUser/AdminDeleteUser
 * to set up tests), and the import itself with Cognito's own CSV rules (DESIGN §4).
 *
 * Choices where AWS documents nothing precise (kept in one place here):
 * - Start while another job is Pending/InProgress in the account → InvalidParameterException
 *   "Another import job is already in progress for this account." (the engine matches /another import job|already in progress/i).
 * - Start before the upload → PreconditionNotMetException; Start of a job not in Created → InvalidParameterException.
 * - Stop of a job that is not Pending/InProgress → InvalidParameterException.
 * - "Too many users have failed or been skipped" fails a job only when `tooManyFailuresRatio` is set.
 */
import { createHmac, randomUUID } from 'crypto';
import { EventEmitter } from 'events';
import { Faults } from './faults';
import { LogsService } from './logs';
import { csvHeader, mergeSchema, PoolDescription } from './pool';
import { AwsError, Clock, epochSeconds, randomId, requireString } from './util';

export type JobStatus = 'Created' | 'Pending' | 'InProgress' | 'Stopping' | 'Expired' | 'Stopped' | 'Failed' | 'Succeeded';
const ACTIVE: JobStatus[] = ['Pending', 'InProgress', 'Stopping'];
const TERMINAL: JobStatus[] = ['Expired', 'Stopped', 'Failed', 'Succeeded'];

export interface CognitoTimings {
  /** Time a started job stays Pending. */
  pendingMs: number;
  /** Least time a job stays InProgress. */
  minRunMs: number;
  /** Extra InProgress time per row. */
  perRowMs: number;
  /** Time a stop takes (Stopping → Stopped). */
  stopMs: number;
  /** A Created job not started within this is Expired (Cognito: 24–48 h). */
  expireCreatedAfterMs: number;
  /** Lifetime of a pre-signed URL (Cognito: 15 minutes). */
  presignedUrlTtlMs: number;
}

export const DEFAULT_TIMINGS: CognitoTimings = {
  pendingMs: 50,
  minRunMs: 100,
  perRowMs: 0.05,
  stopMs: 50,
  expireCreatedAfterMs: 24 * 3600_000,
  presignedUrlTtlMs: 15 * 60_000,
};

export interface User {
  Username: string;
  Attributes: Array<{ Name: string; Value: string }>;
  UserCreateDate: number;
  UserLastModifiedDate: number;
  Enabled: boolean;
  UserStatus: string;
}

export interface ImportJob {
  JobName: string;
  JobId: string;
  UserPoolId: string;
  PreSignedUrl: string;
  CreationDate: number;
  StartDate?: number;
  CompletionDate?: number;
  Status: JobStatus;
  CloudWatchLogsRoleArn: string;
  ImportedUsers: number;
  SkippedUsers: number;
  FailedUsers: number;
  CompletionMessage?: string;
  PasswordHashingAlgorithm?: string;
  /** Internal. */
  upload?: Buffer;
  urlExpiresAt: number;
  uploads: number;
  /** Emulator-clock times the job was active (tests check no two overlap). */
  activeFrom?: number;
  activeTo?: number;
  runTimer?: NodeJS.Timeout;
  runStartedAt?: number;
  runMs?: number;
}

interface Pool {
  desc: PoolDescription;
  users: Map<string, User>;
  jobs: ImportJob[];
}

export interface CognitoOptions {
  clock: Clock;
  faults: Faults;
  logs: LogsService;
  region: string;
  accountId: string;
  /** Base URL clients reach the local cloud at (for pre-signed URLs). */
  endpoint: () => string;
  /** Secret the pre-signed URLs are signed with. */
  urlSecret: string;
  timings?: Partial<CognitoTimings>;
  /** Fail a job when (failed + skipped) / rows exceeds this ratio (and at least 10 rows). Off by default. */
  tooManyFailuresRatio?: number;
}

export const UPLOAD_PATH = '/_cognito-upload/';

export class CognitoService extends EventEmitter {
  readonly pools = new Map<string, Pool>();
  readonly timings: CognitoTimings;
  tooManyFailuresRatio: number | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly opts: CognitoOptions) {
    super();
    this.timings = { ...DEFAULT_TIMINGS, ...opts.timings };
    this.tooManyFailuresRatio = opts.tooManyFailuresRatio;
  }

  private now(): number { return this.opts.clock.now(); }

  /** Registers a pool described like DescribeUserPool's UserPool. */
  addPool(desc: PoolDescription): PoolDescription {
    const d: PoolDescription = {
      ...desc,
      Arn: desc.Arn ?? `arn:aws:cognito-idp:${this.opts.region}:${this.opts.accountId}:userpool/${desc.Id}`,
      CreationDate: (desc.CreationDate as number | undefined) ?? epochSeconds(Date.now()),
      LastModifiedDate: (desc.LastModifiedDate as number | undefined) ?? epochSeconds(Date.now()),
    };
    this.pools.set(d.Id, { desc: d, users: new Map(), jobs: [] });
    return d;
  }

  newPoolId(): string { return `${this.opts.region}_${randomId(9)}`; }

  /** Every job of every pool (tests check the invariants on these). */
  allJobs(): ImportJob[] { return [...this.pools.values()].flatMap((p) => p.jobs); }

  users(poolId: string): User[] { return [...(this.pools.get(poolId)?.users.values() ?? [])]; }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private later(ms: number, fn: () => void): NodeJS.Timeout {
    const t = setTimeout(() => { this.timers.delete(t); fn(); }, Math.max(0, ms));
    this.timers.add(t);
    return t;
  }

  private pool(id: unknown): Pool {
    if (typeof id !== 'string' || !id) throw new AwsError('InvalidParameterException', "1 validation error detected: Value null at 'userPoolId' failed to satisfy constraint: Member must not be null");
    if (!/^[\w-]+_[0-9a-zA-Z]+$/.test(id)) throw new AwsError('InvalidParameterException', "1 validation error detected: Value at 'userPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+");
    const p = this.pools.get(id);
    if (!p) throw new AwsError('ResourceNotFoundException', `User pool ${id} does not exist.`);
    return p;
  }

  private job(p: Pool, jobId: unknown): ImportJob {
    if (typeof jobId !== 'string' || !/^import-[0-9a-zA-Z-]+$/.test(jobId)) {
      throw new AwsError('InvalidParameterException', "1 validation error detected: Value at 'jobId' failed to satisfy constraint: Member must satisfy regular expression pattern: import-[0-9a-zA-Z-]+");
    }
    const j = p.jobs.find((x) => x.JobId === jobId);
    if (!j) throw new AwsError('ResourceNotFoundException', `Import job ${jobId} does not exist.`);
    this.refreshExpiry(j);
    return j;
  }

  private refreshExpiry(j: ImportJob): void {
    if (j.Status === 'Created' && this.now() - j.CreationDate * 1000 >= this.timings.expireCreatedAfterMs) {
      j.Status = 'Expired';
      j.CompletionDate = epochSeconds(this.now());
      j.CompletionMessage = 'The import job expired before it was started.';
      this.emit('job', j);
    }
  }

  private activeJob(): ImportJob | undefined {
    return this.allJobs().find((j) => ACTIVE.includes(j.Status));
  }

  handle(op: string, body: Record<string, any>): unknown {
    if (this.opts.faults.shouldThrottle(op)) throw new AwsError('TooManyRequestsException', 'Rate exceeded');
    switch (op) {
      case 'CreateUserPool': return this.createUserPool(body);
      case 'DescribeUserPool': { const p = this.pool(body.UserPoolId); return { UserPool: { ...p.desc, EstimatedNumberOfUsers: p.users.size } }; }
      case 'ListUserPools': {
        const max = Number(body.MaxResults);
        if (!Number.isInteger(max) || max < 1 || max > 60) throw new AwsError('InvalidParameterException', "1 validation error detected: Value at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 60");
        return { UserPools: [...this.pools.values()].slice(0, max).map((p) => ({ Id: p.desc.Id, Name: p.desc.Name, CreationDate: p.desc.CreationDate, LastModifiedDate: p.desc.LastModifiedDate })) };
      }
      case 'GetCSVHeader': {
        const p = this.pool(body.UserPoolId);
        return { UserPoolId: p.desc.Id, CSVHeader: csvHeader(p.desc) };
      }
      case 'CreateUserImportJob': return this.createJob(body);
      case 'DescribeUserImportJob': {
        const p = this.pool(body.UserPoolId);
        return { UserImportJob: view(this.job(p, body.JobId)) };
      }
      case 'ListUserImportJobs': return this.listJobs(body);
      case 'StartUserImportJob': return this.startJob(body);
      case 'StopUserImportJob': return this.stopJob(body);
      case 'ListUsers': return this.listUsers(body);
      case 'AdminGetUser': {
        const p = this.pool(body.UserPoolId);
        const u = this.findUser(p, requireString(body, 'Username', 'username'));
        if (!u) throw new AwsError('UserNotFoundException', 'User does not exist.');
        return { Username: u.Username, UserAttributes: u.Attributes, UserCreateDate: u.UserCreateDate, UserLastModifiedDate: u.UserLastModifiedDate, Enabled: u.Enabled, UserStatus: u.UserStatus };
      }
      case 'AdminCreateUser': {
        const p = this.pool(body.UserPoolId);
        const name = requireString(body, 'Username', 'username');
        if (this.findUser(p, name)) throw new AwsError('UsernameExistsException', 'User account already exists');
        const u = this.putUser(p, name, (body.UserAttributes ?? []) as Array<{ Name: string; Value: string }>, 'FORCE_CHANGE_PASSWORD');
        return { User: { Username: u.Username, Attributes: u.Attributes, UserCreateDate: u.UserCreateDate, UserLastModifiedDate: u.UserLastModifiedDate, Enabled: true, UserStatus: u.UserStatus } };
      }
      case 'AdminDeleteUser': {
        const p = this.pool(body.UserPoolId);
        const key = this.userKey(p, requireString(body, 'Username', 'username'));
        if (!p.users.delete(key)) throw new AwsError('UserNotFoundException', 'User does not exist.');
        return {};
      }
      default:
        throw new AwsError('UnknownOperationException', `Operation ${op} is not supported by the local cloud.`);
    }
  }

  private createUserPool(body: Record<string, any>): unknown {
    const name = requireString(body, 'PoolName', 'poolName');
    const id = this.newPoolId();
    const desc: PoolDescription = {
      Id: id,
      Name: name,
      SchemaAttributes: mergeSchema(Array.isArray(body.Schema) ? body.Schema : []),
      AutoVerifiedAttributes: body.AutoVerifiedAttributes ?? [],
      MfaConfiguration: body.MfaConfiguration ?? 'OFF',
      ...(body.UsernameAttributes ? { UsernameAttributes: body.UsernameAttributes } : {}),
      UsernameConfiguration: body.UsernameConfiguration ?? { CaseSensitive: true },
      UserPoolTier: body.UserPoolTier ?? 'ESSENTIALS',
    };
    return { UserPool: this.addPool(desc) };
  }

  private userKey(p: Pool, name: string): string {
    return p.desc.UsernameConfiguration?.CaseSensitive === false ? name.toLowerCase() : name;
  }
  private findUser(p: Pool, name: string): User | undefined { return p.users.get(this.userKey(p, name)); }
  private putUser(p: Pool, name: string, attrs: Array<{ Name: string; Value: string }>, status: string): User {
    const t = epochSeconds(Date.now());
    const u: User = {
      Username: name,
      Attributes: [{ Name: 'sub', Value: randomUUID() }, ...attrs.filter((a) => a.Name !== 'sub')],
      UserCreateDate: t, UserLastModifiedDate: t, Enabled: true, UserStatus: status,
    };
    p.users.set(this.userKey(p, name), u);
    return u;
  }

  private createJob(body: Record<string, any>): unknown {
    const jobName = requireString(body, 'JobName', 'jobName');
    const p = this.pool(body.UserPoolId);
    const role = requireString(body, 'CloudWatchLogsRoleArn', 'cloudWatchLogsRoleArn');
    if (!/^[\w\s+=,.@-]{1,128}$/.test(jobName)) {
      throw new AwsError('InvalidParameterException', "1 validation error detected: Value at 'jobName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w\\s+=,.@-]+");
    }
    if (!/^arn:[\w+=/,.@-]+:iam::\d{12}:role\/[\w+=/,.@-]+$/.test(role)) {
      throw new AwsError('InvalidParameterException', "1 validation error detected: Value at 'cloudWatchLogsRoleArn' failed to satisfy constraint: Member must be an IAM role ARN");
    }
    const algo = body.PasswordHashingAlgorithm as string | undefined;
    if (algo !== undefined) {
      if (!['BCRYPT', 'SCRYPT', 'ARGON2ID', 'PBKDF2_SHA256'].includes(algo)) {
        throw new AwsError('InvalidParameterException', "1 validation error detected: Value at 'passwordHashingAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [BCRYPT, SCRYPT, ARGON2ID, PBKDF2_SHA256]");
      }
      if (p.desc.UserPoolTier === 'LITE') throw new AwsError('OperationNotEnabledException', 'Password hash import is not enabled for this user pool.');
    }
    if ((p.desc.AutoVerifiedAttributes ?? []).length === 0) {
      throw new AwsError('InvalidParameterException', 'The user pool must have at least one auto-verified attribute (email or phone_number) to import users.');
    }
    if (p.jobs.length >= 1000) throw new AwsError('LimitExceededException', 'The user pool has reached its limit of 1000 import jobs.');
    const jobId = `import-${randomId(10)}`;
    const ttl = this.opts.faults.presignedUrlTtlMs ?? this.timings.presignedUrlTtlMs;
    const created = this.now();
    const job: ImportJob = {
      JobName: jobName,
      JobId: jobId,
      UserPoolId: p.desc.Id,
      PreSignedUrl: this.signUrl(p.desc.Id, jobId, created, ttl),
      CreationDate: epochSeconds(created),
      Status: 'Created',
      CloudWatchLogsRoleArn: role,
      ImportedUsers: 0, SkippedUsers: 0, FailedUsers: 0,
      ...(algo ? { PasswordHashingAlgorithm: algo } : {}),
      urlExpiresAt: created + ttl,
      uploads: 0,
    };
    p.jobs.push(job);
    this.emit('job', job);
    return { UserImportJob: view(job) };
  }

  /** A URL like Cognito's: S3-style query signing, only `host;x-amz-server-side-encryption` signed. */
  private signUrl(poolId: string, jobId: string, createdMs: number, ttlMs: number): string {
    const d = new Date(createdMs).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    const day = d.slice(0, 8);
    const expires = Math.max(0, Math.floor(ttlMs / 1000));
    const path = `${UPLOAD_PATH}${this.opts.accountId}/${poolId}/${jobId}`;
    const q = new URLSearchParams({
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': `LOCALCLOUDKEY/${day}/${this.opts.region}/s3/aws4_request`,
      'X-Amz-Date': d,
      'X-Amz-Expires': String(expires),
      'X-Amz-SignedHeaders': 'host;x-amz-server-side-encryption',
    });
    const sig = createHmac('sha256', this.opts.urlSecret).update(`${path}?${q.toString()}`).digest('hex');
    q.set('X-Amz-Signature', sig);
    return `${this.opts.endpoint()}${path}?${q.toString()}`;
  }

  /** Verifies a pre-signed URL's path and query; returns the job or an S3-style error. */
  verifyUpload(pathname: string, search: URLSearchParams): { job: ImportJob } | { status: number; code: string; message: string } {
    const m = new RegExp(`^${UPLOAD_PATH}(\\d{12})/([\\w-]+_[0-9a-zA-Z]+)/(import-[0-9a-zA-Z-]+)$`).exec(pathname);
    const sig = search.get('X-Amz-Signature');
    if (!m || !sig) return { status: 403, code: 'AccessDenied', message: 'Access Denied' };
    const q = new URLSearchParams(search);
    q.delete('X-Amz-Signature');
    const expected = createHmac('sha256', this.opts.urlSecret).update(`${pathname}?${q.toString()}`).digest('hex');
    if (expected !== sig) return { status: 403, code: 'SignatureDoesNotMatch', message: 'The request signature we calculated does not match the signature you provided.' };
    const p = this.pools.get(m[2]);
    const job = p?.jobs.find((j) => j.JobId === m[3]);
    if (!job) return { status: 403, code: 'AccessDenied', message: 'Access Denied' };
    if (this.now() >= job.urlExpiresAt) return { status: 403, code: 'AccessDenied', message: 'Request has expired' };
    this.refreshExpiry(job);
    if (job.Status !== 'Created') return { status: 403, code: 'AccessDenied', message: 'Access Denied' };
    return { job };
  }

  /** Stores an upload (the server checked headers and length). */
  acceptUpload(job: ImportJob, body: Buffer): void {
    job.upload = body;
    job.uploads += 1;
    this.emit('upload', job);
  }

  private listJobs(body: Record<string, any>): unknown {
    const p = this.pool(body.UserPoolId);
    if (body.MaxResults === undefined || body.MaxResults === null) {
      throw new AwsError('InvalidParameterException', "1 validation error detected: Value null at 'maxResults' failed to satisfy constraint: Member must not be null");
    }
    const max = Number(body.MaxResults);
    if (!Number.isInteger(max) || max < 1 || max > 60) {
      throw new AwsError('InvalidParameterException', `1 validation error detected: Value '${String(body.MaxResults).slice(0, 10)}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 60`);
    }
    const newestFirst = [...p.jobs].reverse();
    newestFirst.forEach((j) => this.refreshExpiry(j));
    let start = 0;
    if (body.PaginationToken !== undefined) {
      const decoded = decodeToken(body.PaginationToken);
      const idx = decoded ? newestFirst.findIndex((j) => j.JobId === decoded) : -1;
      if (idx < 0) throw new AwsError('InvalidParameterException', 'The pagination token is invalid.');
      start = idx;
    }
    const page = newestFirst.slice(start, start + max);
    const next = newestFirst[start + max];
    return { UserImportJobs: page.map(view), ...(next ? { PaginationToken: encodeToken(next.JobId) } : {}) };
  }

  private startJob(body: Record<string, any>): unknown {
    const p = this.pool(body.UserPoolId);
    const job = this.job(p, requireString(body, 'JobId', 'jobId'));
    if (job.Status === 'Expired') throw new AwsError('InvalidParameterException', `Import job ${job.JobId} has expired.`);
    if (job.Status !== 'Created') throw new AwsError('InvalidParameterException', `Import job ${job.JobId} is in status ${job.Status}; only a Created job can be started.`);
    if (!job.upload) throw new AwsError('PreconditionNotMetException', 'The CSV file has not been uploaded to the pre-signed URL.');
    const faults = this.opts.faults;
    if (faults.preconditionNotMetStarts > 0) {
      faults.preconditionNotMetStarts -= 1;
      throw new AwsError('PreconditionNotMetException', 'The CSV file has not been uploaded to the pre-signed URL.');
    }
    if (this.now() < faults.foreignJobActiveUntil || this.activeJob()) {
      throw new AwsError('InvalidParameterException', 'Another import job is already in progress for this account.');
    }
    const t = this.now();
    job.Status = 'Pending';
    job.StartDate = epochSeconds(t);
    job.activeFrom = t;
    this.emit('job', job);
    this.later(this.timings.pendingMs, () => this.beginRun(p, job));
    return { UserImportJob: view(job) };
  }

  private beginRun(p: Pool, job: ImportJob): void {
    if (job.Status !== 'Pending') return;
    job.Status = 'InProgress';
    job.runStartedAt = Date.now();
    const rows = Math.max(0, (job.upload?.toString('utf8').split('\n').length ?? 1) - 2);
    job.runMs = this.timings.minRunMs + rows * this.timings.perRowMs;
    this.emit('job', job);
    job.runTimer = this.later(job.runMs, () => this.finishRun(p, job, 1));
  }

  private finishRun(p: Pool, job: ImportJob, fraction: number): void {
    const result = runImport(p, job, fraction, this);
    job.ImportedUsers = result.imported;
    job.SkippedUsers = result.skipped;
    job.FailedUsers = result.failed;
    this.opts.logs.append(`/aws/cognito/userpools/${p.desc.Id}/${p.desc.Name}`, `${job.JobId}/${job.JobName}`, result.lines);
    const t = this.now();
    job.CompletionDate = epochSeconds(t);
    job.activeTo = t;
    if (job.Status === 'Stopping') {
      job.Status = 'Stopped';
      job.CompletionMessage = 'The Import Job was stopped by the developer.';
    } else if (result.fileError) {
      job.Status = 'Failed';
      job.CompletionMessage = result.fileError;
    } else if (this.tooManyFailuresRatio !== undefined && result.rows >= 10 && (result.failed + result.skipped) / result.rows > this.tooManyFailuresRatio) {
      job.Status = 'Failed';
      job.CompletionMessage = 'Too many users have failed or been skipped during the import.';
    } else {
      job.Status = 'Succeeded';
      job.CompletionMessage = 'Import Job Completed Successfully.';
    }
    this.emit('job', job);
  }

  private stopJob(body: Record<string, any>): unknown {
    const p = this.pool(body.UserPoolId);
    const job = this.job(p, requireString(body, 'JobId', 'jobId'));
    if (job.Status !== 'Pending' && job.Status !== 'InProgress') {
      throw new AwsError('InvalidParameterException', `Import job ${job.JobId} is in status ${job.Status}; only a Pending or InProgress job can be stopped.`);
    }
    const fraction = job.Status === 'InProgress' && job.runStartedAt && job.runMs ? Math.min(1, (Date.now() - job.runStartedAt) / job.runMs) : 0;
    if (job.runTimer) { clearTimeout(job.runTimer); this.timers.delete(job.runTimer); }
    job.Status = 'Stopping';
    this.emit('job', job);
    this.later(this.timings.stopMs, () => this.finishRun(p, job, fraction));
    return { UserImportJob: view(job) };
  }

  private listUsers(body: Record<string, any>): unknown {
    const p = this.pool(body.UserPoolId);
    const limit = body.Limit === undefined ? 60 : Number(body.Limit);
    if (!Number.isInteger(limit) || limit < 0 || limit > 60) throw new AwsError('InvalidParameterException', "1 validation error detected: Value at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60");
    let users = [...p.users.values()];
    if (typeof body.Filter === 'string' && body.Filter.trim()) {
      const m = /^\s*([\w:]+)\s*(\^?=)\s*"([^"]*)"\s*$/.exec(body.Filter);
      if (!m) throw new AwsError('InvalidParameterException', 'Error while parsing filter.');
      const [, attr, opr, value] = m;
      const get = (u: User) => (attr === 'username' ? u.Username : attr === 'status' ? (u.Enabled ? 'Enabled' : 'Disabled') : attr === 'cognito:user_status' ? u.UserStatus : u.Attributes.find((a) => a.Name === attr)?.Value);
      users = users.filter((u) => { const v = get(u); return v !== undefined && (opr === '=' ? v === value : v.startsWith(value)); });
    }
    let start = 0;
    if (body.PaginationToken !== undefined) {
      const n = Number(decodeToken(body.PaginationToken));
      if (!Number.isInteger(n) || n < 0) throw new AwsError('InvalidParameterException', 'The pagination token is invalid.');
      start = n;
    }
    const attrs: string[] | undefined = body.AttributesToGet;
    const page = users.slice(start, start + limit).map((u) => ({
      Username: u.Username,
      Attributes: attrs ? u.Attributes.filter((a) => attrs.includes(a.Name)) : u.Attributes,
      UserCreateDate: u.UserCreateDate, UserLastModifiedDate: u.UserLastModifiedDate, Enabled: u.Enabled, UserStatus: u.UserStatus,
    }));
    return { Users: page, ...(start + limit < users.length ? { PaginationToken: encodeToken(String(start + limit)) } : {}) };
  }

  /** @internal used by runImport */
  _createUser(p: Pool, name: string, attrs: Array<{ Name: string; Value: string }>, status: string): void { this.putUser(p, name, attrs, status); }
  /** @internal */
  _exists(p: Pool, name: string): boolean { return this.findUser(p, name) !== undefined; }

  isTerminal(job: ImportJob): boolean { return TERMINAL.includes(job.Status); }
}

function encodeToken(s: string): string { return Buffer.from(s, 'utf8').toString('base64'); }
function decodeToken(t: unknown): string | undefined {
  if (typeof t !== 'string' || !t) return undefined;
  try { return Buffer.from(t, 'base64').toString('utf8'); } catch { return undefined; }
}

/** The public shape of a job (no internal fields). */
export function view(j: ImportJob): Record<string, unknown> {
  const out: Record<string, unknown> = {
    JobName: j.JobName, JobId: j.JobId, UserPoolId: j.UserPoolId, PreSignedUrl: j.PreSignedUrl,
    CreationDate: j.CreationDate, Status: j.Status, CloudWatchLogsRoleArn: j.CloudWatchLogsRoleArn,
    ImportedUsers: j.ImportedUsers, SkippedUsers: j.SkippedUsers, FailedUsers: j.FailedUsers,
  };
  if (j.StartDate !== undefined) out.StartDate = j.StartDate;
  if (j.CompletionDate !== undefined) out.CompletionDate = j.CompletionDate;
  if (j.CompletionMessage !== undefined) out.CompletionMessage = j.CompletionMessage;
  if (j.PasswordHashingAlgorithm !== undefined) out.PasswordHashingAlgorithm = j.PasswordHashingAlgorithm;
  return out;
}

/** Splits a Cognito CSV line: `\,` is a literal comma; nothing else is special (no quoting). */
export function splitCognitoLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '\\' && line[i + 1] === ',') { cur += ','; i++; continue; }
    if (c === ',') { out.push(cur); cur = ''; continue; }
    cur += c;
  }
  out.push(cur);
  return out.map((v) => v.trim());
}

interface RunResult { rows: number; imported: number; skipped: number; failed: number; lines: string[]; fileError?: string }

const BOOLEAN_COLUMNS = ['email_verified', 'phone_number_verified', 'cognito:mfa_enabled'];

/** Processes the uploaded CSV with Cognito's rules. `fraction` < 1 processes only the first rows (a stop). */
function runImport(p: Pool, job: ImportJob, fraction: number, svc: CognitoService): RunResult {
  const text = job.upload?.toString('utf8') ?? '';
  const physical = text.split('\n');
  if (physical.length > 0 && physical[physical.length - 1] === '') physical.pop();
  const res: RunResult = { rows: Math.max(0, physical.length - 1), imported: 0, skipped: 0, failed: 0, lines: [] };
  if (physical.length === 0) { res.fileError = 'The CSV file is empty.'; return res; }
  const header = splitCognitoLine(physical[0]);
  const expected = csvHeader(p.desc);
  const allowed = new Set([...expected, ...(job.PasswordHashingAlgorithm ? ['password_hash'] : [])]);
  const unknown = header.filter((h) => !allowed.has(h));
  const missing = expected.filter((h) => !header.includes(h));
  const dup = header.filter((h, i) => header.indexOf(h) !== i);
  if (unknown.length || missing.length || dup.length) {
    res.fileError = `The CSV header is invalid: ${[
      unknown.length ? `unknown column(s) ${unknown.slice(0, 5).map((c) => JSON.stringify(c.slice(0, 40))).join(', ')}` : '',
      missing.length ? `missing column(s) ${missing.slice(0, 5).join(', ')}` : '',
      dup.length ? `duplicate column(s) ${dup.slice(0, 5).join(', ')}` : '',
    ].filter(Boolean).join('; ')}.`;
    return res;
  }
  const schema = new Map(p.desc.SchemaAttributes.map((a) => [a.Name, a]));
  const autoVerified = p.desc.AutoVerifiedAttributes ?? [];
  const mfa = p.desc.MfaConfiguration ?? 'OFF';
  const toProcess = Math.floor(res.rows * fraction);
  for (let i = 1; i <= toProcess; i++) {
    const lineNo = i + 1;
    const raw = physical[i].endsWith('\r') ? physical[i].slice(0, -1) : physical[i];
    const fail = (msg: string) => { res.failed++; res.lines.push(`[FAILED] Line Number ${lineNo} - ${msg}`); };
    if (raw.length > 16000) { fail('The row exceeds the maximum length of 16000 characters.'); continue; }
    const values = splitCognitoLine(raw);
    if (values.length !== header.length) { fail(`The row has ${values.length} values; the header has ${header.length} columns.`); continue; }
    const row = new Map(header.map((h, k) => [h, values[k]]));
    const username = row.get('cognito:username') ?? '';
    if (!username) { fail('The username (cognito:username) is missing.'); continue; }
    if (/\s/.test(username) || username.length > 128) { fail('The username is not valid: it must be 1-128 characters without whitespace.'); continue; }
    let error: string | undefined;
    for (const col of BOOLEAN_COLUMNS) {
      const v = row.get(col) ?? '';
      if (v !== '' && v !== 'true' && v !== 'false') { error = `The value of ${col} must be true or false.`; break; }
    }
    const email = row.get('email') ?? '';
    const phone = row.get('phone_number') ?? '';
    if (!error && email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) error = 'The email address is not valid.';
    if (!error && phone && !/^\+[0-9]{4,15}$/.test(phone)) error = 'The phone number is not valid: it must be in E.164 format (+ and digits).';
    const birthdate = row.get('birthdate') ?? '';
    if (!error && birthdate && !/^(0[1-9]|1[0-2])\/(0[1-9]|[12]\d|3[01])\/\d{4}$/.test(birthdate)) error = 'The birthdate is not valid: it must be mm/dd/yyyy.';
    const updated = row.get('updated_at') ?? '';
    if (!error && updated && !/^\d+$/.test(updated)) error = 'The updated_at value is not valid: it must be epoch seconds.';
    if (!error && row.get('email_verified') === 'true' && !email) error = 'email_verified is true but email is empty.';
    if (!error && row.get('phone_number_verified') === 'true' && !phone) error = 'phone_number_verified is true but phone_number is empty.';
    if (!error && !autoVerified.some((a) => row.get(`${a}_verified`) === 'true' && (row.get(a) ?? '') !== '')) {
      error = `The user must have at least one auto-verified attribute (${autoVerified.join(' or ')}) set and verified.`;
    }
    const mfaValue = row.get('cognito:mfa_enabled') ?? '';
    if (!error && mfa === 'OFF' && mfaValue === 'true') error = 'cognito:mfa_enabled is true but MFA is turned off for the user pool.';
    if (!error && mfa === 'ON' && mfaValue === 'false') error = 'cognito:mfa_enabled is false but the user pool requires MFA.';
    if (!error) {
      for (const [name, a] of schema) {
        if (name === 'sub' || !row.has(name)) continue;
        const v = row.get(name) ?? '';
        if (v === '') { if (a.Required) { error = `The required attribute ${name} is empty.`; break; } continue; }
        if (a.AttributeDataType === 'String' && a.StringAttributeConstraints) {
          const max = Number(a.StringAttributeConstraints.MaxLength ?? 2048);
          const min = Number(a.StringAttributeConstraints.MinLength ?? 0);
          if (v.length > max || v.length < min) { error = `The value of ${name} must be ${min}-${max} characters long.`; break; }
        }
        if (a.AttributeDataType === 'Number' && name !== 'updated_at') {
          const n = Number(v);
          const c = a.NumberAttributeConstraints ?? {};
          if (!/^-?\d+$/.test(v) || (c.MinValue !== undefined && n < Number(c.MinValue)) || (c.MaxValue !== undefined && n > Number(c.MaxValue))) {
            error = `The value of ${name} is not a valid number for this attribute.`; break;
          }
        }
        if (a.AttributeDataType === 'Boolean' && v !== 'true' && v !== 'false') { error = `The value of ${name} must be true or false.`; break; }
      }
    }
    if (error) { fail(error); continue; }
    if (svc._exists(p, username)) { res.skipped++; res.lines.push(`[SKIPPED] Line Number ${lineNo} - The user already exists.`); continue; }
    const attrs = [...row.entries()]
      .filter(([k, v]) => v !== '' && !k.startsWith('cognito:') && k !== 'password_hash')
      .map(([Name, Value]) => ({ Name, Value }));
    const hashed = job.PasswordHashingAlgorithm && (row.get('password_hash') ?? '') !== '';
    svc._createUser(p, username, attrs, hashed ? 'CONFIRMED' : 'RESET_REQUIRED');
    res.imported++;
    res.lines.push(`[SUCCEEDED] Line Number ${lineNo} - The import succeeded.`);
  }
  return res;
}
