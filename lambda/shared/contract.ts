/**
 * The contract between the constructs in `lib/` (which synthesize the workflow and set the
 * Lambda environment), the handlers in `lambda/` (which run the steps) and the local cloud
 * (which runs both). Everything that crosses those boundaries is named here, once.
 *
 * Nothing in this file may import from `aws-cdk-lib`: it is bundled into the handlers.
 */

/** Environment variables the constructs set on the worker (step) function. */
export const WorkerEnv = {
  USER_POOL_ID: 'USER_POOL_ID',
  BUCKET_NAME: 'BUCKET_NAME',
  LOGS_ROLE_ARN: 'LOGS_ROLE_ARN',
  /** `SKIP` | `REJECT_FILE` (InvalidRowPolicy). */
  INVALID_ROWS: 'INVALID_ROWS',
  /** Optional: BCRYPT | SCRYPT | ARGON2ID | PBKDF2_SHA256. Unset = no password hashes. */
  PASSWORD_HASHING_ALGORITHM: 'PASSWORD_HASHING_ALGORITHM',
  INCOMING_PREFIX: 'INCOMING_PREFIX',
  REPORT_PREFIX: 'REPORT_PREFIX',
  WORK_PREFIX: 'WORK_PREFIX',
  /** Upper bounds of one part; the real limits unless a test lowers them. */
  MAX_ROWS_PER_PART: 'MAX_ROWS_PER_PART',
  MAX_BYTES_PER_PART: 'MAX_BYTES_PER_PART',
  /** Bytes: larger dropped files are rejected before any job (`maxFileSize`). */
  MAX_FILE_SIZE_BYTES: 'MAX_FILE_SIZE_BYTES',
  /** Seconds: the longest `Describe` asks the workflow to wait between two polls. */
  MAX_POLL_INTERVAL_SECONDS: 'MAX_POLL_INTERVAL_SECONDS',
  EVENT_BUS_NAME: 'EVENT_BUS_NAME',
  /** Stable id of the importer construct; put in every event so `onImportCompleted` can match it. */
  IMPORTER_ID: 'IMPORTER_ID',
  POWERTOOLS_SERVICE_NAME: 'POWERTOOLS_SERVICE_NAME',
  POWERTOOLS_METRICS_NAMESPACE: 'POWERTOOLS_METRICS_NAMESPACE',
  /** `SKIP` | `UPDATE` (ExistingUsersPolicy): what happens to rows whose user already exists. */
  EXISTING_USERS: 'EXISTING_USERS',
  /** Optional: the column of `;`-separated group names (removed before upload). */
  GROUPS_COLUMN: 'GROUPS_COLUMN',
  /** Seconds one per-user step (lookup, update, groups) works before it checkpoints and yields. */
  STEP_BUDGET_SECONDS: 'STEP_BUDGET_SECONDS',
  /** Requests per second of the per-user passes: AdminGetUser, ListUsers, updates/group adds. */
  USER_READ_RPS: 'USER_READ_RPS',
  USER_LIST_RPS: 'USER_LIST_RPS',
  USER_UPDATE_RPS: 'USER_UPDATE_RPS',
  NODE_OPTIONS: 'NODE_OPTIONS',
} as const;

/**
 * The worker's Node options. `--max-semi-space-size=2`: V8's young generation capped at 2 MB per
 * semi-space (default up to 16). `--expose-gc`: lets the streaming steps collect the chunks they
 * have read or sent as they go (lambda/core/gc-pacer.ts) instead of letting them pile up until V8
 * gets round to it, so the worker's peak memory stays flat in file size. The benchmarks run the
 * engine with the same options.
 */
export const WORKER_NODE_OPTIONS = '--max-semi-space-size=2 --expose-gc';

/** Environment variables the constructs set on the trigger (S3 event) function. */
export const TriggerEnv = {
  STATE_MACHINE_ARN: 'STATE_MACHINE_ARN',
  INCOMING_PREFIX: 'INCOMING_PREFIX',
  POWERTOOLS_SERVICE_NAME: 'POWERTOOLS_SERVICE_NAME',
} as const;

