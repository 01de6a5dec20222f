import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { EVENT_DETAIL_TYPE, EVENT_SOURCE } from '../shared/events';
import { NotifyInput } from '../shared/steps';
import type { EngineConfig, EngineDeps } from '../runtime/deps';
import { executionNameFor } from '../runtime/execution-name';
import { workPrefixFor } from '../runtime/work-files';
import { FAILED_FILE_STATUSES, FILES_METRIC, ImporterMetrics, MetricDimensions, MetricGroup } from '../shared/metrics';
import type { ReportOutput } from '../shared/report';

/** The file's counts (per importer and pool) and its status (one `files` count per status). */
export function fileMetrics(config: EngineConfig, report: Pick<ReportOutput, 'status' | 'totals'>): MetricGroup[] {
  const t = report.totals;
  const dimensions = { [MetricDimensions.IMPORTER_ID]: config.importerId, [MetricDimensions.USER_POOL_ID]: config.userPoolId };
  return [{
    dimensions,
    values: {
      [ImporterMetrics.IMPORTED_USERS]: t.imported,
      [ImporterMetrics.SKIPPED_USERS]: t.skipped,
      [ImporterMetrics.FAILED_USERS]: t.failed,
      [ImporterMetrics.REJECTED_ROWS]: t.rejected,
      ...(t.updated !== undefined ? { [ImporterMetrics.UPDATED_USERS]: t.updated, [ImporterMetrics.UPDATE_FAILED_USERS]: t.updateFailed ?? 0 } : {}),
      [ImporterMetrics.FAILED_FILES]: FAILED_FILE_STATUSES.includes(report.status) ? 1 : 0,
    },
  }, {
    dimensions: { ...dimensions, [MetricDimensions.STATUS]: report.status },
    values: { [FILES_METRIC]: 1 },
  }];
}

/**
 * The event's id: the execution's name (one execution per object version), the same on every send of
 * one version; without a report (ReportUnavailable) the name the trigger derives for the version.
 */
export function eventIdFor(input: NotifyInput): string {
  const { source } = input;
  return input.report.eventId ?? executionNameFor(source.bucket, source.key, source.versionId ?? source.etag);
}

/** The completion event's detail: counts and pointers only, never user data. */
export function completionDetail(config: EngineConfig, input: NotifyInput) {
  const { source, report } = input;
  return {
    importerId: config.importerId,
    userPoolId: config.userPoolId,
    bucket: source.bucket,
    key: source.key,
    ...(source.versionId ? { versionId: source.versionId } : {}),
    ...(source.etag ? { etag: source.etag.replace(/"/g, '') } : {}),
    ...(source.sequencer ? { sequencer: source.sequencer } : {}),
    eventId: eventIdFor(input),
    status: report.status,
    totals: report.totals,
    reportUri: report.reportUri,
    jobIds: report.jobIds,
  };
}

/**
 * The notify step: one EventBridge event per dropped file version and the import counts as metrics. A
 * marker written after a successful PutEvents makes a retried step (a crash after sending) send nothing
 * again; EventBridge itself delivers at least once, so consumers drop repeats by `detail.eventId`.
 */
export async function notify(deps: EngineDeps, config: EngineConfig, input: NotifyInput): Promise<void> {
  const eventId = eventIdFor(input);
  const marker = `${workPrefixFor(config.workPrefix, eventId)}notified.json`;
  if (await deps.store.getText(config.bucket, marker) !== undefined) {
    deps.log.info('completion event already sent: not sending it again', { key: input.source.key, eventId });
    return;
  }
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
  await deps.store.putText(config.bucket, marker, JSON.stringify({ eventId, sentAt: deps.now().toISOString() }));
  deps.metrics.publish(fileMetrics(config, input.report));
  deps.log.info('completion event sent', { key: input.source.key, status: input.report.status, eventId });
}
