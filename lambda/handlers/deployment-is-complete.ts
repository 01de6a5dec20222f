// UserImportDeployment: the Provider framework's isComplete. Follows the import workflow
// execution; when it ends, returns the counts as Data or throws to fail the deployment.
// Core logic: lambda/deployment/deployment.ts.
import { isComplete } from '../deployment/deployment';
import type { IsCompleteEvent, IsCompleteResult } from '../deployment/events';
import { deploymentDeps, logger } from '../deployment/runtime';

export const handler = async (event: IsCompleteEvent): Promise<IsCompleteResult> => {
  logger.info('isComplete', { requestType: event.RequestType, logicalResourceId: event.LogicalResourceId, physicalResourceId: event.PhysicalResourceId });
  return isComplete(event, deploymentDeps);
};
