import { Arn, ArnFormat, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  DEFAULT_MAX_ROWS_PER_PART,
  TriggerEnv,
  WorkerEnv,
} from '../lambda/shared/contract';
import { CognitoImportLogsRole } from './cognito-import-logs-role';
import { EVENT_DETAIL_TYPE, EVENT_SOURCE } from './events';
import { ImportWorkflow } from './import-workflow';
import { ICognitoImportQueue } from './cognito-import-queue';
import { bundledFunction } from './private/bundled-function';
import { validateQueueOptions, wireQueue } from './private/queue-wiring';
import { InvalidRowPolicy, PasswordHashingAlgorithm } from './options';

/** Props of {@link CognitoUserImport}. */
export interface CognitoUserImportProps {
  /** The user pool users are imported into. Works with `UserPool.fromUserPoolId`. */
  readonly userPool: cognito.IUserPool;

  /**
   * The bucket operators drop CSV files into, and where reports are written.
   * A bucket from another stack works; its encryption key (if any) is included in every grant.
   *
   * @default - a new private bucket: all public access blocked, TLS only, encrypted, versioned,
   *            dropped files and work files expire after `dataRetention`, retained on stack deletion
   */
  readonly bucket?: s3.IBucket;

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
   * and doubles up to this.
   *
   * @default Duration.minutes(5)
   */
  readonly maxPollInterval?: Duration;

  /**
   * A KMS key to encrypt the bucket this construct creates. Every grant then includes the key.
   *
   * @default - S3-managed encryption (SSE-S3)
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Where the created bucket writes its server access logs.
   *
   * @default - no server access logs
   */
  readonly serverAccessLogsBucket?: s3.IBucket;

  /**
   * How long dropped CSVs and work files are kept in the created bucket (they hold personal data).
   * Reports hold usernames and line numbers only and are kept.
   *
   * @default Duration.days(30)
   */
  readonly dataRetention?: Duration;

  /**
   * What happens to the created bucket and log groups when the stack is deleted.
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
   * Memory of the function that validates, uploads and reports. Memory stays flat in file size;
   * more memory means more CPU and a faster validation of big files.
   *
   * @default 1024
   */
  readonly memorySize?: number;

  /**
   * The account-wide import queue this importer waits in (README "Import queue"). Share ONE
   * `CognitoImportQueue` among every importer of the account and region.
   * @default - a queue of its own: this importer's files are ordered, other importers still compete through Start's answer
   */
  readonly queue?: ICognitoImportQueue;
  /**
   * How often the first file in line looks at the queue (files further back look less often, at most every 5 minutes).
   * @default Duration.seconds(30)
   */
  readonly queuePollInterval?: Duration;
  /**
   * How long a file may wait for its turn before it ends Failed (no Cognito job exists while it waits).
   * @default Duration.days(3)
   */
  readonly maxQueueWait?: Duration;
  /**
   * How long the slot stays held without renewal: a holder that died frees it after this.
   * @default Duration.minutes(15)
   */
  readonly queueLease?: Duration;
  /**
   * Combine small one-part files of this importer that wait in the queue into one Cognito job
   * (each file still gets its own report and event).
   * @default true
   */
  readonly coalesceFiles?: boolean;
}

/** Defaults, one place: the README's table of secure defaults lists these. */
const DEFAULTS = {
  incomingPrefix: 'incoming/',
  suffix: '.csv',
  reportPrefix: 'reports/',
  workPrefix: 'work/',
  maxWaitForActiveJob: Duration.hours(12),
  maxPollInterval: Duration.minutes(5),
  dataRetention: Duration.days(30),
  logRetention: logs.RetentionDays.ONE_YEAR,
  memorySize: 1024,
};


/**
 * Imports users into an Amazon Cognito user pool from CSV files dropped into a bucket.
 *
 * A file dropped under `incomingPrefix` starts one workflow execution (per object version): the
 * file is validated against the live pool, imported through Cognito import jobs, and ends with a
 * report under `reportPrefix` and a "Cognito User Import Completed" event.
 */
