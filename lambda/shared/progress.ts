/**
 * The progress object of a dropped file, `<report key without .json>.progress.json` next to its report
 * (reportKeysFor's `progressKey`): the worker rewrites it at each phase (one PutObject, best effort),
 * `cognito-user-import drop --wait` reads it with the reports read grant. Counts, ids and times only:
 * no user data, no URL, not even the object key (the reader knows it).
 */

/** The phases in the order a file goes through them (some files skip some). */
export const PROGRESS_PHASES = ['validating', 'checking-users', 'queued', 'uploading', 'importing', 'reading-results', 'done'] as const;
export type ProgressPhase = (typeof PROGRESS_PHASES)[number];

export interface ImportProgress {
  readonly progressVersion: 1;
  readonly phase: ProgressPhase;
  /** ISO time of this write. */
  readonly updatedAt: string;
  /** The dropped object's version (or ETag, unversioned): tells this drop's progress from an earlier one of the same key. */
  readonly versionId?: string;
  readonly etag?: string;
  /** `queued`: live waiting files ahead of this one (0 = next). */
  readonly queuePosition?: number;
  /** `uploading` to `reading-results`: the part (1-based) of how many. */
  readonly part?: number;
  readonly parts?: number;
  /** `importing`: the job and its counts as DescribeUserImportJob last gave them, out of `total` rows of the part. */
  readonly jobId?: string;
  readonly jobStatus?: string;
  readonly imported?: number;
  readonly skipped?: number;
  readonly failed?: number;
  readonly total?: number;
  /** `done`: the report's status. */
  readonly status?: string;
}
