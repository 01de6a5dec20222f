import { createHash } from 'node:crypto';

/** Step Functions execution names: 1–80 characters of [A-Za-z0-9-_]. */
export const EXECUTION_NAME_MAX = 80;

/**
 * One execution per object version: the name is a hash of bucket/key/version (or ETag when the
 * bucket is unversioned), so a re-delivered S3 event maps to the same name and StartExecution
 * answers ExecutionAlreadyExists instead of importing twice. A readable slice of the key leads
 * so operators can find the execution in the console.
 */
export function executionNameFor(bucket: string, key: string, versionOrEtag: string | undefined): string {
  const identity = `${bucket}/${key}/${versionOrEtag ?? ''}`;
  const hash = createHash('sha256').update(identity).digest('hex').slice(0, 40);
  const leaf = key.split('/').pop() ?? key;
  const readable = leaf.replace(/[^A-Za-z0-9-_]/g, '_').slice(0, EXECUTION_NAME_MAX - hash.length - 1);
  return readable ? `${readable}-${hash}` : hash;
}
