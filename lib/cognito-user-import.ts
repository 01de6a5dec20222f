import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, IConstruct } from 'constructs';
import { TriggerEnv, WorkerEnv, WORKER_NODE_OPTIONS } from '../lambda/shared/env';
import { FILES_METRIC, ImporterMetrics, MetricDimensions } from '../lambda/shared/metrics';
import { CognitoImportLogsRole } from './cognito-import-logs-role';
import { ImportCompletedEvent } from './events';
import type { FunctionNetworkProps } from './network';
import { ImportWorkflow } from './import-workflow';
import { CognitoUserImportProps } from './cognito-user-import-props';
import { ImportBucket } from './import-bucket';
import { ExistingUsersPolicy } from './options';
import type { ICognitoImportQueue } from './cognito-import-queue';
import { bundledFunction } from './private/bundled-function';
import { wireDropTrigger } from './private/drop-trigger';
import { userSyncEnvironment } from './private/user-sync-props';
import { IMPORTER_DEFAULTS } from './private/defaults';
import { allowLogsToUseKey, grantKeyVia } from './private/encryption';
import { addImporterNagExceptions } from './private/importer-nag';
import { wireQueue } from './private/queue-wiring';
import { workerMetric } from './private/metrics';
import { functionNetwork } from './private/network';
import { validateProps } from './private/validate-props';
import { grantWorker } from './private/worker-grants';

/**
 * An importer, as a `UserImportDeployment` sees it: the workflow it starts, the bucket it copies the
 * CSV into and reads the report from, and the key its own log groups are encrypted with.
 */
export interface ICognitoUserImport extends IConstruct {
  /** The pool users are imported into. */
  readonly userPool: cognito.IUserPool;
  /** The drop bucket: deployments copy their CSV under `workPrefix` and read their report under `reportPrefix`. */
  readonly bucket: s3.IBucket;
  /** The import workflow a deployment starts and follows. */
  readonly workflow: sfn.StateMachine;
  /** The customer-managed key everything this importer stores is encrypted with, when one was given. */
  readonly encryptionKey?: kms.IKey;
  /** Key prefix of the reports. */
  readonly reportPrefix: string;
  /** Key prefix of the workflow's working files (deployments copy their CSV under it). */
  readonly workPrefix: string;
  /** The VPC, subnets and security groups of the importer's functions (empty when not in a VPC); a deployment's default. */
  readonly network?: FunctionNetworkProps;
}

/**
 * Imports users into an Amazon Cognito user pool from CSV files dropped into a bucket.
 *
 * A file dropped under `incomingPrefix` starts one workflow execution (per object version): the
 * file is validated against the live pool, imported through Cognito import jobs, and ends with a
 * report under `reportPrefix` and a "Cognito User Import Completed" event.
 */
export class CognitoUserImport extends Construct implements ICognitoUserImport {
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
  /** The customer-managed key everything this importer stores is encrypted with, when one was given. */
  public readonly encryptionKey?: kms.IKey;
  /** Key prefix of dropped files: an object created under it starts an import. */
  public readonly incomingPrefix: string;
  /** Key prefix of the reports: `<reportPrefix><key>.json` and `<reportPrefix><key>.failed.csv` (bounded keys under `_rejected/` for keys too long). */
  public readonly reportPrefix: string;
  /** Key prefix of the workflow's working files (parts, per-row results); in a created bucket they expire after its `dataRetention`. */
  public readonly workPrefix: string;
  /** The import queue this importer's files wait in (the one passed in, or its own). */
  public readonly queue: ICognitoImportQueue;
  /** The VPC, subnets and security groups of the importer's functions (empty when not in a VPC). */
  public readonly network?: FunctionNetworkProps;

