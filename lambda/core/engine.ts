import type {
  CreateAndUploadInput, DescribeInput, HarvestInput, NotifyInput, ReportInput, StartInput, ValidateInput,
} from '../shared/contract';
import type { QueueStepEvent } from '../shared/queue-contract';
import type { EngineConfig, EngineDeps } from './deps';

export type StepEvent = ValidateInput | CreateAndUploadInput | StartInput | DescribeInput | HarvestInput | ReportInput | NotifyInput | QueueStepEvent;

/**
 * Runs one workflow step. Each step's module (and the SDK client it needs) is loaded when the step
 * first runs, not at cold start: a container that only ever describes jobs never loads S3 or Logs.
 */
export async function runStep(deps: EngineDeps, config: EngineConfig, event: StepEvent): Promise<unknown> {
  switch (event.action) {
    case 'validate': return (require('./validate') as typeof import('./validate')).validate(deps, config, event);
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
