/**
 * The custom resource's properties, as `UserImportDeployment` writes them and the handlers read
 * them. CloudFormation hands every scalar to the handler as a string, so numbers and booleans are
 * parsed here, once.
 *
 * Nothing in this file may import from `aws-cdk-lib`: it is bundled into the handlers.
 */
import { DEPLOYMENT_DEFAULTS } from '../shared/defaults';

export const DeploymentProps = {
  STATE_MACHINE_ARN: 'StateMachineArn',
  USER_POOL_ID: 'UserPoolId',
  IMPORTER_BUCKET: 'ImporterBucket',
  WORK_PREFIX: 'WorkPrefix',
  REPORT_PREFIX: 'ReportPrefix',
  SOURCE_BUCKET: 'SourceBucket',
  SOURCE_KEY: 'SourceKey',
  /** Asset hash of a local CSV; empty for an existing S3 object (its ETag is read at deploy time). */
  SOURCE_HASH: 'SourceHash',
  MAX_FAILED_USERS: 'MaxFailedUsers',
  FAIL_ON_SKIPPED: 'FailOnSkipped',
  WAIT_FOR_COMPLETION: 'WaitForCompletion',
  TIMEOUT_SECONDS: 'TimeoutSeconds',
  QUERY_INTERVAL_SECONDS: 'QueryIntervalSeconds',
} as const;

/**
 * The properties whose change means "import again". The waiting options (timeout, query
 * interval, waitForCompletion) change how the deployment waits, not what is imported.
 */
export const IMPORT_PROPS: ReadonlyArray<string> = [
  DeploymentProps.STATE_MACHINE_ARN,
  DeploymentProps.USER_POOL_ID,
  DeploymentProps.IMPORTER_BUCKET,
  DeploymentProps.WORK_PREFIX,
  DeploymentProps.REPORT_PREFIX,
  DeploymentProps.SOURCE_BUCKET,
  DeploymentProps.SOURCE_KEY,
  DeploymentProps.SOURCE_HASH,
  DeploymentProps.MAX_FAILED_USERS,
  DeploymentProps.FAIL_ON_SKIPPED,
];

export interface DeploymentSettings {
  readonly stateMachineArn: string;
  readonly userPoolId: string;
  readonly importerBucket: string;
  readonly workPrefix: string;
  readonly reportPrefix: string;
  readonly sourceBucket: string;
  readonly sourceKey: string;
  readonly sourceHash: string;
  readonly maxFailedUsers: number;
  readonly failOnSkipped: boolean;
  readonly waitForCompletion: boolean;
  readonly timeoutSeconds: number;
  readonly queryIntervalSeconds: number;
}

/** The attributes (`Data`) the resource returns; every value a string (CloudFormation's Fn::GetAtt). */
export interface DeploymentData {
  readonly JobId: string;
  readonly Status: string;
  readonly ImportedUsers: string;
  readonly SkippedUsers: string;
  readonly FailedUsers: string;
  readonly RejectedRows: string;
  readonly ReportUri: string;
}

type Props = Record<string, unknown> | undefined;

function str(props: Props, name: string, required = true): string {
  const v = props?.[name];
  if (v === undefined || v === null || v === '') {
    if (required) throw new Error(`UserImportDeployment: resource property ${name} is missing.`);
    return '';
  }
  return String(v);
}

function num(props: Props, name: string, fallback: number): number {
  const v = props?.[name];
  if (v === undefined || v === null || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`UserImportDeployment: resource property ${name} must be a non-negative number; got '${String(v)}'.`);
  return n;
}

function bool(props: Props, name: string, fallback: boolean): boolean {
  const v = props?.[name];
  if (v === undefined || v === null || v === '') return fallback;
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  throw new Error(`UserImportDeployment: resource property ${name} must be true or false; got '${String(v)}'.`);
}

export function parseSettings(props: Props): DeploymentSettings {
  return {
    stateMachineArn: str(props, DeploymentProps.STATE_MACHINE_ARN),
    userPoolId: str(props, DeploymentProps.USER_POOL_ID),
    importerBucket: str(props, DeploymentProps.IMPORTER_BUCKET),
    workPrefix: str(props, DeploymentProps.WORK_PREFIX),
    reportPrefix: str(props, DeploymentProps.REPORT_PREFIX),
    sourceBucket: str(props, DeploymentProps.SOURCE_BUCKET),
    sourceKey: str(props, DeploymentProps.SOURCE_KEY),
    sourceHash: str(props, DeploymentProps.SOURCE_HASH, false),
    maxFailedUsers: num(props, DeploymentProps.MAX_FAILED_USERS, DEPLOYMENT_DEFAULTS.maxFailedUsers),
    failOnSkipped: bool(props, DeploymentProps.FAIL_ON_SKIPPED, DEPLOYMENT_DEFAULTS.failOnSkipped),
    waitForCompletion: bool(props, DeploymentProps.WAIT_FOR_COMPLETION, DEPLOYMENT_DEFAULTS.waitForCompletion),
    timeoutSeconds: num(props, DeploymentProps.TIMEOUT_SECONDS, DEPLOYMENT_DEFAULTS.timeoutSeconds),
    queryIntervalSeconds: num(props, DeploymentProps.QUERY_INTERVAL_SECONDS, DEPLOYMENT_DEFAULTS.queryIntervalSeconds),
  };
}

/** True when the two property sets would import the same thing (an Update that is a no-op). */
export function sameImport(a: Props, b: Props): boolean {
  return IMPORT_PROPS.every((k) => String(a?.[k] ?? '') === String(b?.[k] ?? ''));
}
