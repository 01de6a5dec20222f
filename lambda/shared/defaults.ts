/**
 * Every default value of the project, as plain numbers and strings: the constructs' props default to
 * these (lib/private/defaults.ts turns them into Durations and Sizes) and the handlers fall back to
 * the same ones when an environment variable or resource property is absent.
 */

/** The importer's key prefixes unless its props say otherwise (the construct and the worker share them). */
export const DEFAULT_PREFIXES = { incoming: 'incoming/', report: 'reports/', work: 'work/' } as const;
/** Only objects whose key ends with this start an import, unless the importer says otherwise. */
export const DEFAULT_SUFFIX = '.csv';
/** The largest file an importer takes unless its `maxFileSize` says otherwise: 1 GiB. */
export const DEFAULT_MAX_FILE_SIZE_BYTES = 1024 * 1024 * 1024;
/** The longest pause between two polls of a running job (so the longest a finished job goes unnoticed), unless the importer says otherwise. */
export const DEFAULT_MAX_POLL_INTERVAL_SECONDS = 60;
/** How long a file waits for a job started outside the queue before it fails. */
export const DEFAULT_MAX_WAIT_FOR_ACTIVE_JOB_SECONDS = 12 * 3600;
/** Days the importer keeps work files and failed rows. */
export const DEFAULT_DATA_RETENTION_DAYS = 30;
/** Days the functions' and the workflow's logs are kept. */
export const DEFAULT_LOG_RETENTION_DAYS = 365;
/** The worker's memory, in MB. */
export const DEFAULT_MEMORY_SIZE_MB = 1024;

/**
 * Cognito's request-rate quotas per account and Region, in requests per second, by the category each
 * call the importer makes counts against (Amazon Cognito Developer Guide, "Quotas in Amazon Cognito",
 * 2026; docs/import-jobs.md#request-quotas).
 */
export const COGNITO_RATE_QUOTAS = {
  /** AdminGetUser. Adjustable; since 2026-07 readable and purchasable (GetProvisionedLimit/UpdateProvisionedLimit). */
  UserRead: 120,
  /** ListUsers, ListUsersInGroup. Not adjustable. */
  UserList: 30,
  /** AdminUpdateUserAttributes, AdminAddUserToGroup. */
  UserUpdate: 25,
  /** DescribeUserImportJob, ListUserImportJobs, GetCSVHeader; also 5 per second per operation per pool. */
  UserPoolResourceRead: 20,
  /** CreateUserImportJob, StartUserImportJob, StopUserImportJob; also 5 per second per operation per pool. */
  UserPoolResourceUpdate: 15,
} as const;

/**
 * The per-user passes' paced rates: a share of the quota each counts against, leaving the rest to the
 * application's own traffic. Fixed shares of the default quotas: the account's own limit is not read.
 */
export const DEFAULT_USER_READ_RPS = 50; // of UserRead's 120
export const DEFAULT_USER_LIST_RPS = 10; // of UserList's 30
export const DEFAULT_USER_UPDATE_RPS = 10; // of UserUpdate's 25
/**
 * Rows of a file looked up first, at random (AdminGetUser, at DEFAULT_USER_READ_RPS: 60 s), when
 * the full lookup would take longer: when none exists, the full lookup is skipped (with existingUsers
 * SKIP). 0 of 3,000 puts the share of existing rows under 0.1% with 95% confidence
 * (docs/existing-users-and-groups.md).
 */
export const DEFAULT_LOOKUP_SAMPLE_ROWS = 3_000;
/** The confidence of the bound the report states on the share of existing rows after a clean sample. */
export const LOOKUP_SAMPLE_CONFIDENCE = 0.95;
/** A step invocation works this long, then checkpoints (the worker's timeout is 15 minutes). */
export const DEFAULT_STEP_BUDGET_SECONDS = 600;

/**
 * The longest pause between two Start attempts (the cap of the workflow's long retry, when another
 * job is active or Cognito throttles): a queue's lease must outlast it.
 */
export const LONGEST_START_PAUSE_SECONDS = 600;

/** The import queue's settings unless the importer says otherwise. */
export const QUEUE_DEFAULTS = {
  pollSeconds: 30,
  leaseSeconds: 900,
  maxWaitSeconds: 3 * 24 * 3600,
  /** The longest pause between two looks at the queue, however far back a file is. */
  maxPollSeconds: 300,
  /** Small waiting files of one importer share one job. */
  coalesce: true,
} as const;

/** What the deployment handlers assume when a property is absent; `UserImportDeployment`'s props default to the same. */
export const DEPLOYMENT_DEFAULTS = {
  maxFailedUsers: 0,
  failOnSkipped: false,
  waitForCompletion: true,
  timeoutSeconds: 3000,
  queryIntervalSeconds: 30,
} as const;
