import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { QueueEnv } from '../../lambda/shared/env';
import { CognitoImportQueue, ICognitoImportQueue } from '../cognito-import-queue';
import { IMPORTER_DEFAULTS } from './defaults';
import { ValidationError } from './errors';
import { knownSeconds, LEASE_MARGIN } from './queue-tuning';

/** The queue settings of one importer, as `CognitoUserImportProps` carries them. */
export interface ImporterQueueOptions {
  readonly queue?: ICognitoImportQueue;
  readonly coalesceFiles?: boolean;
  /** The pause between two status checks of the importer's running job: the slot's lease is renewed at each. */
  readonly maxPollInterval: Duration;
  readonly removalPolicy: RemovalPolicy;
  /** The importer's key: its own queue's table is encrypted with it too. */
  readonly encryptionKey?: kms.IKey;
}

/**
 * Connects an importer's worker to its queue (the one passed in, or a queue of its own with the
 * default tuning): the environment the queue steps read and item-level access to the table.
 */
export function wireQueue(scope: Construct, worker: lambda.Function, o: ImporterQueueOptions): ICognitoImportQueue {
  const queue = o.queue ?? new CognitoImportQueue(scope, 'Queue', { removalPolicy: o.removalPolicy, encryptionKey: o.encryptionKey });
  validateLeaseOutlastsStatusChecks(scope, queue, o.maxPollInterval);
  worker.addEnvironment(QueueEnv.TABLE_NAME, queue.tableName);
  worker.addEnvironment(QueueEnv.POLL_SECONDS, String(queue.pollInterval.toSeconds()));
  worker.addEnvironment(QueueEnv.MAX_WAIT_SECONDS, String(queue.maxWait.toSeconds()));
  worker.addEnvironment(QueueEnv.LEASE_SECONDS, String(queue.lease.toSeconds()));
  worker.addEnvironment(QueueEnv.COALESCE, String(o.coalesceFiles ?? IMPORTER_DEFAULTS.coalesceFiles));
  queue.grantUse(worker);
  return queue;
}

/**
 * The slot's holder renews its lease at every status check of its running job (describeInQueue),
 * and waits up to `maxPollInterval` between two checks: a shorter lease would let another file take
 * the slot while this job still runs. The queue checks the pauses it decides alone (Start's retries).
 */
function validateLeaseOutlastsStatusChecks(scope: Construct, queue: ICognitoImportQueue, maxPollInterval: Duration): void {
  const lease = knownSeconds(queue.lease);
  const poll = knownSeconds(maxPollInterval);
  if (lease === undefined || poll === undefined) return;
  const needed = poll + LEASE_MARGIN.toSeconds();
  if (lease < needed) {
    throw new ValidationError(`CognitoUserImport: maxPollInterval (${poll} seconds) must be at least a minute shorter than the queue's lease (${lease} seconds): the file holding the import slot renews its lease at every status check. Shorten maxPollInterval, or pass a queue whose lease is at least ${needed} seconds.`, scope);
  }
}
