import type {
  CreateAndUploadInput, DescribeInput, HarvestInput, NotifyInput, ReportInput, StartInput, ValidateInput,
} from '../shared/contract';
import { createAndUpload } from './create-and-upload';
import type { EngineConfig, EngineDeps } from './deps';
import { harvest } from './harvest';
import { describe, start } from './job-control';
import { notify } from './notify';
import { report } from './report';
import { validate } from './validate';

export type StepEvent = ValidateInput | CreateAndUploadInput | StartInput | DescribeInput | HarvestInput | ReportInput | NotifyInput;

/** Runs one workflow step. */
export async function runStep(deps: EngineDeps, config: EngineConfig, event: StepEvent): Promise<unknown> {
  switch (event.action) {
    case 'validate': return validate(deps, config, event);
    case 'createAndUpload': return createAndUpload(deps, config, event);
    case 'start': return start(deps, config, event);
    case 'describe': return describe(deps, config, event);
    case 'harvest': return harvest(deps, config, event);
    case 'report': return report(deps, config, event);
    case 'notify': await notify(deps, config, event); return undefined;
    default: throw new Error(`unknown action ${String((event as { action?: unknown }).action)}`);
  }
}
