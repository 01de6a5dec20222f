// The S3 object-created entry point (notifications or EventBridge): one workflow execution per dropped object version.
import { Logger } from '@aws-lambda-powertools/logger';
import { SFNClient } from '@aws-sdk/client-sfn';
import { recordsOf, startImports, TriggerEvent } from '../runtime/trigger';
import { TriggerEnv } from '../shared/env';
import { powertoolsLog } from '../runtime/powertools-log';

const logger = new Logger({ serviceName: process.env[TriggerEnv.POWERTOOLS_SERVICE_NAME] ?? 'cognito-user-import' });
let sfn: SFNClient | undefined;

export const handler = async (event: TriggerEvent) => {
  sfn ??= new SFNClient({});
  const arn = process.env[TriggerEnv.STATE_MACHINE_ARN];
  if (!arn) throw new Error(`environment variable ${TriggerEnv.STATE_MACHINE_ARN} is not set`);
  return startImports(sfn, arn, process.env[TriggerEnv.INCOMING_PREFIX] ?? '', recordsOf(event), powertoolsLog(logger));
};
