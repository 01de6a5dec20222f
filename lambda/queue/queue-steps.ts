import type { QueueStepEvent } from '../shared/queue-steps';
import type { EngineConfig, EngineDeps } from '../runtime/deps';
import { checkTurn, describeInQueue, enqueue, leaveQueue, release, startInQueue } from './queue';
import { queueContext } from './queue-context';
import { distribute } from './queue-coalesce';

/** Runs one of the import queue's workflow steps. */
export async function runQueueStep(deps: EngineDeps, config: EngineConfig, event: QueueStepEvent): Promise<unknown> {
  const ctx = queueContext(deps, config);
  switch (event.action) {
    case 'enqueue': return enqueue(ctx, event);
    case 'checkTurn': return checkTurn(ctx, event);
    case 'startInQueue': return startInQueue(ctx, event);
    case 'describeInQueue': return describeInQueue(ctx, event);
    case 'distribute': return distribute(ctx, event);
    case 'release': await release(ctx, event); return undefined;
    case 'leaveQueue': await leaveQueue(ctx, event); return undefined;
  }
}
