/**
 * The Cognito backend (moto's "models" role): the pools, their users and import jobs, timers and events.
 * Operations live in `operations/*.ts` and are routed by `responses.ts`; this class holds the state they share.
 */
import { randomUUID } from 'crypto';
import { EventEmitter } from 'events';
import { Faults } from '../faults';
import { LogsService } from '../logs';
import { PoolDescription } from '../pool';
import { Clock, epochSeconds, randomId } from '../util';
import { CognitoBehaviour, parseBehaviour } from './behaviour';
import { ResourceNotFoundException, TooManyRequestsException, UnknownOperationException, validationError } from './exceptions';
import { COMPLETION_MESSAGES } from './job-runner';
import { ACTIVE, CognitoTimings, DEFAULT_TIMINGS, ImportJob, Pool, TERMINAL, User } from './model';
import { parseUploadUrl } from './presigned-url';
import { OPERATIONS } from './responses';

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
  /** Answers to points AWS does not document (see behaviour.ts). @default DEFAULT_BEHAVIOUR */
  behaviour?: Partial<CognitoBehaviour>;
}

export class CognitoService extends EventEmitter {
  readonly pools = new Map<string, Pool>();
  readonly timings: CognitoTimings;
  behaviour: CognitoBehaviour;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(readonly opts: CognitoOptions) {
    super();
    this.timings = { ...DEFAULT_TIMINGS, ...opts.timings };
    this.behaviour = parseBehaviour(opts.behaviour ?? {}, 'behaviour');
  }

  /** Routes one `AWSCognitoIdentityProviderService.<op>` call. */
  handle(op: string, body: Record<string, any>): unknown {
    if (this.opts.faults.shouldThrottle(op)) throw new TooManyRequestsException();
    const operation = OPERATIONS[op];
    if (!operation) throw new UnknownOperationException(op);
    return operation(this, body);
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
