import { Duration, Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { QUEUE_DEFAULTS } from '../../lambda/shared/defaults';
import { QUEUE_PROP_DEFAULTS } from './defaults';
import { ValidationError } from './errors';
import { LONGEST_START_PAUSE } from './start-retry';

/** How a queue's members wait in it and hold its slot. */
export interface QueueTuning {
  readonly pollInterval: Duration;
  readonly maxWait: Duration;
  readonly lease: Duration;
}

/** The longest pause of a file waiting in line: the poll interval may not exceed it. */
const LONGEST_QUEUE_POLL = Duration.seconds(QUEUE_DEFAULTS.maxPollSeconds);
/** A Step Functions execution has a 25,000-event history and each look at the queue costs about 9 events. */
const MAX_WAIT_RANGE = { min: Duration.hours(1), max: Duration.days(7) };
const LONGEST_LEASE = Duration.days(1);
/** What a lease must outlast a holder's longest pause by: the renewing step's own run time and clock skew. */
export const LEASE_MARGIN = Duration.minutes(1);

/**
 * The shortest lease: the holder of the slot renews it at every Start attempt and every status
 * check of its job, so the lease must outlast the longest pause between two of them that the queue
 * alone decides (Start's long retry; the queue's own longest poll), plus a margin. The importer
 * checks its `maxPollInterval` (the pause between status checks) against the lease itself.
 */
export function minimumLeaseSeconds(): number {
  return Math.max(LONGEST_START_PAUSE.toSeconds(), LONGEST_QUEUE_POLL.toSeconds()) + LEASE_MARGIN.toSeconds();
}

/** The tuning with defaults filled in, or a message that says what to do when a value is out of range. */
export function queueTuning(scope: IConstruct, given: Partial<QueueTuning>): QueueTuning {
  const tuning: QueueTuning = {
    pollInterval: given.pollInterval ?? QUEUE_PROP_DEFAULTS.pollInterval,
    maxWait: given.maxWait ?? QUEUE_PROP_DEFAULTS.maxWait,
    lease: given.lease ?? QUEUE_PROP_DEFAULTS.lease,
  };
  const poll = knownSeconds(tuning.pollInterval);
  if (poll !== undefined && (poll < 5 || poll > LONGEST_QUEUE_POLL.toSeconds())) {
    throw new ValidationError('CognitoImportQueue: pollInterval must be between 5 seconds and 5 minutes.', scope);
  }
  const wait = knownSeconds(tuning.maxWait);
  if (wait !== undefined && (wait < MAX_WAIT_RANGE.min.toSeconds() || wait > MAX_WAIT_RANGE.max.toSeconds())) {
    throw new ValidationError('CognitoImportQueue: maxWait must be between 1 hour and 7 days (a Step Functions execution has a 25,000-event history; each look at the queue costs about 9 events).', scope);
  }
  const lease = knownSeconds(tuning.lease);
  const minLease = minimumLeaseSeconds();
  if (lease !== undefined && (lease < minLease || lease > LONGEST_LEASE.toSeconds())) {
    throw new ValidationError(`CognitoImportQueue: lease must be at least ${minLease} seconds (longer than the 10-minute pause between Start attempts, plus a minute) and at most 1 day.`, scope);
  }
  return tuning;
}

/** Seconds of a duration known at synth time; undefined for a token. */
export function knownSeconds(d: Duration): number | undefined {
  const s = d.toSeconds();
  return Token.isUnresolved(s) ? undefined : s;
}
