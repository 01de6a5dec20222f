/** The report of one dropped file: the `report` step's answer and the document it writes, `reports/<key>.json`. */
import type { SourceObject } from './execution';

/** The statuses a file can end with. */
export const REPORT_STATUSES = ['Succeeded', 'PartiallySucceeded', 'Failed', 'Rejected'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

export interface ReportOutput {
  readonly status: ReportStatus;
  readonly reportUri: string;
  readonly reportKey: string;
  readonly failedCsvKey?: string;
  /** The completion event's id (the execution's name): the same for every send of one file version. */
  readonly eventId?: string;
  readonly jobIds: string[];
  readonly totals: ReportTotals;
  /** First few reasons, for deploy-time failure messages. */
  readonly firstReasons: string[];
}

/** How Cognito's `Line Number N` counts: the header as line 1, or the first user as line 1 (undocumented). */
export type ResultLineNumbers = 'header-is-line-1' | 'first-user-is-line-1';

export interface ReportTotals {
  readonly rows: number;
  readonly imported: number;
  readonly skipped: number;
  readonly failed: number;
  readonly rejected: number;
  /** Existing users whose attributes were updated (`existingUsers: UPDATE`). */
  readonly updated?: number;
  /** Existing users whose update failed. */
  readonly updateFailed?: number;
  /** Rows whose job's outcome could not be known when the report was written (they may be imported). */
  readonly unknownFate?: number;
}

/** The report document, `reports/<key>.json`. */
/** The random sample looked up before the full lookup (lambda/users/lookup-sample.ts), as the report states it. */
export interface LookupSample {
  /** Rows looked up, of `of`. */
  readonly rows: number;
  readonly of: number;
  /** Of those, rows whose user exists: 0 skips the full lookup. */
  readonly found: number;
  /** With found 0: the upper bound (at `confidence`) on the share of the file's rows whose user exists. */
  readonly existingShareBound?: number;
  readonly confidence?: number;
}

/**
 * The sample found nobody, yet Cognito failed a job over existing users it met (or over too many failed or
 * skipped users): the full lookup ran on that job's rows not imported, and those still absent went into one
 * more job (lambda/users/sample-fallback.ts). Once per file.
 */
export interface LookupFallback {
  /** The failed jobs whose rows not imported were looked up and imported again. */
  readonly failedJobIds: string[];
  /** `existing-users-skipped`: their results hold SKIPPED users; else only Cognito's "too many failed or skipped". */
  readonly reason: 'existing-users-skipped' | 'too-many-failed-or-skipped';
  /** Rows of those jobs not imported (skipped, failed or without result) that the full lookup then checked. */
  readonly rows: number;
}

export interface ImportReport {
  readonly reportVersion: 1;
  /** The dropped object version (versionId or ETag, and the S3 event's sequencer) this report is about. */
  readonly source: SourceObject;
  /** Id of this version's completion event (the execution's name): consumers drop repeats by it. */
  readonly eventId?: string;
  readonly status: ReportOutput['status'];
  readonly startedAt: string;
  readonly completedAt: string;
  readonly jobs: Array<{
    jobId: string;
    jobName: string;
    status: string;
    importedUsers: number;
    skippedUsers: number;
    failedUsers: number;
    completionMessage?: string;
    /** How this job's result lines were numbered, and how harvest decided it. */
    resultLineNumbers?: ResultLineNumbers;
    lineNumbersDecidedBy?: string;
    /** Rows of the job with no result line from Cognito (counted as failed, fate unknown). */
    rowsWithoutResult?: number;
  }>;
  readonly totals: ReportTotals;
  readonly fixes: Record<string, number>;
  readonly rejected: Array<{ line: number; username?: string; column?: string; message: string }>;
  readonly users: Array<{ line: number; username: string; outcome: 'SKIPPED' | 'FAILED' | 'UPDATED' | 'UPDATE_FAILED' | 'UNKNOWN'; message: string; unknownFate?: true }>;
  /**
   * `s3://bucket/key` of the rows to fix and re-drop (a copy of the file's own lines). Present when
   * there are such rows; it holds personal data and expires with the importer's `dataRetention`.
   */
  readonly failedRowsUri?: string;
  /** With a groups column: memberships added after the import, and each that failed (line, username, group, reason). */
  readonly groups?: { added: number; failed: Array<{ line: number; username: string; group: string; message: string }> };
  /** How the users that already exist were found before the upload, and what it cost. */
  readonly lookup?: {
    method: 'AdminGetUser' | 'ListUsers'; poolSizeEstimate: number; requests: number; steps: number; existing: number;
    /** The random sample of rows looked up first in a big pool; with `found` 0 the full lookup was skipped. */
    sample?: LookupSample;
    /** Present when the sample missed existing users and Cognito failed a job for it: the full lookup and one more job followed. */
    fallback?: LookupFallback;
  };
  /** Present when the file ended in an unexpected error. Never contains user data. */
  readonly error?: string;
  /**
   * How the imported users sign in first (present when the file was importable): `confirmed` were imported
   * with a password hash and can sign in with their password (not by SRP until their first sign-in);
   * `resetRequired` must reset their password. They add up to `totals.imported`.
   */
  readonly passwords?: { algorithm?: string; confirmed: number; resetRequired: number };
}
