import * as fs from 'fs';
import { Arn, CfnElement, CustomResource, Duration, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { DeploymentProps } from '../lambda/deployment/properties';
import { DEPLOYMENT_DEFAULTS } from '../lambda/shared/defaults';
import { CognitoUserImport } from './cognito-user-import';
import { DEPLOYMENT_COPY_FOLDER } from '../lambda/shared/bucket-layout';
import { executionNamePrefixFor } from '../lambda/deployment/names';
import { bundledFunction, logWritingRole } from './private/bundled-function';
import { addDeploymentNagExceptions } from './private/deployment-nag';
import { grantKeyVia } from './private/encryption';
import { ValidationError } from './private/errors';

/** Props of {@link UserImportDeployment}. */
export interface UserImportDeploymentProps {
  /** The importer whose workflow runs the import (and whose bucket receives the report). */
  readonly importer: CognitoUserImport;

  /**
   * A local CSV file, uploaded as an asset. Its content hash decides whether an update imports
   * again. Give either this or `sourceBucket` + `sourceKey`.
   *
   * @default - no local file: `sourceBucket` and `sourceKey` name the CSV
   */
  readonly csvFile?: string;

  /**
   * The bucket of an existing CSV object. With `sourceKey`; instead of `csvFile`.
   * The object is read when the resource is created or updated: to import a changed object, change
   * `sourceKey` (e.g. a dated key) so CloudFormation sees an update.
   *
   * @default - no bucket: `csvFile` names the CSV
   */
  readonly sourceBucket?: s3.IBucket;

  /**
   * The key of an existing CSV object in `sourceBucket`.
   *
   * @default - no key: `csvFile` names the CSV
   */
  readonly sourceKey?: string;

  /**
   * The most rows that may fail (Cognito FAILED) or be rejected (validation) before the deployment fails.
   *
   * @default 0 - any failed or rejected row fails the deployment
   */
  readonly maxFailedUsers?: number;

  /**
   * Fail the deployment when any user is SKIPPED (the username already exists in the pool).
   *
   * @default false
   */
  readonly failOnSkipped?: boolean;

  /**
   * How long the deployment waits for the import. CloudFormation waits at most 1 hour for a custom
   * resource; a whole multiple of `queryInterval`. When it runs out, the import is stopped and the
   * deployment fails (use `waitForCompletion: false` for longer imports).
   *
   * @default Duration.minutes(50)
   */
  readonly timeout?: Duration;

  /**
   * How often the deployment checks on the import.
   *
   * @default Duration.seconds(30)
   */
  readonly queryInterval?: Duration;

  /**
   * Wait for the import to finish (and fail the deployment on a bad import). With `false` the
   * resource completes once the import has started; the importer's report and completion event
   * still come, and the count attributes read 0 with status `Running`.
   *
   * @default true
   */
  readonly waitForCompletion?: boolean;

  /**
   * Retention of the log groups of the deployment's functions and of its waiter state machine.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
}

const DEFAULTS = {
  maxFailedUsers: DEPLOYMENT_DEFAULTS.maxFailedUsers,
  failOnSkipped: DEPLOYMENT_DEFAULTS.failOnSkipped,
  timeout: Duration.seconds(DEPLOYMENT_DEFAULTS.timeoutSeconds),
  queryInterval: Duration.seconds(DEPLOYMENT_DEFAULTS.queryIntervalSeconds),
  waitForCompletion: DEPLOYMENT_DEFAULTS.waitForCompletion,
  logRetention: logs.RetentionDays.ONE_YEAR,
};
/** CloudFormation's hard limit for a custom resource. */
const MAX_TIMEOUT = Duration.hours(1);

/**
 * Imports a CSV of users into the importer's pool during `cdk deploy`, through the importer's own
 * workflow, and reports the result to CloudFormation: the deployment fails when the import fails
 * or more rows fail than `maxFailedUsers`.
 *
 * - Create imports; an update imports again when the CSV (content hash) or an import option changed,
 *   and is a no-op otherwise.
 * - Delete leaves the imported users in the pool. If this resource's import is still running, it is
 *   stopped (workflow execution and its Cognito import job); users imported so far stay.
 * - The CSV is copied into the importer's bucket under `<workPrefix>deployments/` (which does not
 *   trigger the drop-bucket import) and its report is `<reportPrefix><workPrefix>deployments/<execution>.csv.json`.
 */
export class UserImportDeployment extends Construct {
  /** Id(s) of the Cognito import job(s), comma-separated when the file was split. */
  public readonly jobId: string;
  /**
   * The import's report status, one of:
   * - `Succeeded`: every row was imported;
   * - `PartiallySucceeded`: some rows were skipped, failed or rejected, within `maxFailedUsers`
   *   (and skipped users allowed unless `failOnSkipped`);
   * - `Running`: `waitForCompletion` is false and the import was still running when the deployment went on.
   *
   * `Rejected` and `Failed` imports (and `PartiallySucceeded` past the thresholds) fail the deployment,
   * so the attribute never holds them.
   */
  public readonly status: string;
  /** Number of users Cognito imported (a token resolved at deploy time). */
  public readonly importedUsers: string;
  /** Number of users Cognito skipped, such as existing usernames (a token resolved at deploy time). */
  public readonly skippedUsers: string;
  /** Number of users Cognito failed to import (a token resolved at deploy time). */
  public readonly failedUsers: string;
  /** Number of rows validation left out or rejected (a token resolved at deploy time). */
  public readonly rejectedRows: string;
  /** s3:// URI of the JSON report. */
  public readonly reportUri: string;
  /** The custom resource. */
  public readonly resource: CustomResource;
  /** The Provider framework behind the custom resource. */
  public readonly provider: cr.Provider;
  /** The Provider framework's onEvent handler: starts, updates or stops the import. */
  public readonly onEventFunction: lambda.Function;
  /** The Provider framework's isComplete handler: polls the import until its report is written. */
  public readonly isCompleteFunction: lambda.Function;

  /**
   * @param scope the parent construct
   * @param id the construct id, unique within `scope`
   * @param props the importer, the CSV (a local file or an S3 object) and the failure thresholds
   */
  constructor(scope: Construct, id: string, props: UserImportDeploymentProps) {
    super(scope, id);
    validateProps(this, props);
    const importer = props.importer;
    const timeout = props.timeout ?? DEFAULTS.timeout;
    const queryInterval = props.queryInterval ?? DEFAULTS.queryInterval;
    const logRetention = props.logRetention ?? DEFAULTS.logRetention;

    let sourceBucketName: string;
    let sourceKey: string;
    let sourceHash = '';
    let grantSourceRead: (grantee: iam.IGrantable) => void;
    if (props.csvFile !== undefined) {
      const asset = new s3assets.Asset(this, 'Csv', { path: props.csvFile });
      sourceBucketName = asset.s3BucketName;
      sourceKey = asset.s3ObjectKey;
      sourceHash = asset.assetHash;
      // Exactly the one object (asset.grantRead would add s3:GetObject*, s3:List* and s3:GetBucket* on the bucket).
      const objectArn = Arn.format({ service: 's3', region: '', account: '', resource: asset.s3BucketName, resourceName: asset.s3ObjectKey }, Stack.of(this));
      grantSourceRead = (g) => readObject(g, objectArn);
    } else {
      const bucket = props.sourceBucket!;
      sourceBucketName = bucket.bucketName;
      sourceKey = props.sourceKey!;
      grantSourceRead = (g) => {
        readObject(g, bucket.arnForObjects(sourceKey));
        if (bucket.encryptionKey) grantKeyVia(bucket.encryptionKey, g, 's3', ['kms:Decrypt']);
      };
    }

    // The functions' roles are ours: each writes only to its own log group; no AWS managed policy.
    this.onEventFunction = this.handlerFunction('OnEvent', 'deployment-on-event', logRetention, Duration.minutes(10),
      'Cognito user import at deploy time: starts the import workflow (Create/Update), stops it (Delete)', importer.encryptionKey);
    this.isCompleteFunction = this.handlerFunction('IsComplete', 'deployment-is-complete', logRetention, Duration.minutes(2),
      'Cognito user import at deploy time: follows the import workflow and reports its result to CloudFormation', importer.encryptionKey);

    const executions = (fn: lambda.Function, ...actions: string[]) => importer.workflow.grantExecution(fn, ...actions);
    // This resource's executions (and so its CSV copy and its report) are named after its logical id:
    // its functions may touch only keys with that name, not other deployments' copies or reports.
    const ownName = Lazy.string({
      produce: () => executionNamePrefixFor(Stack.of(this).resolve(Stack.of(this).getLogicalId(this.resource.node.defaultChild as CfnElement))),
    });
    const copies = `${importer.workPrefix}${DEPLOYMENT_COPY_FOLDER}${ownName}*`;
    const bucketKey = importer.bucket.encryptionKey;
    // onEvent: read the source, copy it under the (non-triggering) work prefix, start the workflow.
    grantSourceRead(this.onEventFunction);
    this.onEventFunction.addToRolePolicy(new iam.PolicyStatement({
      sid: 'CopySourceIntoImporterBucket',
      actions: ['s3:PutObject'],
      resources: [importer.bucket.arnForObjects(copies)],
    }));
    if (bucketKey) grantKeyVia(bucketKey, this.onEventFunction, 's3', ['kms:GenerateDataKey', 'kms:Decrypt']);
    importer.workflow.grantStartExecution(this.onEventFunction);
    executions(this.onEventFunction, 'states:DescribeExecution', 'states:StopExecution');
    // isComplete: follow the execution, read its own report; stop a job that outlives the timeout.
    executions(this.isCompleteFunction, 'states:DescribeExecution', 'states:StopExecution');
    this.isCompleteFunction.addToRolePolicy(new iam.PolicyStatement({
      sid: 'ReadOwnReport',
      actions: ['s3:GetObject'],
      resources: [importer.bucket.arnForObjects(`${importer.reportPrefix}${copies}`)],
    }));
    if (bucketKey) grantKeyVia(bucketKey, this.isCompleteFunction, 's3', ['kms:Decrypt']);
    for (const fn of [this.onEventFunction, this.isCompleteFunction]) {
      fn.addToRolePolicy(new iam.PolicyStatement({
        sid: 'StopImportJobsOfThisDeployment',
        actions: ['cognito-idp:ListUserImportJobs', 'cognito-idp:StopUserImportJob'],
        resources: [importer.userPool.userPoolArn],
      }));
    }

    // The importer's key (if any) encrypts these log groups too.
    const encryptionKey = importer.encryptionKey;
    const frameworkLogs = new logs.LogGroup(this, 'ProviderLogs', { retention: logRetention, encryptionKey });
    const waiterLogs = new logs.LogGroup(this, 'WaiterLogs', { retention: logRetention, encryptionKey });
    const frameworkRole = (roleId: string) => logWritingRole(this, roleId, frameworkLogs);
    this.provider = new cr.Provider(this, 'Provider', {
      onEventHandler: this.onEventFunction,
      isCompleteHandler: this.isCompleteFunction,
      queryInterval,
      totalTimeout: timeout,
      logGroup: frameworkLogs,
      frameworkOnEventRole: frameworkRole('FrameworkOnEventRole'),
      frameworkCompleteAndTimeoutRole: frameworkRole('FrameworkCompleteRole'),
      disableWaiterStateMachineLogging: false,
      // No execution data: the waiter's input is the CloudFormation event, whose ResponseURL is a pre-signed URL.
      waiterStateMachineLogOptions: { destination: waiterLogs, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    this.traceFramework();
    addDeploymentNagExceptions(this, !!importer.encryptionKey);

    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: this.provider.serviceToken,
      resourceType: 'Custom::CognitoUserImport',
      properties: {
        [DeploymentProps.STATE_MACHINE_ARN]: importer.workflow.stateMachineArn,
        [DeploymentProps.USER_POOL_ID]: importer.userPool.userPoolId,
        [DeploymentProps.IMPORTER_BUCKET]: importer.bucket.bucketName,
        [DeploymentProps.WORK_PREFIX]: importer.workPrefix,
        [DeploymentProps.REPORT_PREFIX]: importer.reportPrefix,
        [DeploymentProps.SOURCE_BUCKET]: sourceBucketName,
        [DeploymentProps.SOURCE_KEY]: sourceKey,
        [DeploymentProps.SOURCE_HASH]: sourceHash,
        [DeploymentProps.MAX_FAILED_USERS]: String(props.maxFailedUsers ?? DEFAULTS.maxFailedUsers),
        [DeploymentProps.FAIL_ON_SKIPPED]: String(props.failOnSkipped ?? DEFAULTS.failOnSkipped),
        [DeploymentProps.WAIT_FOR_COMPLETION]: String(props.waitForCompletion ?? DEFAULTS.waitForCompletion),
        [DeploymentProps.TIMEOUT_SECONDS]: String(timeout.toSeconds()),
        [DeploymentProps.QUERY_INTERVAL_SECONDS]: String(queryInterval.toSeconds()),
      },
    });
    // The importer (its worker's permissions, its workflow, its bucket) must be complete before the import starts.
    this.resource.node.addDependency(importer);

    this.jobId = this.resource.getAttString('JobId');
    this.status = this.resource.getAttString('Status');
    this.importedUsers = this.resource.getAttString('ImportedUsers');
    this.skippedUsers = this.resource.getAttString('SkippedUsers');
    this.failedUsers = this.resource.getAttString('FailedUsers');
    this.rejectedRows = this.resource.getAttString('RejectedRows');
    this.reportUri = this.resource.getAttString('ReportUri');
  }

  private handlerFunction(id: string, bundle: string, logRetention: logs.RetentionDays, timeout: Duration, description: string, encryptionKey?: kms.IKey): lambda.Function {
    return bundledFunction(this, id, {
      bundle, description, memorySize: 256, timeout, logRetention, encryptionKey,
      environment: { POWERTOOLS_SERVICE_NAME: 'cognito-user-import-deployment' },
    });
  }

  /** X-Ray, a current runtime and explicit memory on the Provider framework's functions and waiter state machine (aws-cdk-lib leaves it off). */
  private traceFramework(): void {
    const xray = new iam.PolicyStatement({
      sid: 'XRayTracing',
      actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
      resources: ['*'],
    });
    for (const child of this.provider.node.children) {
      if (child instanceof lambda.Function) {
        const cfn = child.node.defaultChild as lambda.CfnFunction;
        cfn.tracingConfig = { mode: 'Active' };
        // aws-cdk-lib picks the newest Node.js runtime it knows for its region facts; the framework code runs on 24.
        cfn.runtime = lambda.Runtime.NODEJS_24_X.name;
        cfn.memorySize = 256;
        child.addToRolePolicy(xray);
      }
    }
    const waiter = this.provider.node.tryFindChild('waiter-state-machine');
    const machine = waiter?.node.tryFindChild('Resource') as sfn.CfnStateMachine | undefined;
    const role = waiter?.node.tryFindChild('Role') as iam.Role | undefined;
    if (machine && role) {
      machine.tracingConfiguration = { enabled: true };
      role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'],
        resources: ['*'],
      }));
    }
  }
}

