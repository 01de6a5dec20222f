import { Duration, RemovalPolicy, Size } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import {
  DEFAULT_DATA_RETENTION_DAYS, DEFAULT_LOG_RETENTION_DAYS, DEFAULT_MAX_FILE_SIZE_BYTES, DEFAULT_MAX_POLL_INTERVAL_SECONDS,
  DEFAULT_MAX_WAIT_FOR_ACTIVE_JOB_SECONDS, DEFAULT_MEMORY_SIZE_MB, DEFAULT_PREFIXES, DEFAULT_SUFFIX, DEPLOYMENT_DEFAULTS, QUEUE_DEFAULTS,
} from '../../lambda/shared/defaults';
import { DEFAULT_MAX_ROWS_PER_PART } from '../../lambda/shared/limits';
import { InvalidRowPolicy } from '../options';

// The one place in lib/ where defaults become CDK types. Every value the handlers also assume comes
// from their constant (lambda/shared, lambda/deployment), so a prop left out and an environment
// variable left out mean the same. The props' `@default` tags and the README's tables list these.

/** Lambda and workflow log groups, the importer's and a deployment's alike. */
const LOG_RETENTION = DEFAULT_LOG_RETENTION_DAYS as logs.RetentionDays;

/** Defaults of `CognitoUserImportProps`. */
export const IMPORTER_DEFAULTS = {
  incomingPrefix: DEFAULT_PREFIXES.incoming,
  suffix: DEFAULT_SUFFIX,
  reportPrefix: DEFAULT_PREFIXES.report,
  workPrefix: DEFAULT_PREFIXES.work,
  invalidRows: InvalidRowPolicy.SKIP,
  maxUsersPerJob: DEFAULT_MAX_ROWS_PER_PART,
  maxWaitForActiveJob: Duration.seconds(DEFAULT_MAX_WAIT_FOR_ACTIVE_JOB_SECONDS),
  maxPollInterval: Duration.seconds(DEFAULT_MAX_POLL_INTERVAL_SECONDS),
  removalPolicy: RemovalPolicy.RETAIN,
  logRetention: LOG_RETENTION,
  memorySize: DEFAULT_MEMORY_SIZE_MB,
  maxFileSize: Size.bytes(DEFAULT_MAX_FILE_SIZE_BYTES),
  coalesceFiles: QUEUE_DEFAULTS.coalesce,
};

/** Defaults of `ImportBucketOptions` (the bucket an importer creates). */
export const IMPORT_BUCKET_DEFAULTS = {
  dataRetention: Duration.days(DEFAULT_DATA_RETENTION_DAYS),
};

/** Defaults of `CognitoImportQueueProps` (and of an imported queue's tuning). */
export const QUEUE_PROP_DEFAULTS = {
  pollInterval: Duration.seconds(QUEUE_DEFAULTS.pollSeconds),
  maxWait: Duration.seconds(QUEUE_DEFAULTS.maxWaitSeconds),
  lease: Duration.seconds(QUEUE_DEFAULTS.leaseSeconds),
  removalPolicy: RemovalPolicy.RETAIN,
  pointInTimeRecovery: true,
};

/** Defaults of `UserImportDeploymentProps`. */
export const DEPLOYMENT_PROP_DEFAULTS = {
  maxFailedUsers: DEPLOYMENT_DEFAULTS.maxFailedUsers,
  failOnSkipped: DEPLOYMENT_DEFAULTS.failOnSkipped,
  timeout: Duration.seconds(DEPLOYMENT_DEFAULTS.timeoutSeconds),
  queryInterval: Duration.seconds(DEPLOYMENT_DEFAULTS.queryIntervalSeconds),
  waitForCompletion: DEPLOYMENT_DEFAULTS.waitForCompletion,
  logRetention: LOG_RETENTION,
};
