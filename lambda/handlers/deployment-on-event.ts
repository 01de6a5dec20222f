// UserImportDeployment: the Provider framework's onEvent. Create/Update start (or find) the import
// workflow execution; Delete stops it if it still runs. Core logic: lambda/deployment/deployment.ts.
import { onEvent } from '../deployment/deployment';
import type { OnEventResult, ProviderEvent } from '../deployment/events';
import { deploymentDeps, logger } from '../deployment/runtime';

export const handler = async (event: ProviderEvent): Promise<OnEventResult> => {
  logger.info('onEvent', { requestType: event.RequestType, logicalResourceId: event.LogicalResourceId, physicalResourceId: event.PhysicalResourceId });
  return onEvent(event, deploymentDeps);
};