/** s3:GetObject on one object: enough for HeadObject and to be a CopyObject source (tags are not copied). */
function readObject(grantee: iam.IGrantable, objectArn: string): void {
  iam.Grant.addToPrincipal({ grantee, actions: ['s3:GetObject'], resourceArns: [objectArn] });
}

function validateProps(scope: Construct, props: UserImportDeploymentProps): void {
  const fromFile = props.csvFile !== undefined;
  const fromBucket = props.sourceBucket !== undefined || props.sourceKey !== undefined;
  if (fromFile && fromBucket) {
    throw new ValidationError('UserImportDeployment: give either csvFile (a local CSV) or sourceBucket + sourceKey (an existing S3 object), not both.', scope);
  }
  if (!fromFile && !fromBucket) {
    throw new ValidationError('UserImportDeployment: no CSV to import; set csvFile to a local CSV file, or sourceBucket and sourceKey to an existing S3 object.', scope);
  }
  if (fromBucket && (props.sourceBucket === undefined || props.sourceKey === undefined || props.sourceKey === '')) {
    throw new ValidationError('UserImportDeployment: sourceBucket and sourceKey go together; set both to name an existing S3 object (or use csvFile).', scope);
  }
  if (fromFile) {
    let stat: fs.Stats | undefined;
    try { stat = fs.statSync(props.csvFile!); } catch { stat = undefined; }
    if (!stat || !stat.isFile()) {
      throw new ValidationError(`UserImportDeployment: csvFile '${props.csvFile}' is not a file; give the path of a CSV file (relative paths are resolved from the current directory).`, scope);
    }
  }
  const max = props.maxFailedUsers;
  if (max !== undefined && !Token.isUnresolved(max) && (!Number.isInteger(max) || max < 0)) {
    throw new ValidationError(`UserImportDeployment: maxFailedUsers must be a whole number, 0 or more; got ${max}.`, scope);
  }
  const timeout = props.timeout ?? DEFAULTS.timeout;
  const interval = props.queryInterval ?? DEFAULTS.queryInterval;
  if (interval.toMilliseconds() < 1000 || interval.toMilliseconds() % 1000 !== 0) {
    throw new ValidationError(`UserImportDeployment: queryInterval must be a whole number of seconds, at least 1; got ${interval.toHumanString()}.`, scope);
  }
  if (timeout.toMilliseconds() % 1000 !== 0) {
    throw new ValidationError(`UserImportDeployment: timeout must be a whole number of seconds; got ${timeout.toHumanString()}.`, scope);
  }
  if (timeout.toSeconds() > MAX_TIMEOUT.toSeconds()) {
    throw new ValidationError(`UserImportDeployment: timeout must be at most 1 hour (CloudFormation's limit for a custom resource); got ${timeout.toHumanString()}. For longer imports set waitForCompletion: false.`, scope);
  }
  if (timeout.toSeconds() < interval.toSeconds() || timeout.toSeconds() % interval.toSeconds() !== 0) {
    throw new ValidationError(`UserImportDeployment: timeout (${timeout.toSeconds()} s) must be a whole multiple of queryInterval (${interval.toSeconds()} s).`, scope);
  }
  if (props.sourceKey !== undefined && !Token.isUnresolved(props.sourceKey) && props.sourceKey.startsWith('/')) {
    throw new ValidationError(`UserImportDeployment: sourceKey '${props.sourceKey}' must not start with '/'; give the object key as S3 shows it.`, scope);
  }
}
