import { CfnResource } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * cdk-nag suppressions that travel with this library's resources, in the metadata format cdk-nag
 * reads (`cdk_nag.rules_to_suppress`, each `{ id, reason, applies_to }`): consumers running cdk-nag
 * see each exception and its reason in their report, and the library needs no cdk-nag at run time.
 * Only findings about our own resources are suppressed, each with why; a finding a prop can fix is
 * suppressed only while that prop is unset, and its reason names the prop.
 */
export interface NagException {
  /** Rule id, e.g. `AwsSolutions-IAM5`. */
  readonly id: string;
  /** Why the finding does not apply here (ASCII, at least 10 characters). */
  readonly reason: string;
  /** For granular rules: the findings (exact, or `{ regex: '/.../' }`) the exception covers. */
  readonly appliesTo?: Array<string | { regex: string }>;
}

/** The compliance packs whose findings the README discusses, by their rule-id prefix. */
export const NIST = 'NIST.800.53.R5';
export const HIPAA = 'HIPAA.Security';
export const PCI = 'PCI.DSS.321';

/** The same exception in several packs (`<pack>-<rule>`). */
export function inPacks(packs: string[], rule: string, reason: string): NagException[] {
  return packs.map((p) => ({ id: `${p}-${rule}`, reason }));
}

/** Adds exceptions to a construct's CloudFormation resource (its default child); no-op when absent. */
export function addNagExceptions(construct: IConstruct | undefined, exceptions: NagException[]): void {
  const cfn = construct instanceof CfnResource ? construct : construct?.node.defaultChild;
  if (!(cfn instanceof CfnResource) || exceptions.length === 0) return;
  const existing: unknown[] = cfn.getMetadata('cdk_nag')?.rules_to_suppress ?? [];
  const added = exceptions.map((e) => ({ id: e.id, reason: e.reason, ...(e.appliesTo ? { applies_to: e.appliesTo } : {}) }));
  const seen = new Set(existing.map((r) => JSON.stringify(r)));
  cfn.addMetadata('cdk_nag', { rules_to_suppress: [...existing, ...added.filter((r) => !seen.has(JSON.stringify(r)))] });
}

/**
 * A regex (cdk-nag's `/.../` form) for the IAM5 finding of "every object under `prefix` of a
 * bucket", whichever way the bucket's ARN is rendered (`<Bucket.Arn>`, or an import across stacks).
 */
export function objectsUnder(prefix: string): { regex: string } {
  return { regex: `/^Resource::.+\\/${prefix.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$/` };
}

/**
 * The `arn:<partition>:<service>:<region>:<account>:` head of an ARN finding, as a regex source:
 * literal in a stack with an `env`, `<AWS::Region>`/`<AWS::AccountId>` in an env-agnostic one.
 */
export function arnHead(service: string): string {
  return `arn:(?:<AWS::Partition>|aws[a-z-]*):${service}:(?:<AWS::Region>|[a-z0-9-]+):(?:<AWS::AccountId>|[0-9]{12}):`;
}

/**
 * A regex (cdk-nag's `/.../` form) for the IAM5 finding of a Cognito user pool's import log groups
 * (`/aws/cognito/userpools/<poolId>/*`, or its streams), whichever way the ARN is rendered: region
 * and account literal (a stack with an `env`) or `<AWS::Region>`/`<AWS::AccountId>` (an env-agnostic
 * stack), the pool id literal (`fromUserPoolId`, `fromUserPoolArn`), a `<Ref>` to a pool of this or
 * another stack, or the export it is imported by. `anyPool` matches the one form with `*` for the
 * pool id (a logs role shared by the importers of several pools).
 */
export function poolLogGroups(options: { anyPool?: boolean; streams?: boolean } = {}): { regex: string } {
  const pool = options.anyPool ? '\\*' : '[^*]+';
  const streams = options.streams ? ':log-stream:\\*' : '';
  return {
    regex: `/^Resource::${arnHead('logs')}log-group:\\/aws\\/cognito\\/userpools\\/${pool}\\/\\*${streams}$/`,
  };
}

/** The default policy of a role (where aws-cdk-lib puts grants), if it has one. */
export function defaultPolicyOf(role: IConstruct | undefined): IConstruct | undefined {
  return role?.node.tryFindChild('DefaultPolicy');
}

// Reasons shared by several constructs.
export const XRAY = 'X-Ray PutTraceSegments/PutTelemetryRecords (tracing is on) do not support resource-level permissions: Resource * is the only form.';
/** The reason for `Resource::*` on a function's role: X-Ray, and in a VPC also Lambda's network-interface actions. */
export function starReason(inVpc: boolean): string {
  return inVpc
    ? `${XRAY} In a VPC the role also holds the network-interface actions Lambda attaches the function with (ec2:CreateNetworkInterface, DescribeNetworkInterfaces, DescribeSubnets, DeleteNetworkInterface, Assign/UnassignPrivateIpAddresses): EC2 scopes none of them for Lambda.`
    : XRAY;
}
export const INLINE_POLICY = 'Each role has its own policy, attached to that role only and scoped to the resources it uses (aws-cdk-lib grants); a shared managed policy would only widen it.';
export const NO_VPC = 'The function calls only AWS APIs (S3, Cognito, Step Functions, CloudWatch Logs, EventBridge) over TLS with IAM auth and reaches no VPC resource; set vpc (with the endpoints docs/security.md lists) if policy requires it.';
export const SYNC_INVOKE = 'Invoked synchronously (by Step Functions or the Provider framework) which retries, catches and reports every failure; a DLQ would never receive anything.';
export const ONCE_PER_DEPLOY = 'Runs only during a CloudFormation deployment of this resource, one invocation at a time; reserving concurrency would take it from the account for nothing.';
export const REPLICATION = 'The bucket holds transient personal data that expires after dataRetention; replicating it would multiply copies of personal data. Reports are regenerated by re-dropping the file.';
