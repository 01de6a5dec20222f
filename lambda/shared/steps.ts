/**
 * What each workflow step receives and returns: the workflow in `lib/` builds the inputs, the engine
 * in `lambda/` answers with the outputs, the local cloud and the CLI read them.
 */
import type { SourceObject } from './execution';
import type { LookupFallback, LookupSample, ReportOutput } from './report';

/*
 * Every workflow step invokes the worker function with `{ action, ... }` and the workflow keeps
 * each result under its own path (`$.validation`, `$.part`, `$.job`, `$.report`...).
 * Payloads stay small (Step Functions caps state at 256 KB): anything large goes to S3 under
 * the work prefix and only its key travels.
 */

/**
 * `findExisting` → LookupState, called in a loop until `done`: finds which rows' users already
 * exist in the pool (AdminGetUser per row, or one ListUsers scan of the pool, whichever costs fewer
 * requests), checkpointing into S3 work files so any file fits in 15-minute invocations.
 */
export interface FindExistingInput {
  readonly action: 'findExisting';
  /** The dropped object, for its progress object only (lambda/shared/progress.ts). */
  readonly source?: SourceObject;
  readonly validation: ValidateOutput;
  /** `{ done: false }` the first time; the previous output after that. */
  readonly lookup: LookupState;
}
export interface LookupState {
  readonly done: boolean;
  /** `sample`: only the sample was looked up (it found nobody); else the full lookup's way. */
  readonly mode?: 'get' | 'scan' | 'sample';
  readonly sample?: LookupSample;
  /**
   * Set for the full lookup that follows a job the sample let fail (`planFallback`): it never samples, so a
   * file falls back at most once. The sample, requests and invocations before it are carried over.
   */
  readonly fallback?: LookupFallback;
  /** DescribeUserPool's EstimatedNumberOfUsers when the lookup was planned. */
  readonly poolSizeEstimate?: number;
  /** Get mode: the part (index into `validation.parts`) and how many of its rows are done. */
  readonly partIndex?: number;
  readonly row?: number;
  /** Scan mode: where ListUsers goes on, and how many pool users were read. */
  readonly paginationToken?: string;
  readonly scanned?: number;
  /** Work files (JSON arrays of source line numbers) of the rows found to exist so far. */
  readonly chunks?: string[];
  readonly invocations?: number;
  readonly requests?: number;
  readonly found?: number;
}

/**
 * `updateExisting` → PassState, in a loop until `done` (existingUsers UPDATE): applies each
 * existing user's non-empty attribute columns; `addToGroups` → PassState, in a loop until `done`
 * (groupsColumn set): adds each imported, skipped or updated user to its groups.
 */
export interface UpdateExistingInput {
  readonly action: 'updateExisting';
  readonly validation: ValidateOutput;
  readonly pass: PassState;
}
export interface AddToGroupsInput {
  readonly action: 'addToGroups';
  /** `$`: the validation, the harvested parts and the update pass. */
  readonly state: WorkflowState & { readonly update?: PassState };
  readonly pass: PassState;
}
/** Progress of a per-user pass (update, groups), checkpointed between workflow steps. */
export interface PassState {
  readonly done: boolean;
  /** Entries of the pass's input done so far. */
  readonly position?: number;
  /** Work files (JSON Lines) of the outcomes so far. */
  readonly chunks?: string[];
  readonly invocations?: number;
  readonly requests?: number;
  /** Update: UPDATED / UPDATE_FAILED users. Groups: memberships added / users with a failure. */
  readonly succeeded?: number;
  readonly failed?: number;
}

/** `applyExisting` → ValidateOutput: the parts rewritten without the rows whose user exists. */
export interface ApplyExistingInput {
  readonly action: 'applyExisting';
  readonly source: SourceObject;
  readonly executionName: string;
  readonly validation: ValidateOutput;
  readonly lookup: LookupState;
}

