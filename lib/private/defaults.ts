import { Duration, Size } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { DEFAULT_MAX_FILE_SIZE_BYTES, DEFAULT_MAX_POLL_INTERVAL_SECONDS, DEFAULT_PREFIXES } from '../../lambda/shared/contract';

/**
 * Defaults of {@link CognitoUserImportProps}, one place: the props' `@default` tags and the
 * README's table of secure defaults list these.
 */
export const DEFAULTS = {
  incomingPrefix: DEFAULT_PREFIXES.incoming,
  suffix: '.csv',
  reportPrefix: DEFAULT_PREFIXES.report,
  workPrefix: DEFAULT_PREFIXES.work,
  maxWaitForActiveJob: Duration.hours(12),
  maxPollInterval: Duration.seconds(DEFAULT_MAX_POLL_INTERVAL_SECONDS),
  dataRetention: Duration.days(30),
  logRetention: logs.RetentionDays.ONE_YEAR,
  memorySize: 1024,
  maxFileSize: Size.bytes(DEFAULT_MAX_FILE_SIZE_BYTES),
};
