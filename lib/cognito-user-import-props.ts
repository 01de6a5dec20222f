import { Duration, RemovalPolicy, Size } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { ICognitoImportQueue } from './cognito-import-queue';
import type { ImportBucket } from './import-bucket';
import type { FunctionNetworkProps } from './network';
import { ExistingUsersPolicy, InvalidRowPolicy, PasswordHashingAlgorithm } from './options';

/**
 * Props of {@link CognitoUserImport}. `vpc`, `vpcSubnets` and `securityGroups` apply to both its
 * functions (and are the default of its `UserImportDeployment`s).
 */
export interface CognitoUserImportProps extends FunctionNetworkProps {
  /** The user pool users are imported into. Works with `UserPool.fromUserPoolId`. */
  readonly userPool: cognito.IUserPool;

  /**
   * The bucket operators drop CSV files into, and where reports are written: a new one the importer
   * creates (`ImportBucket.create({ dataRetention, serverAccessLogsBucket })`) or yours
   * (`ImportBucket.fromBucket(bucket)`, from any stack; its encryption key, if any, is included in every grant).
   *
   * @default ImportBucket.create() - a new private bucket: all public access blocked, TLS only, encrypted, versioned,
   *            dropped files and work files expire after 30 days, retained on stack deletion
   */
  readonly bucket?: ImportBucket;

  /**
   * The role Cognito assumes to write import results to CloudWatch Logs. One role can serve several importers.
   *
   * @default - a new {@link CognitoImportLogsRole} scoped to this pool's log group
   */
  readonly logsRole?: iam.IRole;

  /**
   * Key prefix that triggers an import when a file lands under it. Must end with `/`.
   *
   * @default 'incoming/'
   */
  readonly incomingPrefix?: string;

  /**
   * Only keys with this suffix trigger an import.
   *
   * @default '.csv'
   */
  readonly suffix?: string;

  /**
   * Key prefix of the reports: `<reportPrefix><key>.json` and `<reportPrefix><key>.failed.csv`. Must end with `/`.
   *
   * @default 'reports/'
   */
  readonly reportPrefix?: string;

  /**
   * Key prefix of the work files (normalized parts, line maps, results). Must end with `/`.
   *
   * @default 'work/'
   */
  readonly workPrefix?: string;

  /**
   * What to do with rows that break a rule.
   *
   * @default InvalidRowPolicy.SKIP - bad rows are reported and left out, the rest is imported
   */
  readonly invalidRows?: InvalidRowPolicy;

  /**
   * The algorithm of the `password_hash` column. Only some pools allow password hash imports.
   *
   * @default - no password hashes: imported users are RESET_REQUIRED
   */
  readonly passwordHashingAlgorithm?: PasswordHashingAlgorithm;

  /**
   * What happens to rows whose user already exists (they are found before the upload and never
   * sent to Cognito): reported `SKIPPED`, or their attributes updated.
   *
   * @default ExistingUsersPolicy.SKIP
   */
  readonly existingUsers?: ExistingUsersPolicy;

  /**
   * A column of group names separated by `;`. It is taken out before the upload; rows naming a
   * group the pool does not have are rejected before any job; after the import every imported,
   * skipped or updated user is added to its groups.
   *
   * @default - no groups column
   */
  readonly groupsColumn?: string;

  /**
   * The most users in one import job (Cognito's own limit is 500,000). Bigger files are split.
   *
   * @default 500000
   */
  readonly maxUsersPerJob?: number;

  /**
   * How long to keep retrying Start while another import job is active in the account (Cognito
   * runs one at a time) or while Cognito throttles. A created job expires if not started within 24 h.
   *
   * @default Duration.hours(12)
   */
  readonly maxWaitForActiveJob?: Duration;

  /**
   * The longest pause between two status checks of a running job. Polling starts at 5 seconds
   * and doubles up to this, so it is also the longest a finished job can wait to be noticed.
   * One minute costs about $0.005 per hour of import at list prices; longer is cheaper but slower.
   * The slot's lease is renewed at every status check, so the queue's `lease` must be at least a
   * minute longer.
   *
   * @default Duration.minutes(1)
   */
  readonly maxPollInterval?: Duration;

  /**
   * A customer-managed KMS key for everything this importer stores: the bucket it creates, its
   * dead-letter queue, and its log groups (Lambda and workflow; a `UserImportDeployment` of this
   * importer uses it for its own log groups too). Every grant includes the key, restricted with
   * `kms:ViaService`. The key policy gets a statement letting CloudWatch Logs of this account and
   * region use it (with the documented encryption-context condition); for a key imported by ARN,
   * add that statement to its policy yourself (see the README's security section).
   * With a bucket you pass, the bucket keeps its own encryption and the rest uses this key.
   *
   * @default - SSE-S3 for the bucket, SQS-managed encryption for the queue, log groups encrypted by CloudWatch Logs
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * What happens to the created bucket, the importer's own queue and its log groups when the stack is deleted.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Retention of the Lambda and workflow log groups.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * The event bus that receives the "Cognito User Import Completed" events.
   *
   * @default - the account's default event bus
   */
  readonly eventBus?: events.IEventBus;

  /**
   * Memory of the function that validates, uploads and reports. More memory also means more CPU,
   * so big files validate faster. Peak memory is flat in the file's size but for the
   * duplicate-username check, ~16 bytes a user (measured: ~91 MB peak for a 10 MB file, ~106 MB
   * for 100 MB; see BENCHMARKS.md), well within the default.
   *
   * @default 1024
   */
  readonly memorySize?: number;

  /**
   * The account-wide import queue this importer waits in (README "Import queue"). Share ONE
   * `CognitoImportQueue` among every importer of the account and region. The queue carries its
   * tuning (`pollInterval`, `maxWait`, `lease`): pass your own queue to tune it. Its `lease` must
   * outlast `maxPollInterval` by a minute.
   *
   * @default - a queue of its own with the default tuning: this importer's files are ordered, other importers still compete through Start's answer
   */
  readonly queue?: ICognitoImportQueue;

  /**
   * Combine small one-part files of this importer that wait in the queue into one Cognito job
   * (each file still gets its own report and event).
   *
   * @default true
   */
  readonly coalesceFiles?: boolean;

  /**
   * The largest file this importer takes. A larger file is rejected before any import job (a
   * `Rejected` report saying so); split it into smaller files.
   *
   * @default Size.gibibytes(1)
   */
  readonly maxFileSize?: Size;

  /**
   * Reserved concurrent executions of each of the importer's functions (the worker and the S3
   * trigger). Compliance packs (NIST 800-53, HIPAA, PCI DSS) ask for it; the workflow retries a
   * throttled step and S3 retries a throttled trigger, so a small number (e.g. 5) is safe.
   *
   * @default - no reservation: the functions use the account's unreserved concurrency
   */
  readonly reservedConcurrentExecutions?: number;
}
