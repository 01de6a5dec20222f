// The S3 object-created entry point: one workflow execution per dropped object version.
import { Logger } from '@aws-lambda-powertools/logger';
import { SFNClient } from '@aws-sdk/client-sfn';
import { S3EventRecordLike, startImports } from '../runtime/trigger';
import { TriggerEnv } from '../shared/env';
import { powertoolsLog } from '../runtime/powertools-log';

const logger = new Logger({ serviceName: process.env[TriggerEnv.POWERTOOLS_SERVICE_NAME] ?? 'cognito-user-import' });
let sfn: SFNClient | undefined;

export const handler = async (event: { Records?: S3EventRecordLike[] }) => {
  sfn ??= new SFNClient({});
  const arn = process.env[TriggerEnv.STATE_MACHINE_ARN];
  if (!arn) throw new Error(`environment variable ${TriggerEnv.STATE_MACHINE_ARN} is not set`);
  // Records without s3 (e.g. the s3:TestEvent sent when notifications are configured) are skipped.
  const records = (event.Records ?? []).filter((r) => r && r.s3 && r.s3.object);
  return startImports(sfn, arn, process.env[TriggerEnv.INCOMING_PREFIX] ?? '', records, powertoolsLog(logger));
};
