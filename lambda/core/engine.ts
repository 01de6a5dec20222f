import type {
  CreateAndUploadInput, DescribeInput, HarvestInput, NotifyInput, ReportInput, StartInput, ValidateInput,
} from '../shared/contract';
import type { EngineConfig, EngineDeps } from './deps';

export type StepEvent = ValidateInput | CreateAndUploadInput | StartInput | DescribeInput | HarvestInput | ReportInput | NotifyInput;

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
    case 'createAndUpload': return (require('./create-and-upload') as typeof import('./create-and-upload')).createAndUpload(deps, config, event);
    case 'start': return (require('./job-control') as typeof import('./job-control')).start(deps, config, event);
    case 'describe': return (require('./job-control') as typeof import('./job-control')).describe(deps, config, event);
    case 'harvest': return (require('./harvest') as typeof import('./harvest')).harvest(deps, config, event);
    case 'report': return (require('./report') as typeof import('./report')).report(deps, config, event);
    case 'notify': await (require('./notify') as typeof import('./notify')).notify(deps, config, event); return undefined;
    default: throw new Error(`unknown action ${String((event as { action?: unknown }).action)}`);
  }
}
