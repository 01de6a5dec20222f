/**
 * The report at `reports/<key>.json` is always the NEWEST version's of a re-dropped key, whichever version
 * finishes last: decided by the order S3 gave (the event's `sequencer`, carried in the execution input),
 * else by when the executions started, and written with a conditional PutObject (If-Match the report it
 * replaces, If-None-Match for the first), so that two report steps racing never overwrite a newer one.
 */
import type { SourceObject } from '../shared/execution';
import type { EngineConfig, EngineDeps } from '../runtime/deps';

/** The name a version's own report goes by: its versionId, else its ETag, else the execution's name. */
export function versionName(source: SourceObject, executionName: string): string {
  return source.versionId || (source.etag ?? '').replace(/"/g, '') || executionName;
}

interface Version { source?: Partial<SourceObject>; startedAt?: string }

/** S3 documents sequencers as hex of varying length: compared after left-padding with zeros. */
export function compareSequencers(a: string, b: string): number {
  const n = Math.max(a.length, b.length);
  const x = a.toUpperCase().padStart(n, '0'), y = b.toUpperCase().padStart(n, '0');
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Whether `mine` may replace `theirs` at the report key: the same version (a retried step), or a newer one. */
export function supersedes(mine: Version, theirs: Version): boolean {
  const a = mine.source ?? {}, b = theirs.source ?? {};
  if (a.versionId ? a.versionId === b.versionId : (!!a.etag && a.etag === b.etag && !b.versionId)) return true;
  if (a.sequencer && b.sequencer) return compareSequencers(a.sequencer, b.sequencer) > 0;
  return String(mine.startedAt ?? '') >= String(theirs.startedAt ?? '');
}

/** Copies this version's report to the report key when it is the newest; true when it is there. */
export async function promoteIfNewest(deps: EngineDeps, config: EngineConfig, reportKey: string, versionKey: string, me: Version): Promise<boolean> {
  const text = await deps.store.getText(config.bucket, versionKey);
  if (text === undefined) throw new Error('the version report just written cannot be read back');
  // The first report of a key needs no read (a read of a missing key is denied without s3:ListBucket).
  if (await deps.store.putTextIf(config.bucket, reportKey, text, { ifNoneMatch: '*' })) return true;
  for (let attempt = 1; attempt <= 5; attempt++) {
    const current = await deps.store.getWithEtag(config.bucket, reportKey);
    let theirs: Version | undefined;
    try { theirs = current ? JSON.parse(current.text) as Version : undefined; } catch { theirs = undefined; }
    if (theirs && !supersedes(me, theirs)) {
      deps.log.info('a newer version\'s report is at the report key: this one stays in the versions folder', { reportKey, versionKey });
      return false;
    }
    const condition = current?.etag ? { ifMatch: current.etag } : { ifNoneMatch: '*' as const };
    if (await deps.store.putTextIf(config.bucket, reportKey, text, condition)) return true;
    // Another version's report step wrote in between: look again.
  }
  throw new Error('the report key kept changing under concurrent writes');
}
