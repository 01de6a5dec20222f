import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { LONGEST_START_PAUSE_SECONDS, QUEUE_DEFAULTS } from '../../lambda/shared/defaults';
import { QueueEnv } from '../../lambda/shared/env';
import { CognitoImportQueue, ICognitoImportQueue } from '../cognito-import-queue';
import { ValidationError } from './errors';
import * as kms from 'aws-cdk-lib/aws-kms';

/** The queue settings of one importer, as `CognitoUserImportProps` carries them. */
export interface ImporterQueueOptions {
  readonly queue?: ICognitoImportQueue;
  readonly queuePollInterval?: Duration;
  readonly maxQueueWait?: Duration;
  readonly queueLease?: Duration;
  readonly coalesceFiles?: boolean;
  readonly maxPollInterval?: Duration;
  readonly removalPolicy?: RemovalPolicy;
  /** The importer's key: its own queue's table is encrypted with it too. */
  readonly encryptionKey?: kms.IKey;
}

/** Defaults: the worker's own (one source), as the props' Durations. */
export const QUEUE_PROP_DEFAULTS = {
  queuePollInterval: Duration.seconds(QUEUE_DEFAULTS.pollSeconds),
  maxQueueWait: Duration.seconds(QUEUE_DEFAULTS.maxWaitSeconds),
  queueLease: Duration.seconds(QUEUE_DEFAULTS.leaseSeconds),
};

/** Start retries pause at most this long (the workflow's long retry cap): the lease must outlast it. */
const LONGEST_START_PAUSE = Duration.seconds(LONGEST_START_PAUSE_SECONDS);

/** Throws a message that says what to do when a queue setting is out of range. */
export function validateQueueOptions(scope: Construct, o: ImporterQueueOptions): void {
  const seconds = (d: Duration | undefined) => (d && !Token.isUnresolved(d.toSeconds()) ? d.toSeconds() : undefined);
  const poll = seconds(o.queuePollInterval);
  if (poll !== undefined && (poll < 5 || poll > 300)) {
    throw new ValidationError('CognitoUserImport: queuePollInterval must be between 5 seconds and 5 minutes.', scope);
  }
  const wait = seconds(o.maxQueueWait);
  if (wait !== undefined && (wait < 3600 || wait > 7 * 86_400)) {
    throw new ValidationError('CognitoUserImport: maxQueueWait must be between 1 hour and 7 days (a Step Functions execution has a 25,000-event history; each look at the queue costs about 9 events).', scope);
  }
  const lease = seconds(o.queueLease);
  const pollCap = seconds(o.maxPollInterval) ?? 300;
  const minLease = Math.max(pollCap, LONGEST_START_PAUSE.toSeconds()) + 60;
  if (lease !== undefined && (lease < minLease || lease > 86_400)) {
    throw new ValidationError(`CognitoUserImport: queueLease must be at least ${minLease} seconds (longer than maxPollInterval and the 10-minute pause between Start attempts, plus a minute) and at most 1 day.`, scope);
  }
}

/**
 * Connects an importer's worker to its queue (the one passed in, or a queue of its own): the
 * environment the queue steps read and item-level access to the table.
 */
export function wireQueue(scope: Construct, worker: lambda.Function, o: ImporterQueueOptions): ICognitoImportQueue {
  const queue = o.queue ?? new CognitoImportQueue(scope, 'Queue', { removalPolicy: o.removalPolicy, encryptionKey: o.encryptionKey });
  worker.addEnvironment(QueueEnv.TABLE_NAME, queue.tableName);
  worker.addEnvironment(QueueEnv.POLL_SECONDS, String((o.queuePollInterval ?? QUEUE_PROP_DEFAULTS.queuePollInterval).toSeconds()));
  worker.addEnvironment(QueueEnv.MAX_WAIT_SECONDS, String((o.maxQueueWait ?? QUEUE_PROP_DEFAULTS.maxQueueWait).toSeconds()));
  worker.addEnvironment(QueueEnv.LEASE_SECONDS, String((o.queueLease ?? QUEUE_PROP_DEFAULTS.queueLease).toSeconds()));
  worker.addEnvironment(QueueEnv.COALESCE, String(o.coalesceFiles ?? true));
  queue.grantUse(worker);
  return queue;
}
