// The workflow step entry point: reads WorkerEnv, builds the SDK clients once per container and
// dispatches `{ action, ... }` to lambda/core. Everything with logic lives in core.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import type { EngineDeps, MetricsSink } from '../core/deps';
import { runStep, StepEvent } from '../core/engine';
import { S3ObjectStore } from '../core/object-store';
import { nodePresignedPut } from '../core/presigned-put';
import { WorkerEnv } from '../shared/contract';
import { powertoolsLog } from '../shared/powertools-log';
import { workerConfigFromEnv } from '../shared/worker-config';

const logger = new Logger({ serviceName: process.env[WorkerEnv.POWERTOOLS_SERVICE_NAME] ?? 'cognito-user-import' });

const powertoolsMetrics = (): MetricsSink => ({
  publish(userPoolId, counts) {
    const metrics = new Metrics({
      namespace: process.env[WorkerEnv.POWERTOOLS_METRICS_NAMESPACE] ?? 'CognitoUserImport',
      serviceName: process.env[WorkerEnv.POWERTOOLS_SERVICE_NAME] ?? 'cognito-user-import',
    });
    metrics.addDimension('userPoolId', userPoolId);
    for (const [name, value] of Object.entries(counts)) metrics.addMetric(name, MetricUnit.Count, value);
    metrics.publishStoredMetrics();
  },
});

let deps: EngineDeps | undefined;
function buildDeps(): EngineDeps {
  // Clients read AWS_ENDPOINT_URL themselves (the local cloud); S3 then needs path-style addressing.
  const local = !!process.env.AWS_ENDPOINT_URL || !!process.env.AWS_ENDPOINT_URL_S3;
  return {
    store: new S3ObjectStore(new S3Client({ forcePathStyle: local })),
    cognito: new CognitoIdentityProviderClient({}),
    logs: new CloudWatchLogsClient({}),
    events: new EventBridgeClient({}),
    metrics: powertoolsMetrics(),
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
