// UserImportDeployment: the Provider framework's isComplete. Follows the import workflow
// execution; when it ends, returns the counts as Data or throws to fail the deployment.
// Core logic: lambda/deployment/deployment.ts.
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { Logger } from '@aws-lambda-powertools/logger';
import { isComplete } from '../deployment/deployment';
import type { IsCompleteEvent, IsCompleteResult } from '../deployment/events';

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'cognito-user-import' });
const deps = {
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

export const handler = async (event: IsCompleteEvent): Promise<IsCompleteResult> => {
  logger.info('isComplete', { requestType: event.RequestType, logicalResourceId: event.LogicalResourceId, physicalResourceId: event.PhysicalResourceId });
  return isComplete(event, deps);
};