export class CognitoUserImport extends Construct {
  /** The drop bucket (created, or the one passed in). */
  public readonly bucket: s3.IBucket;
  /** The role Cognito writes import results to CloudWatch Logs with. */
  public readonly logsRole: iam.IRole;
  /** The import workflow (Step Functions Standard). */
  public readonly workflow: sfn.StateMachine;
  /** The function the bucket's object-created events invoke: starts one workflow execution per object version. */
  public readonly importFunction: lambda.Function;
  /** The function that runs the workflow's steps (validate, upload, start, watch, harvest, report, notify). */
  public readonly workerFunction: lambda.Function;
  /** Dead-letter queue of `importFunction`: S3 events it could not turn into an execution. */
  public readonly deadLetterQueue: sqs.Queue;
  /** The pool users are imported into. */
  public readonly userPool: cognito.IUserPool;
  /** The event bus the completion events go to. */
  public readonly eventBus: events.IEventBus;
  /** Stable id of this importer, carried in its events as `detail.importerId`. */
  public readonly importerId: string;
  /** Key prefixes. */
  public readonly incomingPrefix: string;
  public readonly reportPrefix: string;
  public readonly workPrefix: string;
  /** The import queue this importer's files wait in (the one passed in, or its own). */
  public readonly queue: ICognitoImportQueue;

  constructor(scope: Construct, id: string, props: CognitoUserImportProps) {
    super(scope, id);
    validateProps(props);

    this.userPool = props.userPool;
    this.incomingPrefix = props.incomingPrefix ?? DEFAULTS.incomingPrefix;
    this.reportPrefix = props.reportPrefix ?? DEFAULTS.reportPrefix;
    this.workPrefix = props.workPrefix ?? DEFAULTS.workPrefix;
    const suffix = props.suffix ?? DEFAULTS.suffix;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const logRetention = props.logRetention ?? DEFAULTS.logRetention;
    this.importerId = this.node.addr;
    this.eventBus = props.eventBus ?? events.EventBus.fromEventBusName(this, 'DefaultBus', 'default');

    this.bucket = props.bucket ? this.localReference(props.bucket) : this.createBucket(props, removalPolicy);
    this.logsRole = props.logsRole ?? new CognitoImportLogsRole(this, 'LogsRole', { userPool: props.userPool }).role;

    this.workerFunction = bundledFunction(this, 'Worker', {
      bundle: 'worker',
      description: 'Cognito user import: runs the workflow steps (validate, upload, start, watch, harvest, report, notify)',
      memorySize: props.memorySize ?? DEFAULTS.memorySize,
      // Validation and upload of a 100 MB part stream through this function.
      timeout: Duration.minutes(15),
      logRetention,
      removalPolicy,
      environment: {
        [WorkerEnv.USER_POOL_ID]: props.userPool.userPoolId,
        [WorkerEnv.BUCKET_NAME]: this.bucket.bucketName,
        [WorkerEnv.LOGS_ROLE_ARN]: this.logsRole.roleArn,
        [WorkerEnv.INVALID_ROWS]: props.invalidRows ?? InvalidRowPolicy.SKIP,
        ...(props.passwordHashingAlgorithm ? { [WorkerEnv.PASSWORD_HASHING_ALGORITHM]: props.passwordHashingAlgorithm } : {}),
        [WorkerEnv.INCOMING_PREFIX]: this.incomingPrefix,
        [WorkerEnv.REPORT_PREFIX]: this.reportPrefix,
        [WorkerEnv.WORK_PREFIX]: this.workPrefix,
        [WorkerEnv.MAX_ROWS_PER_PART]: String(props.maxUsersPerJob ?? DEFAULT_MAX_ROWS_PER_PART),
        [WorkerEnv.MAX_POLL_INTERVAL_SECONDS]: String((props.maxPollInterval ?? DEFAULTS.maxPollInterval).toSeconds()),
        [WorkerEnv.EVENT_BUS_NAME]: this.eventBus.eventBusName,
        [WorkerEnv.IMPORTER_ID]: this.importerId,
        [WorkerEnv.POWERTOOLS_SERVICE_NAME]: 'cognito-user-import',
        [WorkerEnv.POWERTOOLS_METRICS_NAMESPACE]: 'CognitoUserImport',
      },
    });
    this.grantWorker(this.workerFunction);
    this.queue = wireQueue(this, this.workerFunction, { ...props, removalPolicy });

    const workflow = new ImportWorkflow(this, 'Workflow', {
      worker: this.workerFunction,
      maxWaitForActiveJob: props.maxWaitForActiveJob ?? DEFAULTS.maxWaitForActiveJob,
      logRetention,
      removalPolicy,
    });
    this.workflow = workflow.stateMachine;

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.importFunction = bundledFunction(this, 'Import', {
      bundle: 'trigger',
      description: 'Cognito user import: starts one import workflow execution per dropped CSV object version',
      memorySize: 256,
      timeout: Duration.seconds(30),
      logRetention,
      removalPolicy,
      deadLetterQueue: this.deadLetterQueue,
      environment: {
        [TriggerEnv.STATE_MACHINE_ARN]: this.workflow.stateMachineArn,
        [TriggerEnv.INCOMING_PREFIX]: this.incomingPrefix,
        [TriggerEnv.POWERTOOLS_SERVICE_NAME]: 'cognito-user-import',
      },
    });
    this.workflow.grantStartExecution(this.importFunction);

    this.bucket.addEventNotification(
      s3.EventType.OBJECT_CREATED,
      new s3n.LambdaDestination(this.importFunction),
      { prefix: this.incomingPrefix, suffix },
    );
  }