/** `validate` → */
export interface ValidateInput {
  readonly action: 'validate';
  readonly source: SourceObject;
  /** `$$.Execution.Name`: used to name the work prefix so retries overwrite, never duplicate. */
  readonly executionName: string;
}
export interface PartDescriptor {
  /** 1-based. */
  readonly partNumber: number;
  readonly partCount: number;
  /** Normalized CSV of this part, under the work prefix. */
  readonly key: string;
  readonly rows: number;
  readonly bytes: number;
  /** Key of the JSON array mapping the part's data line i (1-based, header = 1) to the source line. */
  readonly lineMapKey: string;
  /** Name every job for this part uses (sanitized key + part number), ≤ 128 chars. */
  readonly jobName: string;
}
export interface ValidateOutput {
  /** `Valid` = at least one row to import; `Rejected` = file-level error or REJECT_FILE; `Empty` = nothing valid to import. */
  readonly outcome: 'Valid' | 'Rejected' | 'Empty';
  readonly workPrefix: string;
  readonly parts: PartDescriptor[];
  /** Validation result (rejected rows, fixes, totals) written to S3 for the report step. */
  readonly validationKey: string;
  readonly rows: number;
  readonly rejectedRows: number;
}

/** `createAndUpload` → */
export interface CreateAndUploadInput {
  readonly action: 'createAndUpload';
  readonly part: PartDescriptor;
  /** The dropped object, for its progress object only (lambda/shared/progress.ts). */
  readonly source?: SourceObject;
}
export interface JobRef {
  readonly jobId: string;
  readonly jobName: string;
}

/** The job as the last start or describe saw it (`startInQueue` / `describeInQueue` → this). */
export interface DescribeOutput {
  readonly jobId: string;
  readonly jobName: string;
  readonly status: string;
  readonly terminal: boolean;
  readonly polls: number;
  /** Seconds the workflow's Wait state waits before the next describe. */
  readonly waitSeconds: number;
  readonly importedUsers: number;
  readonly skippedUsers: number;
  readonly failedUsers: number;
  readonly completionMessage?: string;
}

/** `harvest` → */
export interface HarvestInput {
  readonly action: 'harvest';
  readonly part: PartDescriptor;
  readonly job: DescribeOutput;
  /** The dropped object, for its progress object only (lambda/shared/progress.ts). */
  readonly source?: SourceObject;
}
export interface HarvestOutput {
  readonly partNumber: number;
  readonly job: DescribeOutput;
  /** Per-user outcomes (SKIPPED/FAILED, source line, username) written to S3. */
  readonly resultsKey: string;
}

/**
 * `planFallback` → FallbackPlan, after the parts were imported when the lookup was `sample`: when a job
 * failed over users the sample missed, the rows it did not import become new parts for the full lookup
 * (lambda/users/sample-fallback.ts).
 */
export interface PlanFallbackInput {
  readonly action: 'planFallback';
  readonly source: SourceObject;
  readonly executionName: string;
  readonly validation: ValidateOutput;
  readonly lookup: LookupState;
  /** This file's results, one per part (`$.parts`). */
  readonly parts: HarvestOutput[];
}
export interface FallbackPlan {
  readonly retry: boolean;
  /** With retry: the validation whose parts are the rows to look up and import again. */
  readonly validation?: ValidateOutput;
  /** With retry: where the full lookup starts (`{ done: false, fallback }`). */
  readonly lookup?: LookupState;
}

/** The workflow's state as the report step sees it: whatever steps ran before it. */
export interface WorkflowState {
  readonly source: SourceObject;
  readonly requestedBy?: string;
  readonly validation?: ValidateOutput;
  readonly parts?: HarvestOutput[];
  /** Set when the workflow caught an unexpected error: `{ Error, Cause }` of Step Functions. */
  readonly error?: { readonly Error?: string; readonly Cause?: string };
}

/** `report` → */
export interface ReportInput {
  readonly action: 'report';
  /** `$$.Execution.Name` and `$$.Execution.StartTime`. */
  readonly executionName: string;
  readonly startedAt: string;
  /** `$`: the whole state, so the error path (where some fields are missing) uses the same step. */
  readonly state: WorkflowState;
}
/** `notify` → */
export interface NotifyInput {
  readonly action: 'notify';
  readonly source: SourceObject;
  readonly report: ReportOutput;
}
