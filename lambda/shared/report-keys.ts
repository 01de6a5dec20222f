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
  /** The file's progress object next to it (`.progress.json`, lambda/shared/progress.ts). */
  readonly progressKey: string;
  /** True when the bounded form is used (the dropped key is too long for its report key). */
  readonly bounded: boolean;
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
    const fits = Buffer.byteLength(progressKey, 'utf8') <= MAX_S3_KEY_BYTES;
    return { reportKey: `${reportPrefix}${key}.json`, failedRowsKey, progressKey: fits ? progressKey : `${boundedBase()}.progress.json`, bounded: false };
  }
  const base = boundedBase();
  return { reportKey: `${base}.json`, failedRowsKey: `${base}.failed.csv`, progressKey: `${base}.progress.json`, bounded: true };
}

export const reportKeyFor = (reportPrefix: string, key: string) => reportKeysFor(reportPrefix, key).reportKey;
export const failedCsvKeyFor = (reportPrefix: string, key: string) => reportKeysFor(reportPrefix, key).failedRowsKey;
