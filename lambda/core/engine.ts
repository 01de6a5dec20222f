import type {
  AddToGroupsInput, ApplyExistingInput, FindExistingInput, UpdateExistingInput, CreateAndUploadInput, DescribeInput, HarvestInput, NotifyInput, ReportInput, StartInput, ValidateInput,
} from '../shared/contract';
import type { QueueStepEvent } from '../shared/queue-contract';
import type { EngineConfig, EngineDeps } from './deps';

export type StepEvent = ValidateInput | FindExistingInput | ApplyExistingInput | UpdateExistingInput | AddToGroupsInput | CreateAndUploadInput | StartInput | DescribeInput | HarvestInput | ReportInput | NotifyInput | QueueStepEvent;

/**
 * Runs one workflow step. Each step's module (and the SDK client it needs) is loaded when the step
 * first runs, not at cold start: a container that only ever describes jobs never loads S3 or Logs.
 */
export async function runStep(deps: EngineDeps, config: EngineConfig, event: StepEvent): Promise<unknown> {
  switch (event.action) {
    case 'validate': {
      // The execution input is checked before anything is read: only this importer's own bucket and
      // prefixes, pinned to a version or ETag, a key whose report S3 can hold, a size within bounds.
      const { sourceProblem, refuseSource } = require('./source-object') as typeof import('./source-object');
      const problem = sourceProblem(config, event.source);
      if (problem) return refuseSource(deps, config, event, problem);
      return (require('./validate') as typeof import('./validate')).validate(deps, config, event);
    }
    case 'findExisting': return (require('./existing-users') as typeof import('./existing-users')).findExisting(deps, config, event);
    case 'applyExisting': return (require('./existing-apply') as typeof import('./existing-apply')).applyExisting(deps, config, event);
    case 'updateExisting': return (require('./update-users') as typeof import('./update-users')).updateExisting(deps, config, event);
    case 'addToGroups': return (require('./groups') as typeof import('./groups')).addToGroups(deps, config, event);
    case 'createAndUpload': return (require('./create-and-upload') as typeof import('./create-and-upload')).createAndUpload(deps, config, event);
    case 'start': return (require('./job-control') as typeof import('./job-control')).start(deps, config, event);
    case 'describe': return (require('./job-control') as typeof import('./job-control')).describe(deps, config, event);
    case 'harvest': return (require('./harvest') as typeof import('./harvest')).harvest(deps, config, event);
    case 'report': return (require('./report') as typeof import('./report')).report(deps, config, event);
    case 'notify': await (require('./notify') as typeof import('./notify')).notify(deps, config, event); return undefined;
    case 'enqueue': case 'checkTurn': case 'startInQueue': case 'describeInQueue': case 'distribute': case 'release': case 'leaveQueue':
      return (require('./queue-steps') as typeof import('./queue-steps')).runQueueStep(deps, config, event);
    default: throw new Error(`unknown action ${String((event as { action?: unknown }).action)}`);
  }
}
