/** The importer's reports in the drop bucket, read back the way a user would (tests, the CLI's commands). */
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';

export interface StoredReport { objectKey: string; report: any }

/** Each version's own report lives under `<report key minus .json>.versions/` (docs/csv-and-report.md). */
export const isVersionReportKey = (key: string) => /\.versions\/[^/]+\.json$/.test(key);

/**
 * Every report document (`*.json`) under `prefix`, a partly written one and the progress objects left out: the reports at the
 * dropped keys (the newest version's), or with `versions` each version's own report instead.
 */
export async function readReports(s3: S3Client, bucket: string, prefix: string, options: { versions?: boolean } = {}): Promise<StoredReport[]> {
  const out: StoredReport[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) {
      if (!o.Key?.endsWith('.json') || isVersionReportKey(o.Key) !== !!options.versions) continue;
      const obj = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: o.Key }));
      let doc: any;
      try { doc = JSON.parse(await obj.Body!.transformToString('utf8')); } catch { continue; /* partial */ }
      // The progress objects next to the reports (`.progress.json`) are not reports.
      if (doc && typeof doc === 'object' && 'progressVersion' in doc) continue;
      out.push({ objectKey: o.Key, report: doc });
    }
    token = page.NextContinuationToken;
  } while (token);
  return out;
}
