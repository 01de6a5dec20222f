/** The events the CDK Provider framework hands our onEvent / isComplete functions. */
export interface ProviderEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly ResourceType?: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: Record<string, unknown>;
  readonly OldResourceProperties?: Record<string, unknown>;
}

/** What onEvent learned, carried to every isComplete call (the framework merges onEvent's result into the event). */
export interface ImportState {
  readonly executionArn: string;
  /** The object the workflow imports (the copy in the importer's bucket). */
  readonly bucket: string;
  readonly key: string;
  /** True when an existing import is reused (unchanged Update, rollback, re-create of a finished import). */
  readonly reused: boolean;
}

export interface OnEventResult {
  readonly PhysicalResourceId: string;
  readonly ImportState?: ImportState;
}

export interface IsCompleteEvent extends ProviderEvent {
  readonly ImportState?: ImportState;
}

export interface IsCompleteResult {
  readonly IsComplete: boolean;
  readonly Data?: Record<string, string>;
}

/**
 * An error that fails the deployment with exactly its message. Its stack is its message alone, so
 * the reason CloudFormation shows is not buried under a stack trace (and stays under 4 KB).
 */
export class DeploymentFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeploymentFailedError';
    this.stack = `${this.name}: ${message}`;
  }
}
