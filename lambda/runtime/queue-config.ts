import { QUEUE_DEFAULTS } from '../shared/defaults';
import { QueueEnv } from '../shared/env';
import { positiveFromEnv } from './env-number';

/** The queue settings of one importer (from its worker's environment). */
export interface QueueConfig {
  readonly tableName: string;
  readonly pollSeconds: number;
  readonly leaseSeconds: number;
  readonly maxWaitSeconds: number;
  readonly coalesce: boolean;
}

/** Queue settings, or undefined when the worker has no queue table (then files are not queued). */
export function queueConfigFromEnv(env: NodeJS.ProcessEnv): QueueConfig | undefined {
  const tableName = env[QueueEnv.TABLE_NAME];
  if (!tableName) return undefined;
  return {
    tableName,
    pollSeconds: positiveFromEnv(env, QueueEnv.POLL_SECONDS, QUEUE_DEFAULTS.pollSeconds),
    leaseSeconds: positiveFromEnv(env, QueueEnv.LEASE_SECONDS, QUEUE_DEFAULTS.leaseSeconds),
    maxWaitSeconds: positiveFromEnv(env, QueueEnv.MAX_WAIT_SECONDS, QUEUE_DEFAULTS.maxWaitSeconds),
    coalesce: (env[QueueEnv.COALESCE] ?? String(QUEUE_DEFAULTS.coalesce)).toLowerCase() !== 'false',
  };
}
