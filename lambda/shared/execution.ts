/** What one workflow execution is about: the trigger and the deployment start executions with this input. */

/** The object a workflow execution is about. Execution input is `{ source, requestedBy }`. */
export interface SourceObject {
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
  readonly etag?: string;
  readonly size?: number;
  /**
   * The S3 event's `sequencer` (hex, orders the events of one key): which version of a re-dropped key is
   * newest, so that its report is the one at `reports/<key>.json` whichever finishes last.
   */
  readonly sequencer?: string;
}

export interface ExecutionInput {
  readonly source: SourceObject;
  /** `s3` (object-created trigger) or `deployment` (UserImportDeployment). */
  readonly requestedBy: 's3' | 'deployment';
}
