/**
 * The Cognito backend (moto's "models" role): the pools, their users and import jobs, timers and events, with
 * the state's types and the completion messages a job ends with. Routing (`responses.ts`) and the operations
 * (`operations/*.ts`) depend on this module; it depends on neither.
 */
import { randomUUID } from 'crypto';
import { EventEmitter } from 'events';
import { Faults } from '../faults';
import { LogsService } from '../services/logs';
import { PoolDescription } from '../pool';
import { Clock, epochSeconds, randomId } from '../util';
import { CognitoBehaviour, parseBehaviour } from './behaviour';
import { ResourceNotFoundException, validationError } from './exceptions';
import { parseUploadUrl } from './presigned-url';

export type JobStatus = 'Created' | 'Pending' | 'InProgress' | 'Stopping' | 'Expired' | 'Stopped' | 'Failed' | 'Succeeded';
export const ACTIVE: readonly JobStatus[] = ['Pending', 'InProgress', 'Stopping'];
export const TERMINAL: readonly JobStatus[] = ['Expired', 'Stopped', 'Failed', 'Succeeded'];

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

export const COMPLETION_MESSAGES = {
  succeeded: 'Import Job Completed Successfully.',
  tooManyFailures: 'Too many users have failed or been skipped during the import.',
  expired: 'The user import job has expired.',
  stopped: 'The Import Job was stopped by the developer.',
} as const;

export interface Pool {
  desc: PoolDescription;
  users: Map<string, User>;
  jobs: ImportJob[];
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

/** The public shape of a user (ListUsers, AdminCreateUser). */
export function userView(u: User, attributesToGet?: string[]): Record<string, unknown> {
  return {
    Username: u.Username,
    Attributes: attributesToGet ? u.Attributes.filter((a) => attributesToGet.includes(a.Name)) : u.Attributes,
    UserCreateDate: u.UserCreateDate, UserLastModifiedDate: u.UserLastModifiedDate, Enabled: u.Enabled, UserStatus: u.UserStatus,
  };
}

export function encodeToken(s: string): string { return Buffer.from(s, 'utf8').toString('base64'); }
export function decodeToken(t: unknown): string | undefined {
  if (typeof t !== 'string' || !t) return undefined;
  try { return Buffer.from(t, 'base64').toString('utf8'); } catch { return undefined; }
}

export interface CognitoOptions {
  clock: Clock;
  faults: Faults;
  logs: LogsService;
  region: string;
  accountId: string;
  /** Base URL clients reach the local cloud at (for pre-signed URLs). */
  endpoint: string;
  /** Secret the pre-signed URLs are signed with. */
  urlSecret: string;
  timings?: Partial<CognitoTimings>;
  /** Answers to points AWS does not document (see behaviour.ts). @default DEFAULT_BEHAVIOUR */
  behaviour?: Partial<CognitoBehaviour>;
}

export class CognitoBackend extends EventEmitter {
  readonly pools = new Map<string, Pool>();
  readonly timings: CognitoTimings;
  behaviour: CognitoBehaviour;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(readonly opts: CognitoOptions) {
    super();
    this.timings = { ...DEFAULT_TIMINGS, ...opts.timings };
    this.behaviour = parseBehaviour(opts.behaviour ?? {}, 'behaviour');
  }

  now(): number { return this.opts.clock.now(); }

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

  isTerminal(job: ImportJob): boolean { return TERMINAL.includes(job.Status); }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  later(ms: number, fn: () => void): NodeJS.Timeout {
    const t = setTimeout(() => { this.timers.delete(t); fn(); }, Math.max(0, ms));
    this.timers.add(t);
    return t;
  }

  cancel(t: NodeJS.Timeout | undefined): void {
    if (!t) return;
    clearTimeout(t);
    this.timers.delete(t);
  }

  pool(id: unknown): Pool {
    if (typeof id !== 'string' || !id) throw validationError('userPoolId', 'Member must not be null', null);
    if (!/^[\w-]+_[0-9a-zA-Z]+$/.test(id)) throw validationError('userPoolId', 'Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+');
    const p = this.pools.get(id);
    if (!p) throw new ResourceNotFoundException(`User pool ${id} does not exist.`);
    return p;
  }

  job(p: Pool, jobId: unknown): ImportJob {
    if (typeof jobId !== 'string' || !/^import-[0-9a-zA-Z-]+$/.test(jobId)) {
      throw validationError('jobId', 'Member must satisfy regular expression pattern: import-[0-9a-zA-Z-]+');
    }
    const j = p.jobs.find((x) => x.JobId === jobId);
    if (!j) throw new ResourceNotFoundException(`Import job ${jobId} does not exist.`);
    this.refreshExpiry(j);
    return j;
  }

  refreshExpiry(j: ImportJob): void {
    if (j.Status === 'Created' && this.now() - j.CreationDate * 1000 >= this.timings.expireCreatedAfterMs) {
      j.Status = 'Expired';
      j.CompletionDate = epochSeconds(this.now());
      j.CompletionMessage = COMPLETION_MESSAGES.expired;
      this.emit('job', j);
    }
  }

  activeJob(): ImportJob | undefined {
    return this.allJobs().find((j) => ACTIVE.includes(j.Status));
  }

  userKey(p: Pool, name: string): string {
    return p.desc.UsernameConfiguration?.CaseSensitive === false ? name.toLowerCase() : name;
  }
  findUser(p: Pool, name: string): User | undefined { return p.users.get(this.userKey(p, name)); }
  putUser(p: Pool, name: string, attrs: Array<{ Name: string; Value: string }>, status: string): User {
    const t = epochSeconds(this.now());
    const u: User = {
      Username: name,
      Attributes: [{ Name: 'sub', Value: randomUUID() }, ...attrs.filter((a) => a.Name !== 'sub')],
      UserCreateDate: t, UserLastModifiedDate: t, Enabled: true, UserStatus: status,
    };
    p.users.set(this.userKey(p, name), u);
    return u;
  }

  /** Verifies a pre-signed URL's path and query; returns the job or an S3-style error. */
  verifyUpload(pathname: string, search: URLSearchParams): { job: ImportJob } | { status: number; code: string; message: string } {
    const parsed = parseUploadUrl(this.opts.urlSecret, pathname, search);
    if (!parsed.ok) {
      return parsed.code === 'SignatureDoesNotMatch'
        ? { status: 403, code: 'SignatureDoesNotMatch', message: 'The request signature we calculated does not match the signature you provided.' }
        : { status: 403, code: 'AccessDenied', message: 'Access Denied' };
    }
    const job = this.pools.get(parsed.poolId)?.jobs.find((j) => j.JobId === parsed.jobId);
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
}
