import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { EVENT_DETAIL_TYPE, EVENT_SOURCE } from '../shared/events';
import { NotifyInput } from '../shared/steps';
import type { EngineConfig, EngineDeps } from '../runtime/deps';

/** The completion event's detail: counts and pointers only, never user data. */
export function completionDetail(config: EngineConfig, input: NotifyInput) {
  const { source, report } = input;
  return {
    importerId: config.importerId,
    userPoolId: config.userPoolId,
    bucket: source.bucket,
    key: source.key,
    ...(source.versionId ? { versionId: source.versionId } : {}),
    status: report.status,
    totals: report.totals,
    reportUri: report.reportUri,
    jobIds: report.jobIds,
  };
}

/** The notify step: one EventBridge event per dropped file and the import counts as metrics. */
export async function notify(deps: EngineDeps, config: EngineConfig, input: NotifyInput): Promise<void> {
  const out = await deps.events.send(new PutEventsCommand({
    Entries: [{
      Source: EVENT_SOURCE,
      DetailType: EVENT_DETAIL_TYPE,
      Detail: JSON.stringify(completionDetail(config, input)),
      EventBusName: config.eventBusName,
    }],
  }));
  if ((out.FailedEntryCount ?? 0) > 0) {
    const code = out.Entries?.find((e) => e.ErrorCode)?.ErrorCode ?? 'unknown';
    throw new Error(`PutEvents rejected the completion event (${code})`);
  }
  const t = input.report.totals;
  deps.metrics.publish(config.userPoolId, {
    imported: t.imported, skipped: t.skipped, failed: t.failed, rejected: t.rejected,
    ...(t.updated !== undefined ? { updated: t.updated, updateFailed: t.updateFailed ?? 0 } : {}),
  });
  deps.log.info('completion event sent', { key: input.source.key, status: input.report.status });
}
