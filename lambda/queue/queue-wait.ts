import type { QueueConfig } from '../runtime/queue-config';
import { QUEUE_DEFAULTS } from '../shared/defaults';

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
