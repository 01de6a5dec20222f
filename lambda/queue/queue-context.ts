/**
 * What every queue step works with (the engine's deps and config, the queue's settings and its
 * table), the slot's renewal and the queue's own errors: shared by the steps (queue.ts) and the
 * coalescing of files into one job (queue-coalesce.ts).
 */
import type { EngineConfig, EngineDeps } from '../runtime/deps';
import type { QueueConfig } from '../runtime/queue-config';
import { QueueErrors } from '../shared/errors';
import { ticketSeq } from '../shared/queue-table';
import { QueueStore } from './queue-store';

export class QueueError extends Error {
  constructor(name: (typeof QueueErrors)[keyof typeof QueueErrors], message: string) {
    super(message);
    this.name = name;
  }
}

export interface QueueContext { deps: EngineDeps; config: EngineConfig; queue: QueueConfig; store: QueueStore }

export function queueContext(deps: EngineDeps, config: EngineConfig): QueueContext {
  const queue = config.queue;
  if (!queue) throw new Error('the import queue is not configured (QUEUE_TABLE_NAME is not set)');
  if (!deps.dynamodb) throw new Error('the import queue needs a DynamoDB client');
  // Items outlive the longest wait plus a day, then DynamoDB's TTL removes them.
  return { deps, config, queue, store: new QueueStore(deps.dynamodb, queue.tableName, queue.maxWaitSeconds + 86_400) };
}

/** Keeps the slot while the holder works; a holder that lost it carries on (its job already exists). */
export async function renew(ctx: QueueContext, ticket: string): Promise<void> {
  const now = ctx.deps.now().getTime();
  if (!(await ctx.store.renew(ticket, now + ctx.queue.leaseSeconds * 1000, now))) {
    ctx.deps.log.warn('the import slot lease was lost (it expired and another file took it)', { ticket: ticketSeq(ticket) });
  }
}
