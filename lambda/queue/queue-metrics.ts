import { MetricDimensions, QueueMetrics } from '../shared/metrics';
import type { QueueContext } from './queue-context';

const dimensions = (ctx: QueueContext) => ({ [MetricDimensions.QUEUE]: ctx.queue.tableName });

/** At each look by a waiting file: how many live waiting files are ahead of it. */
export function emitWaitingFiles(ctx: QueueContext, ahead: number): void {
  ctx.deps.metrics.publish([{ dimensions: dimensions(ctx), values: { [QueueMetrics.WAITING_FILES]: ahead } }]);
}

/** Once, when the file's wait ends (it took the slot, or its rows ran in another file's job). */
export function emitWaitTime(ctx: QueueContext, enqueuedAtMs: number): void {
  const seconds = Math.max(0, (ctx.deps.now().getTime() - enqueuedAtMs) / 1000);
  ctx.deps.metrics.publish([{ dimensions: dimensions(ctx), values: { [QueueMetrics.WAIT_TIME]: seconds } }]);
}