  /**
   * Lets `grantee` drop CSV files under the incoming prefix (s3:PutObject, and the key if the bucket has one).
   */
  public grantDrop(grantee: iam.IGrantable): iam.Grant {
    const grant = iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:PutObject'],
      resourceArns: [this.bucket.arnForObjects(`${this.incomingPrefix}*`)],
    });
    this.bucket.encryptionKey?.grant(grantee, 'kms:GenerateDataKey', 'kms:Decrypt');
    return grant;
  }

  /**
   * Lets `grantee` read the reports (s3:GetObject under the report prefix, and the key if the bucket has one).
   */
  public grantReadReports(grantee: iam.IGrantable): iam.Grant {
    const grant = iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:GetObject'],
      resourceArns: [this.bucket.arnForObjects(`${this.reportPrefix}*`)],
    });
    this.bucket.encryptionKey?.grant(grantee, 'kms:Decrypt');
    return grant;
  }

  /**
   * An EventBridge rule that matches this importer's "Cognito User Import Completed" events
   * (one per dropped file, whatever its outcome). Narrow it with `options.eventPattern`
   * (e.g. `{ detail: { status: ['Failed', 'Rejected'] } }`).
   */
  public onImportCompleted(id: string, options: events.OnEventOptions = {}): events.Rule {
    const rule = new events.Rule(this, id, {
      ruleName: options.ruleName,
      description: options.description ?? 'Cognito user import completed',
      eventBus: this.eventBus,
      eventPattern: {
        source: [EVENT_SOURCE],
        detailType: [EVENT_DETAIL_TYPE],
        detail: { importerId: [this.importerId] },
      },
    });
    if (options.eventPattern) rule.addEventPattern(options.eventPattern);
    if (options.target) rule.addTarget(options.target);
    return rule;
  }

  /**
   * A bucket from another stack is referenced through its ARN here, so that its trigger
   * configuration lives in this stack (the bucket's stack would otherwise depend on this one,
   * a cycle, since the trigger names this stack's function).
   */
  private localReference(bucket: s3.IBucket): s3.IBucket {
    if (Stack.of(bucket) === Stack.of(this)) return bucket;
    return s3.Bucket.fromBucketAttributes(this, 'DropBucket', {
      bucketArn: bucket.bucketArn,
      encryptionKey: bucket.encryptionKey,
    });
  }

  private createBucket(props: CognitoUserImportProps, removalPolicy: RemovalPolicy): s3.Bucket {
    const retention = props.dataRetention ?? DEFAULTS.dataRetention;
    // Dropped files and work files hold personal data: they expire, and so do their old versions.
    const expire = (prefix: string, ruleId: string): s3.LifecycleRule => ({
      id: ruleId,
      prefix,
      expiration: retention,
      noncurrentVersionExpiration: Duration.days(1),
      abortIncompleteMultipartUploadAfter: Duration.days(1),
    });
    return new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: props.encryptionKey ? s3.BucketEncryption.KMS : s3.BucketEncryption.S3_MANAGED,
      encryptionKey: props.encryptionKey,
      bucketKeyEnabled: props.encryptionKey ? true : undefined,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      serverAccessLogsBucket: props.serverAccessLogsBucket,
      serverAccessLogsPrefix: props.serverAccessLogsBucket ? 'cognito-user-import/' : undefined,
      lifecycleRules: [expire(this.incomingPrefix, 'ExpireDroppedFiles'), expire(this.workPrefix, 'ExpireWorkFiles')],
      removalPolicy,
    });
  }

  /** Exactly what the steps need: no wildcard actions, resources scoped to the pool, the role and the prefixes. */
  private grantWorker(fn: lambda.Function): void {
    const stack = Stack.of(this);
    const allow = (sid: string, actions: string[], resources: string[], conditions?: Record<string, unknown>) =>
      fn.addToRolePolicy(new iam.PolicyStatement({ sid, actions, resources, conditions }));

    allow('ReadDroppedFiles', ['s3:GetObject', 's3:GetObjectVersion'], [this.bucket.arnForObjects(`${this.incomingPrefix}*`)]);
    allow('ReadWriteWorkFiles', ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'], [
      this.bucket.arnForObjects(`${this.workPrefix}*`),
    ]);
    allow('WriteReports', ['s3:PutObject'], [this.bucket.arnForObjects(`${this.reportPrefix}*`)]);
    if (this.bucket.encryptionKey) {
      allow('UseBucketKey', ['kms:Decrypt', 'kms:GenerateDataKey'], [this.bucket.encryptionKey.keyArn]);
    }
    allow('RunImportJobs', [
      'cognito-idp:GetCSVHeader',
      'cognito-idp:DescribeUserPool',
      'cognito-idp:CreateUserImportJob',
      'cognito-idp:StartUserImportJob',
      'cognito-idp:DescribeUserImportJob',
      'cognito-idp:ListUserImportJobs',
    ], [this.userPool.userPoolArn]);
    allow('PassLogsRoleToCognito', ['iam:PassRole'], [this.logsRole.roleArn], {
      StringEquals: { 'iam:PassedToService': 'cognito-idp.amazonaws.com' },
    });
    const poolLogs = Arn.format({
      service: 'logs',
      resource: 'log-group',
      resourceName: `/aws/cognito/userpools/${this.userPool.userPoolId}/*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    }, stack);
    allow('ReadImportResults', ['logs:GetLogEvents', 'logs:FilterLogEvents'], [poolLogs]);
    allow('PublishCompletionEvents', ['events:PutEvents'], [this.eventBus.eventBusArn]);
  }
}

function validateProps(props: CognitoUserImportProps): void {
  validateQueueOptions(props);
  const prefixes: Array<[string, string | undefined]> = [
    ['incomingPrefix', props.incomingPrefix],
    ['reportPrefix', props.reportPrefix],
    ['workPrefix', props.workPrefix],
  ];
  for (const [name, value] of prefixes) {
    if (value === undefined || Token.isUnresolved(value)) continue;
    if (!/^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*\/$/.test(value)) {
      throw new Error(`CognitoUserImport: ${name} '${value}' must be a key prefix like 'incoming/': safe characters, no leading '/', ending with '/'.`);
    }
  }
  const incoming = props.incomingPrefix ?? DEFAULTS.incomingPrefix;
  const others = [props.reportPrefix ?? DEFAULTS.reportPrefix, props.workPrefix ?? DEFAULTS.workPrefix];
  for (const other of others) {
    if (other.startsWith(incoming) || incoming.startsWith(other)) {
      throw new Error(`CognitoUserImport: incomingPrefix '${incoming}' and '${other}' overlap; reports and work files written there would trigger imports. Use separate prefixes.`);
    }
  }
  if (props.suffix !== undefined && props.suffix.length === 0) {
    throw new Error("CognitoUserImport: suffix must not be empty; use '.csv' (the default) or another file ending.");
  }
  if (props.maxUsersPerJob !== undefined && (!Number.isInteger(props.maxUsersPerJob) || props.maxUsersPerJob < 1 || props.maxUsersPerJob > DEFAULT_MAX_ROWS_PER_PART)) {
    throw new Error(`CognitoUserImport: maxUsersPerJob must be a whole number from 1 to 500000 (Cognito's limit per job); got ${props.maxUsersPerJob}.`);
  }
  const maxWait = props.maxWaitForActiveJob;
  if (maxWait && (maxWait.toSeconds() < 60 || maxWait.toSeconds() > Duration.hours(23).toSeconds())) {
    throw new Error('CognitoUserImport: maxWaitForActiveJob must be between 1 minute and 23 hours (a created job expires if not started within 24 hours).');
  }
  const poll = props.maxPollInterval;
  if (poll && (poll.toSeconds() < 5 || poll.toSeconds() > 3600)) {
    throw new Error('CognitoUserImport: maxPollInterval must be between 5 seconds and 1 hour.');
  }
  const retention = props.dataRetention;
  if (retention && (retention.toDays({ integral: false }) < 1 || !Number.isInteger(retention.toDays({ integral: false })))) {
    throw new Error('CognitoUserImport: dataRetention must be a whole number of days, at least 1 (S3 lifecycle rules count in days).');
  }
  if (props.memorySize !== undefined && (props.memorySize < 256 || props.memorySize > 10240)) {
    throw new Error(`CognitoUserImport: memorySize must be between 256 and 10240 MB; got ${props.memorySize}.`);
  }
  if (props.bucket) {
    const createdOnly: Array<[string, unknown]> = [
      ['encryptionKey', props.encryptionKey],
      ['serverAccessLogsBucket', props.serverAccessLogsBucket],
      ['dataRetention', props.dataRetention],
    ];
    for (const [name, value] of createdOnly) {
      if (value !== undefined) {
        throw new Error(`CognitoUserImport: ${name} applies to the bucket this construct creates; configure it on the bucket you pass instead, or drop 'bucket'.`);
      }
    }
  }
}