/** EventBridge event emitted once per dropped file, whatever its outcome. */
export const EVENT_SOURCE = 'cdk-cognito-user-import';
export const EVENT_DETAIL_TYPE = 'Cognito User Import Completed';

export const DEFAULT_MAX_ROWS_PER_PART = 500_000;
/** Cognito's "100 MB" upload limit, read as 10^8 bytes: parts of 100.0–104.9 MB could be refused otherwise. */
export const DEFAULT_MAX_BYTES_PER_PART = 100_000_000;
/**
 * Tag on every object that holds rows of a user's file outside the work prefix (the failed rows
 * under the report prefix): the bucket's lifecycle expires objects carrying it after `dataRetention`.
 */
export const USER_ROWS_TAG = { key: 'cognito-user-import:contents', value: 'user-rows' } as const;
/** Folder (under the report prefix) of reports whose natural key would be too long for S3. */
export const BOUNDED_REPORT_FOLDER = '_rejected/';
/** Folder (under the work prefix) where deployments put their copy of the source CSV. */
export const DEPLOYMENT_COPY_FOLDER = 'deployments/';

/** The largest file an importer takes unless its `maxFileSize` says otherwise: 1 GiB. */
export const DEFAULT_MAX_FILE_SIZE_BYTES = 1024 * 1024 * 1024;
/** The longest pause between two polls of a running job (so the longest a finished job goes unnoticed), unless the importer says otherwise. */
export const DEFAULT_MAX_POLL_INTERVAL_SECONDS = 60;
/** The importer's key prefixes unless its props say otherwise (the construct and the worker share them). */
export const DEFAULT_PREFIXES = { incoming: 'incoming/', report: 'reports/', work: 'work/' } as const;

export type InvalidRowPolicyValue = 'SKIP' | 'REJECT_FILE';
export type ExistingUsersValue = 'SKIP' | 'UPDATE';

/**
 * Defaults of the per-user passes: a fraction of Cognito's default request quotas (per account and
 * region: UserRead 120/s for AdminGetUser, UserList 30/s for ListUsers, UserUpdate 25/s for
 * AdminUpdateUserAttributes and AdminAddUserToGroup), leaving room for the application's own traffic.
 */
export const DEFAULT_USER_READ_RPS = 50;
export const DEFAULT_USER_LIST_RPS = 10;
export const DEFAULT_USER_UPDATE_RPS = 10;
/** A step invocation works this long, then checkpoints (the worker's timeout is 15 minutes). */
export const DEFAULT_STEP_BUDGET_SECONDS = 600;
export type PasswordHashingAlgorithmValue = 'BCRYPT' | 'SCRYPT' | 'ARGON2ID' | 'PBKDF2_SHA256';

/** The object a workflow execution is about. Execution input is `{ source, requestedBy }`. */
export interface SourceObject {
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
  readonly etag?: string;
  readonly size?: number;
}

export interface ExecutionInput {
  readonly source: SourceObject;
  /** `s3` (object-created trigger) or `deployment` (UserImportDeployment). */
  readonly requestedBy: 's3' | 'deployment';
}

/*
 * Every workflow step invokes the worker function with `{ action, ... }` and the workflow keeps
 * each result under its own path (`$.validation`, `$.part`, `$.job`, `$.report`...).
 * Payloads stay small (Step Functions caps state at 256 KB): anything large goes to S3 under
 * the work prefix and only its key travels.
 */
export type StepAction = 'validate' | 'findExisting' | 'applyExisting' | 'updateExisting' | 'addToGroups' | 'createAndUpload' | 'start' | 'describe' | 'harvest' | 'report' | 'notify';

/**
 * `findExisting` → LookupState, called in a loop until `done`: finds which rows' users already
 * exist in the pool (AdminGetUser per row, or one ListUsers scan of the pool, whichever costs fewer
 * requests), checkpointing into S3 work files so any file fits in 15-minute invocations.
 */
