import { CfnElement, CustomResource, Duration, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { DeploymentProps } from '../lambda/deployment/properties';
import type { ICognitoUserImport } from './cognito-user-import';
import type { ImportSource } from './import-source';
import type { FunctionNetworkProps } from './network';
import { DEPLOYMENT_COPY_FOLDER } from '../lambda/shared/bucket-layout';
import { executionNamePrefixFor } from '../lambda/deployment/names';
import { bundledFunction, logWritingRole } from './private/bundled-function';
import { DEPLOYMENT_PROP_DEFAULTS } from './private/defaults';
import { addDeploymentNagExceptions } from './private/deployment-nag';
import { grantKeyVia } from './private/encryption';
import { ValidationError } from './private/errors';
import { allowVpcAccess, functionNetwork, validateNetwork } from './private/network';

/**
 * Props of {@link UserImportDeployment}. `vpc`, `vpcSubnets` and `securityGroups` apply to its two
 * handlers and to the Provider framework's functions; unset (all three), the importer's are used.
 */
export interface UserImportDeploymentProps extends FunctionNetworkProps {
  /** The importer whose workflow runs the import (and whose bucket receives the report). */
  readonly importer: ICognitoUserImport;

  /** The CSV to import: `ImportSource.fromAsset('users.csv')` or `ImportSource.fromBucket(bucket, key)`. */
  readonly source: ImportSource;

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
   * @param props the importer, the CSV source (a local file or an S3 object) and the failure thresholds
   */
  constructor(scope: Construct, id: string, props: UserImportDeploymentProps) {
    super(scope, id);
    validateProps(this, props);
    const importer = props.importer;
    const timeout = props.timeout ?? DEPLOYMENT_PROP_DEFAULTS.timeout;
    const queryInterval = props.queryInterval ?? DEPLOYMENT_PROP_DEFAULTS.queryInterval;
    const logRetention = props.logRetention ?? DEPLOYMENT_PROP_DEFAULTS.logRetention;

    const source = props.source._bind(this);
    // The importer's network unless this deployment names its own.
    const network = functionNetwork(props.vpc ? props : importer.network);

    // The functions' roles are ours: each writes only to its own log group; no AWS managed policy.
    this.onEventFunction = this.handlerFunction('OnEvent', 'deployment-on-event', logRetention, Duration.minutes(10),
      'Cognito user import at deploy time: starts the import workflow (Create/Update), stops it (Delete)', network, importer.encryptionKey);
    this.isCompleteFunction = this.handlerFunction('IsComplete', 'deployment-is-complete', logRetention, Duration.minutes(2),
      'Cognito user import at deploy time: follows the import workflow and reports its result to CloudFormation', network, importer.encryptionKey);

    const executions = (fn: lambda.Function, ...actions: string[]) => importer.workflow.grantExecution(fn, ...actions);
    // This resource's executions (and so its CSV copy and its report) are named after its logical id:
    // its functions may touch only keys with that name, not other deployments' copies or reports.
    const ownName = Lazy.string({
      produce: () => executionNamePrefixFor(Stack.of(this).resolve(Stack.of(this).getLogicalId(this.resource.node.defaultChild as CfnElement))),
    });
    const copies = `${importer.workPrefix}${DEPLOYMENT_COPY_FOLDER}${ownName}*`;
    const bucketKey = importer.bucket.encryptionKey;
    // onEvent: read the source, copy it under the (non-triggering) work prefix, start the workflow.
    source.grantRead(this.onEventFunction);
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
    const frameworkRole = (roleId: string) => {
      const role = logWritingRole(this, roleId, frameworkLogs);
      if (network.vpc) allowVpcAccess(role);
      return role;
    };
    this.provider = new cr.Provider(this, 'Provider', {
      ...network,
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
    addDeploymentNagExceptions(this, !!importer.encryptionKey, network.vpc !== undefined);

    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: this.provider.serviceToken,
      resourceType: 'Custom::CognitoUserImport',
      properties: {
        [DeploymentProps.STATE_MACHINE_ARN]: importer.workflow.stateMachineArn,
        [DeploymentProps.USER_POOL_ID]: importer.userPool.userPoolId,
        [DeploymentProps.IMPORTER_BUCKET]: importer.bucket.bucketName,
        [DeploymentProps.WORK_PREFIX]: importer.workPrefix,
        [DeploymentProps.REPORT_PREFIX]: importer.reportPrefix,
        [DeploymentProps.SOURCE_BUCKET]: source.bucketName,
        [DeploymentProps.SOURCE_KEY]: source.objectKey,
        [DeploymentProps.SOURCE_HASH]: source.hash,
        [DeploymentProps.MAX_FAILED_USERS]: String(props.maxFailedUsers ?? DEPLOYMENT_PROP_DEFAULTS.maxFailedUsers),
        [DeploymentProps.FAIL_ON_SKIPPED]: String(props.failOnSkipped ?? DEPLOYMENT_PROP_DEFAULTS.failOnSkipped),
        [DeploymentProps.WAIT_FOR_COMPLETION]: String(props.waitForCompletion ?? DEPLOYMENT_PROP_DEFAULTS.waitForCompletion),
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

  private handlerFunction(id: string, bundle: string, logRetention: logs.RetentionDays, timeout: Duration, description: string,
    network: FunctionNetworkProps, encryptionKey?: kms.IKey): lambda.Function {
    return bundledFunction(this, id, {
      bundle, description, memorySize: 256, timeout, logRetention, encryptionKey, network,
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

function validateProps(scope: Construct, props: UserImportDeploymentProps): void {
  validateNetwork(scope, 'UserImportDeployment', props);
  const max = props.maxFailedUsers;
  if (max !== undefined && !Token.isUnresolved(max) && (!Number.isInteger(max) || max < 0)) {
    throw new ValidationError(`UserImportDeployment: maxFailedUsers must be a whole number, 0 or more; got ${max}.`, scope);
  }
  const timeout = props.timeout ?? DEPLOYMENT_PROP_DEFAULTS.timeout;
  const interval = props.queryInterval ?? DEPLOYMENT_PROP_DEFAULTS.queryInterval;
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
}
