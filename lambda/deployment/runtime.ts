// The side effects both deployment handlers use, built once per container: SDK clients (they
// reach AWS_ENDPOINT_URL by themselves), the clock and a Powertools logger. Core stays pure.
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'cognito-user-import' });

export const deploymentDeps = {
  sfn: new SFNClient({}),
  s3: new S3Client({ forcePathStyle: !!process.env.AWS_ENDPOINT_URL }),
  cognito: new CognitoIdentityProviderClient({}),
  now: () => new Date(),
  log: {
    debug: (m: string, e?: Record<string, unknown>) => logger.debug(m, e ?? {}),
    info: (m: string, e?: Record<string, unknown>) => logger.info(m, e ?? {}),
    warn: (m: string, e?: Record<string, unknown>) => logger.warn(m, e ?? {}),
    error: (m: string, e?: Record<string, unknown>) => logger.error(m, e ?? {}),
  },
};
