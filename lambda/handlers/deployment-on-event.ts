// UserImportDeployment: the Provider framework's onEvent. Create/Update start (or find) the import
// workflow execution; Delete stops it if it still runs. Core logic: lambda/deployment/deployment.ts.
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { Logger } from '@aws-lambda-powertools/logger';
import { onEvent } from '../deployment/deployment';
import type { OnEventResult, ProviderEvent } from '../deployment/events';

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

export const handler = async (event: ProviderEvent): Promise<OnEventResult> => {
  logger.info('onEvent', { requestType: event.RequestType, logicalResourceId: event.LogicalResourceId, physicalResourceId: event.PhysicalResourceId });
  return onEvent(event, deps);
};
