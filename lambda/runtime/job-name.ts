import { createHash } from 'node:crypto';

/** Cognito JobName: 1–128 characters of `[\w\s+=,.@-]`. */
export const JOB_NAME_MAX = 128;
const DISALLOWED = /[^A-Za-z0-9_\s+=,.@-]/g;

/** Room kept for `part-<n>` whatever the part number (up to 9,999,999 parts). */
const PART_ROOM = 'part-'.length + 7;

/**
 * What every job name of one execution of `key` starts with: the source key made valid (slashes
 * and other characters become `-`), a short token of the execution (so two executions of the same
 * key never mistake each other's jobs when looking for one to reuse), and `-part-`. A long key is
 * cut and a hash of the whole key keeps names distinct; the cut does not depend on the part
 * number, so whoever must find an execution's jobs again (a deployment stopping its import) uses
 * this same prefix.
 */
export function jobNamePrefix(key: string, executionToken: string): string {
  const tail = `-${executionToken}-part-`;
  let base = key.replace(/\s+/g, '_').replace(DISALLOWED, '-').replace(/^-+/, '') || 'import';
  const room = JOB_NAME_MAX - tail.length - PART_ROOM;
  if (base.length > room) {
    const hash = createHash('sha256').update(key).digest('hex').slice(0, 8);
    base = `${base.slice(0, room - hash.length - 1)}-${hash}`;
  }
  return `${base}${tail}`;
}

/** The name of the job of part `partNumber` of one execution of `key` (≤ 128 characters). */
export function jobNameFor(key: string, partNumber: number, executionToken: string): string {
  return `${jobNamePrefix(key, executionToken)}${partNumber}`;
}

/** A short, name-safe token standing for one execution (its name is already a hash of the object). */
export function executionToken(executionName: string): string {
  return createHash('sha256').update(executionName).digest('hex').slice(0, 8);
}

/**
 * Parts written again (rows of existing users taken out, a failed job's rows retried) numbered on from
 * `first`: every job of one execution keeps its own name (and the execution's prefix, which a deployment
 * stops its jobs by), so a retry's job never shares a name with a job that already ran.
 */
export function numberPartsFrom<P extends { readonly partNumber: number; readonly partCount: number; readonly jobName: string }>(
  parts: P[], first: number, key: string, token: string,
): P[] {
  const offset = first - 1;
  return parts.map((p) => ({ ...p, partNumber: p.partNumber + offset, partCount: p.partCount + offset, jobName: jobNameFor(key, p.partNumber + offset, token) }));
}
