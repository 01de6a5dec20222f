import { createHash } from 'node:crypto';

/** Cognito JobName: 1–128 characters of `[\w\s+=,.@-]`. */
export const JOB_NAME_MAX = 128;
const DISALLOWED = /[^A-Za-z0-9_\s+=,.@-]/g;

/**
 * The name every job of one part uses: the source key made valid (slashes and other characters
 * become `-`), a short token of the execution (so two executions of the same key never mistake
 * each other's jobs when looking for one to reuse), and the part number. ≤ 128 characters: a long
 * key is cut and a hash of the whole key keeps names distinct.
 */
export function jobNameFor(key: string, partNumber: number, executionToken = ''): string {
  const suffix = `${executionToken ? `-${executionToken}` : ''}-part-${partNumber}`;
  let base = key.replace(/\s+/g, '_').replace(DISALLOWED, '-').replace(/^-+/, '') || 'import';
  const room = JOB_NAME_MAX - suffix.length;
  if (base.length > room) {
    const hash = createHash('sha256').update(key).digest('hex').slice(0, 8);
    base = `${base.slice(0, room - hash.length - 1)}-${hash}`;
  }
  return `${base}${suffix}`;
}

/** A short, name-safe token standing for one execution (its name is already a hash of the object). */
export function executionToken(executionName: string): string {
  return createHash('sha256').update(executionName).digest('hex').slice(0, 8);
}

export function isValidJobName(name: string): boolean {
  return name.length >= 1 && name.length <= JOB_NAME_MAX && /^[\w\s+=,.@-]+$/.test(name);
}
