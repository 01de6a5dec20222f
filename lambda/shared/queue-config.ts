import { QueueEnv } from './queue-contract';

/** The queue settings of one importer (from its worker's environment). */
export interface QueueConfig {
  readonly tableName: string;
  readonly pollSeconds: number;
  readonly leaseSeconds: number;
  readonly maxWaitSeconds: number;
  readonly coalesce: boolean;
}

export const QUEUE_DEFAULTS = {
  pollSeconds: 30,
  leaseSeconds: 900,
  maxWaitSeconds: 3 * 24 * 3600,
  /** The longest pause between two looks at the queue, however far back a file is. */
  maxPollSeconds: 300,
} as const;

/** Queue settings, or undefined when the worker has no queue table (then files are not queued). */
export function queueConfigFromEnv(env: NodeJS.ProcessEnv): QueueConfig | undefined {
  const tableName = env[QueueEnv.TABLE_NAME];
  if (!tableName) return undefined;
  const positive = (name: string, fallback: number) => {
    const v = Number(env[name]);
    return env[name] && Number.isFinite(v) && v > 0 ? Math.floor(v) : fallback;
  };
  return {
    tableName,
    pollSeconds: positive(QueueEnv.POLL_SECONDS, QUEUE_DEFAULTS.pollSeconds),
    leaseSeconds: positive(QueueEnv.LEASE_SECONDS, QUEUE_DEFAULTS.leaseSeconds),
    maxWaitSeconds: positive(QueueEnv.MAX_WAIT_SECONDS, QUEUE_DEFAULTS.maxWaitSeconds),
    coalesce: (env[QueueEnv.COALESCE] ?? 'true').toLowerCase() !== 'false',
  };
}

/**
 * Seconds a waiting file pauses before its next look: longer the further back it is and the longer it
 * has waited already (1/60 of it), capped. The growth keeps a days-long wait within a workflow's
 * 25,000-event history (about 9 events per look).
 */
export function queueWaitSeconds(config: QueueConfig, position: number, waitedSeconds = 0): number {
  const cap = Math.max(config.pollSeconds, QUEUE_DEFAULTS.maxPollSeconds);
  return Math.min(cap, Math.max(config.pollSeconds * Math.max(1, position), Math.floor(waitedSeconds / 60)));
}

/**
 * How long a waiting ticket may go unseen before others skip and delete it (its workflow is gone):
 * three of the longest pauses, and never less than the lease.
 */
export function staleAfterMs(config: QueueConfig): number {
  const cap = Math.max(config.pollSeconds, QUEUE_DEFAULTS.maxPollSeconds);
  return Math.max(3 * cap, config.leaseSeconds) * 1000;
}
