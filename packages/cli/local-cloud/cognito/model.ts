/** The Cognito emulation's state: timings, users, import jobs and pools, and the public shape of a job. */
import { PoolDescription } from '../pool';

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