export interface FindExistingInput {
  readonly action: 'findExisting';
  readonly validation: ValidateOutput;
  /** `{ done: false }` the first time; the previous output after that. */
  readonly lookup: LookupState;
}
export interface LookupState {
  readonly done: boolean;
  readonly mode?: 'get' | 'scan';
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
}
export interface JobRef {
  readonly jobId: string;
  readonly jobName: string;
}

/** `start` → throws one of StepErrors; returns the first DescribeOutput (status Pending, polls 0). */
export interface StartInput {
  readonly action: 'start';
  readonly job: JobRef;
}

/** `describe` → */
export interface DescribeInput {
  readonly action: 'describe';
  /** The previous DescribeOutput (from start or describe); `job.polls` counts the describes so far. */
  readonly job: DescribeOutput;
}
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
}
export interface HarvestOutput {
  readonly partNumber: number;
  readonly job: DescribeOutput;
  /** Per-user outcomes (SKIPPED/FAILED, source line, username) written to S3. */
  readonly resultsKey: string;
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
export interface ReportOutput {
  readonly status: 'Succeeded' | 'PartiallySucceeded' | 'Failed' | 'Rejected';
  readonly reportUri: string;
  readonly reportKey: string;
  readonly failedCsvKey?: string;
  readonly jobIds: string[];
  readonly totals: ReportTotals;
  /** First few reasons, for deploy-time failure messages. */
  readonly firstReasons: string[];
}

/** `notify` → */
export interface NotifyInput {
  readonly action: 'notify';
  readonly source: SourceObject;
  readonly report: ReportOutput;
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
}

/**
 * Error names (Lambda `errorType`) the worker throws on purpose, matched by the workflow's
 * Retry/Catch. Anything else is unexpected and ends in a failure report.
 */
export const StepErrors = {
  /** Start: the upload is not visible yet (Cognito PreconditionNotMetException). Short retry. */
  UploadNotVisible: 'UploadNotVisibleError',
  /** Start: another import job is active in the account. Long retry with backoff + jitter. */
  AnotherJobActive: 'AnotherJobActiveError',
  /** Any step: Cognito/S3 throttled us. Long retry with backoff + jitter. */
  Throttled: 'ThrottledError',
  /** Start/Describe: the job expired or its URL did: make a new job for the part. */
  JobExpired: 'JobExpiredError',
  /** CreateAndUpload: the PUT to the pre-signed URL failed after its own retries. */
  UploadFailed: 'UploadFailedError',
} as const;

/** The report document, `reports/<key>.json`. */
export interface ImportReport {
  readonly reportVersion: 1;
  readonly source: SourceObject;
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
  readonly users: Array<{ line: number; username: string; outcome: 'SKIPPED' | 'FAILED' | 'UPDATED' | 'UPDATE_FAILED'; message: string; unknownFate?: true }>;
  /**
   * `s3://bucket/key` of the rows to fix and re-drop (a copy of the file's own lines). Present when
   * there are such rows; it holds personal data and expires with the importer's `dataRetention`.
   */
  readonly failedRowsUri?: string;
  /** With a groups column: memberships added after the import, and each that failed (line, username, group, reason). */
  readonly groups?: { added: number; failed: Array<{ line: number; username: string; group: string; message: string }> };
  /** How the users that already exist were found before the upload, and what it cost. */
  readonly lookup?: { method: 'AdminGetUser' | 'ListUsers'; poolSizeEstimate: number; requests: number; steps: number; existing: number };
  /** Present when the file ended in an unexpected error. Never contains user data. */
  readonly error?: string;
  /**
   * How the imported users sign in first (present when the file was importable): `confirmed` were imported
   * with a password hash and can sign in with their password (not by SRP until their first sign-in);
   * `resetRequired` must reset their password. They add up to `totals.imported`.
   */
  readonly passwords?: { algorithm?: string; confirmed: number; resetRequired: number };
}