  /**
   * @param scope the parent construct
   * @param id the construct id, unique within `scope`
   * @param props the user pool, and optionally the bucket, prefixes and limits
   */
  constructor(scope: Construct, id: string, props: CognitoUserImportProps) {
    super(scope, id);
    validateProps(this, props);

    this.userPool = props.userPool;
    this.incomingPrefix = props.incomingPrefix ?? IMPORTER_DEFAULTS.incomingPrefix;
    this.reportPrefix = props.reportPrefix ?? IMPORTER_DEFAULTS.reportPrefix;
    this.workPrefix = props.workPrefix ?? IMPORTER_DEFAULTS.workPrefix;
    const suffix = props.suffix ?? IMPORTER_DEFAULTS.suffix;
    const removalPolicy = props.removalPolicy ?? IMPORTER_DEFAULTS.removalPolicy;
    const logRetention = props.logRetention ?? IMPORTER_DEFAULTS.logRetention;
    this.importerId = this.node.addr;
    this.eventBus = props.eventBus ?? events.EventBus.fromEventBusName(this, 'DefaultBus', 'default');
    this.encryptionKey = props.encryptionKey;
    if (this.encryptionKey) allowLogsToUseKey(this.encryptionKey);
    this.network = functionNetwork(props);

    const dropBucket = (props.bucket ?? ImportBucket.create())._bind(this, {
      incomingPrefix: this.incomingPrefix,
      workPrefix: this.workPrefix,
      reportPrefix: this.reportPrefix,
      removalPolicy,
      encryptionKey: props.encryptionKey,
    });
    this.bucket = dropBucket.bucket;
    this.logsRole = props.logsRole ?? new CognitoImportLogsRole(this, 'LogsRole', { userPool: props.userPool }).role;

    const maxPollInterval = props.maxPollInterval ?? IMPORTER_DEFAULTS.maxPollInterval;
    this.workerFunction = bundledFunction(this, 'Worker', {
      bundle: 'worker',
      description: 'Cognito user import: runs the workflow steps (validate, upload, start, watch, harvest, report, notify)',
      memorySize: props.memorySize ?? IMPORTER_DEFAULTS.memorySize,
      // Validation and upload of a 100 MB part stream through this function.
      timeout: Duration.minutes(15),
      logRetention,
      removalPolicy,
      encryptionKey: this.encryptionKey,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      network: this.network,
      environment: {
        [WorkerEnv.USER_POOL_ID]: props.userPool.userPoolId,
        [WorkerEnv.BUCKET_NAME]: this.bucket.bucketName,
        [WorkerEnv.LOGS_ROLE_ARN]: this.logsRole.roleArn,
        [WorkerEnv.INVALID_ROWS]: props.invalidRows ?? IMPORTER_DEFAULTS.invalidRows,
        ...(props.passwordHashingAlgorithm ? { [WorkerEnv.PASSWORD_HASHING_ALGORITHM]: props.passwordHashingAlgorithm } : {}),
        [WorkerEnv.INCOMING_PREFIX]: this.incomingPrefix,
        [WorkerEnv.REPORT_PREFIX]: this.reportPrefix,
        [WorkerEnv.WORK_PREFIX]: this.workPrefix,
        [WorkerEnv.MAX_ROWS_PER_PART]: String(props.maxUsersPerJob ?? IMPORTER_DEFAULTS.maxUsersPerJob),
        [WorkerEnv.MAX_FILE_SIZE_BYTES]: String((props.maxFileSize ?? IMPORTER_DEFAULTS.maxFileSize).toBytes()),
        [WorkerEnv.MAX_POLL_INTERVAL_SECONDS]: String(maxPollInterval.toSeconds()),
        [WorkerEnv.NODE_OPTIONS]: WORKER_NODE_OPTIONS,
        [WorkerEnv.EVENT_BUS_NAME]: this.eventBus.eventBusName,
        [WorkerEnv.IMPORTER_ID]: this.importerId,
        [WorkerEnv.POWERTOOLS_SERVICE_NAME]: 'cognito-user-import',
        ...userSyncEnvironment(props.existingUsers, props.groupsColumn),
      },
    });
    grantWorker(this.workerFunction, {
      bucket: this.bucket,
      incomingPrefix: this.incomingPrefix,
      reportPrefix: this.reportPrefix,
      workPrefix: this.workPrefix,
      userPool: this.userPool,
      logsRole: this.logsRole,
      eventBus: this.eventBus,
      existingUsers: props.existingUsers,
      groupsColumn: props.groupsColumn,
    });
    this.queue = wireQueue(this, this.workerFunction, {
      queue: props.queue,
      coalesceFiles: props.coalesceFiles,
      maxPollInterval,
      removalPolicy,
      encryptionKey: this.encryptionKey,
    });

    const workflow = new ImportWorkflow(this, 'Workflow', {
      worker: this.workerFunction,
      maxWaitForActiveJob: props.maxWaitForActiveJob ?? IMPORTER_DEFAULTS.maxWaitForActiveJob,
      logRetention,
      removalPolicy,
      encryptionKey: this.encryptionKey,
      userSync: { update: props.existingUsers === ExistingUsersPolicy.UPDATE, groups: props.groupsColumn !== undefined },
    });
    this.workflow = workflow.stateMachine;

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      ...(this.encryptionKey
        ? { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: this.encryptionKey }
        : { encryption: sqs.QueueEncryption.SQS_MANAGED }),
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
      encryptionKey: this.encryptionKey,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      deadLetterQueue: this.deadLetterQueue,
      network: this.network,
      environment: {
        [TriggerEnv.STATE_MACHINE_ARN]: this.workflow.stateMachineArn,
        [TriggerEnv.INCOMING_PREFIX]: this.incomingPrefix,
        [TriggerEnv.POWERTOOLS_SERVICE_NAME]: 'cognito-user-import',
      },
    });
    this.workflow.grantStartExecution(this.importFunction);
    // Lambda sends undeliverable events to the dead-letter queue with the function's role.
    if (this.encryptionKey) grantKeyVia(this.encryptionKey, this.importFunction, 'sqs', ['kms:GenerateDataKey', 'kms:Decrypt']);

    wireDropTrigger(this, {
      bucket: this.bucket,
      importFunction: this.importFunction,
      incomingPrefix: this.incomingPrefix,
      suffix,
      deadLetterQueue: this.deadLetterQueue,
      encryptionKey: this.encryptionKey,
    });

    // Justified cdk-nag exceptions travel with the resources, reasons included.
    addImporterNagExceptions({
      importer: this,
      incomingPrefix: this.incomingPrefix,
      reportPrefix: this.reportPrefix,
      workPrefix: this.workPrefix,
      ownBucket: dropBucket.created,
      encrypted: !!this.encryptionKey,
      accessLogged: dropBucket.accessLogged,
      concurrencyReserved: props.reservedConcurrentExecutions !== undefined,
      inVpc: this.network?.vpc !== undefined,
    });
  }

  /**
   * Lets `grantee` drop CSV files under the incoming prefix (s3:PutObject, and the bucket's key
   * through S3 only, if it has one).
   *
   * @param grantee the principal that drops files (a role, user or function)
   * @returns the grant on the principal's policy
   */
  public grantDrop(grantee: iam.IGrantable): iam.Grant {
    const grant = iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:PutObject'],
      resourceArns: [this.bucket.arnForObjects(`${this.incomingPrefix}*`)],
    });
    if (this.bucket.encryptionKey) grantKeyVia(this.bucket.encryptionKey, grantee, 's3', ['kms:GenerateDataKey', 'kms:Decrypt']);
    return grant;
  }

  /**
   * Lets `grantee` read the reports (`<reportPrefix>*.json`: usernames, line numbers, messages, counts)
   * and the progress objects next to them (`.progress.json`, which `cognito-user-import drop --wait`
   * follows), not the failed rows (see `grantReadFailedRows`).
   *
   * @param grantee the principal that reads reports (a role, user or function)
   * @returns the grant on the principal's policy
   */
  public grantReadReports(grantee: iam.IGrantable): iam.Grant {
    return this.grantReadUnderReports(grantee, '*.json');
  }

  /**
   * Lets `grantee` read the failed rows (`<reportPrefix>*.failed.csv`: copies of users' own rows,
   * with every attribute value; a created bucket keeps them for its `dataRetention`). A separate grant from `grantReadReports`
   * because these hold personal data.
   *
   * @param grantee the principal that fixes and re-drops rows (a role, user or function)
   * @returns the grant on the principal's policy
   */
  public grantReadFailedRows(grantee: iam.IGrantable): iam.Grant {
    return this.grantReadUnderReports(grantee, '*.failed.csv');
  }

  private grantReadUnderReports(grantee: iam.IGrantable, pattern: string): iam.Grant {
    const grant = iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:GetObject'],
      resourceArns: [this.bucket.arnForObjects(`${this.reportPrefix}${pattern}`)],
    });
    if (this.bucket.encryptionKey) grantKeyVia(this.bucket.encryptionKey, grantee, 's3', ['kms:Decrypt']);
    return grant;
  }

  /**
   * An EventBridge rule that matches this importer's "Cognito User Import Completed" events
   * (one per dropped file, whatever its outcome). Narrow it with `options.eventPattern`
   * (e.g. `{ detail: { status: ['Failed', 'Rejected'] } }`).
   *
   * @param id the rule's construct id, unique within this importer
   * @param options extra event pattern, target, rule name and description
   * @returns the rule (add more targets with `addTarget`)
   */
  public onImportCompleted(id: string, options: events.OnEventOptions = {}): events.Rule {
    const rule = new events.Rule(this, id, {
      ruleName: options.ruleName,
      description: options.description ?? 'Cognito user import completed',
      eventBus: this.eventBus,
      eventPattern: {
        source: [ImportCompletedEvent.SOURCE],
        detailType: [ImportCompletedEvent.DETAIL_TYPE],
        detail: { importerId: [this.importerId] },
      },
    });
    if (options.eventPattern) rule.addEventPattern(options.eventPattern);
    if (options.target) rule.addTarget(options.target);
    return rule;
  }

  /**
   * Users Cognito created, per file (the sum over the period, by default). Emitted by this importer
   * when a file ends (namespace `CognitoUserImport`, dimensions `importerId` and `userPoolId`).
   *
   * @param props period, statistic, label... (the dimensions stay this importer's)
   * @returns the metric
   */
  public metricImportedUsers(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.importerMetric(ImporterMetrics.IMPORTED_USERS, props);
  }

  /**
   * Rows skipped because their user already existed (the sum over the period, by default).
   *
   * @param props period, statistic, label... (the dimensions stay this importer's)
   * @returns the metric
   */
  public metricSkippedUsers(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.importerMetric(ImporterMetrics.SKIPPED_USERS, props);
  }

  /**
   * Rows Cognito failed, or whose fate is unknown (the sum over the period, by default).
   *
   * @param props period, statistic, label... (the dimensions stay this importer's)
   * @returns the metric
   */
  public metricFailedUsers(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.importerMetric(ImporterMetrics.FAILED_USERS, props);
  }

  /**
   * Rows the validation refused before any job (the sum over the period, by default).
   *
   * @param props period, statistic, label... (the dimensions stay this importer's)
   * @returns the metric
   */
  public metricRejectedRows(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.importerMetric(ImporterMetrics.REJECTED_ROWS, props);
  }

  /**
   * Files that ended `Failed` or `Rejected` (the sum over the period, by default; each finished file
   * emits 1 or 0, so `SampleCount` counts every finished file).
   *
   * @param props period, statistic, label... (the dimensions stay this importer's)
   * @returns the metric
   */
  public metricFailedFiles(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.importerMetric(ImporterMetrics.FAILED_FILES, props);
  }

  /**
   * Files that ended with `status` (`Succeeded`, `PartiallySucceeded`, `Failed` or `Rejected`): the
   * sum over the period, by default.
   *
   * @param status the report status to count
   * @param props period, statistic, label... (the dimensions stay this importer's)
   * @returns the metric
   */
  public metricFiles(status: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return workerMetric(FILES_METRIC, { ...this.metricDimensions(), [MetricDimensions.STATUS]: status }, { statistic: cloudwatch.Stats.SUM }, props);
  }

  private importerMetric(name: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return workerMetric(name, this.metricDimensions(), { statistic: cloudwatch.Stats.SUM }, props);
  }

  private metricDimensions(): Record<string, string> {
    return { [MetricDimensions.IMPORTER_ID]: this.importerId, [MetricDimensions.USER_POOL_ID]: this.userPool.userPoolId };
  }
}
