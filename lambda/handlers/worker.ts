// The workflow step entry point: reads WorkerEnv, builds the SDK clients once per container and
// dispatches `{ action, ... }` to the engine (lambda/engine.ts). Everything with logic lives there and below.
import { Logger } from '@aws-lambda-powertools/logger';
import type * as Logs from '@aws-sdk/client-cloudwatch-logs';
import type * as Cognito from '@aws-sdk/client-cognito-identity-provider';
import type * as DynamoDB from '@aws-sdk/client-dynamodb';
import type * as EventBridge from '@aws-sdk/client-eventbridge';
import type * as S3 from '@aws-sdk/client-s3';
import type { EngineDeps, MetricsSink } from '../runtime/deps';
import { runStep, StepEvent } from '../engine';
import type * as ObjectStoreModule from '../runtime/object-store';
import { nodePresignedPut } from '../runtime/presigned-put';
import { WorkerEnv } from '../shared/env';
import { powertoolsLog } from '../runtime/powertools-log';
import { workerConfigFromEnv } from '../runtime/worker-config';
import { lazy } from '../runtime/lazy';
import { emfRecord } from '../runtime/emf';

const logger = new Logger({ serviceName: process.env[WorkerEnv.POWERTOOLS_SERVICE_NAME] ?? 'cognito-user-import' });

// Metrics are log lines in CloudWatch's embedded metric format, written straight to stdout.
const emfMetrics = (): MetricsSink => ({
  publish(groups) {
    for (const group of groups) process.stdout.write(`${emfRecord(group, Date.now())}
`);
  },
});


let deps: EngineDeps | undefined;
function buildDeps(): EngineDeps {
  // Clients read AWS_ENDPOINT_URL themselves (the local cloud); S3 then needs path-style addressing.
  const local = !!process.env.AWS_ENDPOINT_URL || !!process.env.AWS_ENDPOINT_URL_S3;
  const store = lazy(() => {
    const { S3Client } = require('@aws-sdk/client-s3') as typeof S3;
    const { S3ObjectStore } = require('../runtime/object-store') as typeof ObjectStoreModule;
    return new S3ObjectStore(new S3Client({ forcePathStyle: local }));
  });
  const cognito = lazy(() => new (require('@aws-sdk/client-cognito-identity-provider') as typeof Cognito).CognitoIdentityProviderClient({}));
  const logs = lazy(() => new (require('@aws-sdk/client-cloudwatch-logs') as typeof Logs).CloudWatchLogsClient({}));
  const events = lazy(() => new (require('@aws-sdk/client-eventbridge') as typeof EventBridge).EventBridgeClient({}));
  const dynamodb = lazy(() => new (require('@aws-sdk/client-dynamodb') as typeof DynamoDB).DynamoDBClient({}));
  return {
    get store() { return store(); },
    get cognito() { return cognito(); },
    get logs() { return logs(); },
    get events() { return events(); },
    get dynamodb() { return dynamodb(); },
    metrics: emfMetrics(),
    put: nodePresignedPut(),
    now: () => new Date(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    log: powertoolsLog(logger),
  };
}

export const handler = async (event: StepEvent): Promise<unknown> => {
  deps ??= buildDeps();
  const config = workerConfigFromEnv(process.env);
  logger.appendKeys({ action: event.action });
  try {
    return await runStep(deps, config, event);
  } catch (err) {
    const e = err as Error;
    // Only the name and a message our code wrote or an SDK error code: no user data.
    logger.error('step failed', { errorName: e.name });
    throw err;
  } finally {
    logger.removeKeys(['action']);
  }
};
