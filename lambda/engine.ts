import type { AddToGroupsInput, ApplyExistingInput, FindExistingInput, UpdateExistingInput, CreateAndUploadInput, HarvestInput, NotifyInput, PlanFallbackInput, ReportInput, ValidateInput } from './shared/steps';
import type { QueueStepEvent } from './shared/queue-steps';
import type { EngineConfig, EngineDeps } from './runtime/deps';

export type StepEvent = ValidateInput | FindExistingInput | ApplyExistingInput | UpdateExistingInput | AddToGroupsInput | CreateAndUploadInput | HarvestInput | PlanFallbackInput | ReportInput | NotifyInput | QueueStepEvent;

/**
 * Runs one workflow step. Each step's module (and the SDK client it needs) is loaded when the step
 * first runs, not at cold start: a container that only ever describes jobs never loads S3 or Logs.
 */
export async function runStep(deps: EngineDeps, config: EngineConfig, event: StepEvent): Promise<unknown> {
  if (event.action === 'validate') {
    // The execution input is checked before anything is read or written: only this importer's own
    // bucket and prefixes, pinned to a version or ETag, a key whose report S3 can hold, a size within bounds.
    const { sourceProblem, refuseSource } = require('./report/source-object') as typeof import('./report/source-object');
    const problem = sourceProblem(config, event.source);
    if (problem) return refuseSource(deps, config, event, problem);
  }
  // The file's progress object, around the steps that change its phase (best effort, lambda/report/progress.ts).
  const progress = require('./report/progress') as typeof import('./report/progress');
  await progress.writeProgress(deps, config, progress.progressBefore(event));
  const result = await dispatch(deps, config, event);
  await progress.writeProgress(deps, config, progress.progressAfter(event, result));
  return result;
}

async function dispatch(deps: EngineDeps, config: EngineConfig, event: StepEvent): Promise<unknown> {
  switch (event.action) {
    case 'validate': return (require('./validate/validate') as typeof import('./validate/validate')).validate(deps, config, event);
    case 'findExisting': return (require('./users/existing-users') as typeof import('./users/existing-users')).findExisting(deps, config, event);
    case 'applyExisting': return (require('./users/existing-apply') as typeof import('./users/existing-apply')).applyExisting(deps, config, event);
    case 'updateExisting': return (require('./users/update-users') as typeof import('./users/update-users')).updateExisting(deps, config, event);
    case 'addToGroups': return (require('./users/groups') as typeof import('./users/groups')).addToGroups(deps, config, event);
    case 'createAndUpload': return (require('./job/create-and-upload') as typeof import('./job/create-and-upload')).createAndUpload(deps, config, event);
    case 'harvest': return (require('./harvest/harvest') as typeof import('./harvest/harvest')).harvest(deps, config, event);
    case 'planFallback': return (require('./users/sample-fallback') as typeof import('./users/sample-fallback')).planFallback(deps, config, event);
    case 'report': return (require('./report/report') as typeof import('./report/report')).report(deps, config, event);
    case 'notify': await (require('./report/notify') as typeof import('./report/notify')).notify(deps, config, event); return undefined;
    case 'enqueue': case 'checkTurn': case 'startInQueue': case 'describeInQueue': case 'distribute': case 'release': case 'leaveQueue':
      return (require('./queue/queue-steps') as typeof import('./queue/queue-steps')).runQueueStep(deps, config, event);
    default: throw new Error(`unknown action ${String((event as { action?: unknown }).action)}`);
  }
}
