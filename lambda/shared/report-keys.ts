import { createHash } from 'node:crypto';
import { BOUNDED_REPORT_FOLDER } from './bucket-layout';

/**
 * Where the report of a dropped object goes (docs/csv-and-report.md#report): the worker writes
 * these keys, the deployment handlers read them. One place, so the two never drift.
 */

/** S3's documented limit on an object key, in bytes of UTF-8. */
export const MAX_S3_KEY_BYTES = 1024;

export interface ReportKeys {
  /** `<reportPrefix><key>.json`, or `<reportPrefix>_rejected/<sha256 of key>.json` when that is too long. */
  readonly reportKey: string;
  /** `<reportPrefix><key>.failed.csv`: no longer written (rows to fix are per version), it bounds the key length. */
  readonly failedRowsKey: string;
  /** The file's progress object next to it (`.progress.json`, lambda/shared/progress.ts). */
  readonly progressKey: string;
  /** True when the bounded form is used (the dropped key is too long for its report key). */
  readonly bounded: boolean;
  /** The folder of each version's own report and rows to fix: `<report key minus .json>.versions/`. */
  readonly versionsPrefix: string;
}

/** Characters kept for a version's name (S3 version ids are ≤ 32, ETags 32 hex and a part count). */
export const VERSION_NAME_MAX = 64;

/** One version's own report and rows to fix, under the versions folder (docs/csv-and-report.md#versions). */
export function versionReportKeys(keys: ReportKeys, version: string): { reportKey: string; failedRowsKey: string } {
  const name = version.replace(/"/g, '').replace(/[^A-Za-z0-9._-]/g, '_').slice(0, VERSION_NAME_MAX) || 'unversioned';
  return { reportKey: `${keys.versionsPrefix}${name}.json`, failedRowsKey: `${keys.versionsPrefix}${name}.failed.csv` };
}

/** The report's keys: the natural ones while S3 can hold them (both), else bounded ones. */
export function reportKeysFor(reportPrefix: string, key: string): ReportKeys {
  const failedRowsKey = `${reportPrefix}${key}.failed.csv`;
  const digest = () => createHash('sha256').update(key, 'utf8').digest('hex');
  const boundedBase = () => `${reportPrefix}${BOUNDED_REPORT_FOLDER}${digest()}`;
  if (Buffer.byteLength(failedRowsKey, 'utf8') <= MAX_S3_KEY_BYTES) {
    // `.progress.json` is 3 bytes longer than `.failed.csv`: the few keys that fit the one but not
    // the other keep their natural report and get a bounded progress key.
    const progressKey = `${reportPrefix}${key}.progress.json`;
    const progressFits = Buffer.byteLength(progressKey, 'utf8') <= MAX_S3_KEY_BYTES;
    // Versions go next to the report while S3 can hold their longest key, else under the bounded folder.
    const natural = `${reportPrefix}${key}.versions/`;
    const versionsFit = Buffer.byteLength(`${natural}${'v'.repeat(VERSION_NAME_MAX)}.failed.csv`, 'utf8') <= MAX_S3_KEY_BYTES;
    return {
      reportKey: `${reportPrefix}${key}.json`,
      failedRowsKey,
      progressKey: progressFits ? progressKey : `${boundedBase()}.progress.json`,
      bounded: false,
      versionsPrefix: versionsFit ? natural : `${boundedBase()}.versions/`,
    };
  }
  const base = boundedBase();
  return { reportKey: `${base}.json`, failedRowsKey: `${base}.failed.csv`, progressKey: `${base}.progress.json`, bounded: true, versionsPrefix: `${base}.versions/` };
}

export const reportKeyFor = (reportPrefix: string, key: string) => reportKeysFor(reportPrefix, key).reportKey;
