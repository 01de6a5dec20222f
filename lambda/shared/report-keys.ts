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
  /** The failed rows next to it (`.failed.csv`). */
  readonly failedRowsKey: string;
  /** True when the bounded form is used (the dropped key is too long for its report key). */
  readonly bounded: boolean;
}

/** The report's keys: the natural ones while S3 can hold them (both), else bounded ones. */
export function reportKeysFor(reportPrefix: string, key: string): ReportKeys {
  const failedRowsKey = `${reportPrefix}${key}.failed.csv`;
  if (Buffer.byteLength(failedRowsKey, 'utf8') <= MAX_S3_KEY_BYTES) {
    return { reportKey: `${reportPrefix}${key}.json`, failedRowsKey, bounded: false };
  }
  const digest = createHash('sha256').update(key, 'utf8').digest('hex');
  const base = `${reportPrefix}${BOUNDED_REPORT_FOLDER}${digest}`;
  return { reportKey: `${base}.json`, failedRowsKey: `${base}.failed.csv`, bounded: true };
}

export const reportKeyFor = (reportPrefix: string, key: string) => reportKeysFor(reportPrefix, key).reportKey;
export const failedCsvKeyFor = (reportPrefix: string, key: string) => reportKeysFor(reportPrefix, key).failedRowsKey;
