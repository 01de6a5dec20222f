import { Duration, Size } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import {
  DEFAULT_DATA_RETENTION_DAYS, DEFAULT_LOG_RETENTION_DAYS, DEFAULT_MAX_FILE_SIZE_BYTES, DEFAULT_MAX_POLL_INTERVAL_SECONDS,
  DEFAULT_MAX_WAIT_FOR_ACTIVE_JOB_SECONDS, DEFAULT_MEMORY_SIZE_MB, DEFAULT_PREFIXES, DEFAULT_SUFFIX,
} from '../../lambda/shared/defaults';

/**
 * Defaults of {@link CognitoUserImportProps}, one place: the props' `@default` tags and the
 * README's table of secure defaults list these.
 */
export const DEFAULTS = {
  incomingPrefix: DEFAULT_PREFIXES.incoming,
  suffix: DEFAULT_SUFFIX,
  reportPrefix: DEFAULT_PREFIXES.report,
  workPrefix: DEFAULT_PREFIXES.work,
  maxWaitForActiveJob: Duration.seconds(DEFAULT_MAX_WAIT_FOR_ACTIVE_JOB_SECONDS),
  maxPollInterval: Duration.seconds(DEFAULT_MAX_POLL_INTERVAL_SECONDS),
  dataRetention: Duration.days(DEFAULT_DATA_RETENTION_DAYS),
  logRetention: DEFAULT_LOG_RETENTION_DAYS as logs.RetentionDays,
  memorySize: DEFAULT_MEMORY_SIZE_MB,
  maxFileSize: Size.bytes(DEFAULT_MAX_FILE_SIZE_BYTES),
};
