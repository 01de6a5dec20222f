/**
 * The CloudWatch metrics the worker emits (embedded metric format, one log line each) and the
 * constructs' `metricXxx()` methods find: namespace, names and dimension sets, here only, because
 * CloudWatch finds a metric only by its exact namespace, name and full set of dimensions.
 */
import type { ReportStatus } from './report';

/** Namespace of every metric the importers and the queue emit. */
export const METRICS_NAMESPACE = 'CognitoUserImport';

/** Dimension names. */
export const MetricDimensions = {
  /** The pool's id: several importers may share one pool. */
  USER_POOL_ID: 'userPoolId',
  /** The importer's id (`CognitoUserImport.importerId`): tells importers on one pool apart. */
  IMPORTER_ID: 'importerId',
  /** A file's final status (`Succeeded`, `PartiallySucceeded`, `Failed`, `Rejected`). */
  STATUS: 'status',
  /** The import queue's table name: one queue per account and region, shared by its importers. */
  QUEUE: 'queueTable',
} as const;

/** Per-file counts, emitted once per file by the notify step with {@link IMPORTER_DIMENSIONS}. */
export const ImporterMetrics = {
  /** Users Cognito created. */
  IMPORTED_USERS: 'imported',
  /** Rows skipped because their user existed. */
  SKIPPED_USERS: 'skipped',
  /** Rows Cognito (or an unknown fate) failed. */
  FAILED_USERS: 'failed',
  /** Rows the validation refused before any job. */
  REJECTED_ROWS: 'rejected',
  /** Existing users updated / whose update failed (`existingUsers: UPDATE` only). */
  UPDATED_USERS: 'updated',
  UPDATE_FAILED_USERS: 'updateFailed',
  /** 1 per file that ended `Failed` or `Rejected`, else 0 (so Sum counts failed files, SampleCount all files). */
  FAILED_FILES: 'failedFiles',
} as const;

/** 1 per finished file, with {@link FILE_STATUS_DIMENSIONS}: files by status. */
export const FILES_METRIC = 'files';

/** Queue metrics, emitted by the queue steps with {@link QUEUE_DIMENSIONS}. */
export const QueueMetrics = {
  /** At each look at the queue by a waiting file: the live waiting files ahead of it (0 = next). */
  WAITING_FILES: 'waitingFiles',
  /** Once per file that got the slot (or whose rows ran in another file's job): seconds since it joined the queue. */
  WAIT_TIME: 'waitTime',
} as const;

/** The dimension set of {@link ImporterMetrics}. */
export const IMPORTER_DIMENSIONS = [MetricDimensions.IMPORTER_ID, MetricDimensions.USER_POOL_ID] as const;
/** The dimension set of {@link FILES_METRIC}. */
export const FILE_STATUS_DIMENSIONS = [MetricDimensions.IMPORTER_ID, MetricDimensions.USER_POOL_ID, MetricDimensions.STATUS] as const;
/** The dimension set of {@link QueueMetrics}. */
export const QUEUE_DIMENSIONS = [MetricDimensions.QUEUE] as const;

/** Statuses `failedFiles` counts (the `status` dimension takes every REPORT_STATUSES value). */
export const FAILED_FILE_STATUSES: readonly ReportStatus[] = ['Failed', 'Rejected'];

/** Units (CloudWatch's names), per metric. */
export const METRIC_UNITS: Record<string, 'Count' | 'Seconds'> = {
  [QueueMetrics.WAIT_TIME]: 'Seconds',
};

/** One group of metrics sharing a dimension set, as the worker emits it. */
export interface MetricGroup {
  readonly dimensions: Readonly<Record<string, string>>;
  readonly values: Readonly<Record<string, number>>;
}
