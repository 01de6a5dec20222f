// The side effects both deployment handlers use, built once per container: SDK clients (they
// reach AWS_ENDPOINT_URL by themselves), the clock and a Powertools logger. Core stays pure.
// Clients are built on first use: Cognito is only needed to stop a job (Delete, timeout), S3 to
// copy the source (Create/Update) or read the report (the end), so most calls never load them.
import { Logger } from '@aws-lambda-powertools/logger';
import type * as Cognito from '@aws-sdk/client-cognito-identity-provider';
import type * as S3 from '@aws-sdk/client-s3';
import type * as SFN from '@aws-sdk/client-sfn';
import { lazy } from '../runtime/lazy';
import { powertoolsLog } from '../runtime/powertools-log';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'cognito-user-import' });

const sfn = lazy(() => new (require('@aws-sdk/client-sfn') as typeof SFN).SFNClient({}));
const s3 = lazy(() => new (require('@aws-sdk/client-s3') as typeof S3).S3Client({ forcePathStyle: !!process.env.AWS_ENDPOINT_URL }));
const cognito = lazy(() => new (require('@aws-sdk/client-cognito-identity-provider') as typeof Cognito).CognitoIdentityProviderClient({}));

export const deploymentDeps = {
  get sfn() { return sfn(); },
  get s3() { return s3(); },
  get cognito() { return cognito(); },
  now: () => new Date(),
  log: powertoolsLog(logger),
};
