/**
 * The environment variables the constructs in `lib/` set on each function, and the values the
 * handlers accept in them. Constructs write them, handlers read them: one list, here.
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
  /** Rows looked up first at random in a big pool (DEFAULT_LOOKUP_SAMPLE_ROWS when unset; 0: always the full lookup). */
  LOOKUP_SAMPLE_ROWS: 'LOOKUP_SAMPLE_ROWS',
  NODE_OPTIONS: 'NODE_OPTIONS',
} as const;

/**
 * The worker's Node options. `--max-semi-space-size=2`: V8's young generation capped at 2 MB per
 * semi-space (default up to 16). `--expose-gc`: lets the streaming steps collect the chunks they
 * have read or sent as they go (lambda/runtime/gc-pacer.ts) instead of letting them pile up until V8
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

/** Environment variables the constructs set on the worker when it takes part in a queue. */
export const QueueEnv = {
  /** The queue's DynamoDB table. */
  TABLE_NAME: 'QUEUE_TABLE_NAME',
  /** Seconds between two looks at the queue by a waiting file (the first file in line). */
  POLL_SECONDS: 'QUEUE_POLL_SECONDS',
  /** Seconds a holder keeps the slot without renewing it (a holder that died frees it after this). */
  LEASE_SECONDS: 'QUEUE_LEASE_SECONDS',
  /** Seconds a file may wait for its turn before it ends Failed. */
  MAX_WAIT_SECONDS: 'QUEUE_MAX_WAIT_SECONDS',
  /** `true` | `false`: combine small waiting files of this importer into one job. */
  COALESCE: 'QUEUE_COALESCE',
} as const;

/** `WorkerEnv.INVALID_ROWS`. */
export type InvalidRowPolicyValue = 'SKIP' | 'REJECT_FILE';
/** `WorkerEnv.EXISTING_USERS`. */
export type ExistingUsersValue = 'SKIP' | 'UPDATE';
/** `WorkerEnv.PASSWORD_HASHING_ALGORITHM`. */
export const PASSWORD_HASHING_ALGORITHMS = ['BCRYPT', 'SCRYPT', 'ARGON2ID', 'PBKDF2_SHA256'] as const;
export type PasswordHashingAlgorithmValue = (typeof PASSWORD_HASHING_ALGORITHMS)[number];
