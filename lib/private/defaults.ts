import { Duration } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';

/**
 * Defaults of {@link CognitoUserImportProps}, one place: the props' `@default` tags and the
 * README's table of secure defaults list these.
 */
export const DEFAULTS = {
  incomingPrefix: 'incoming/',
  suffix: '.csv',
  reportPrefix: 'reports/',
  workPrefix: 'work/',
  maxWaitForActiveJob: Duration.hours(12),
  maxPollInterval: Duration.minutes(5),
  dataRetention: Duration.days(30),
  logRetention: logs.RetentionDays.ONE_YEAR,
  memorySize: 1024,
};
