import { Arn, ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { addLogsRoleNagExceptions } from './private/importer-nag';
import { ValidationError } from './private/errors';

/** Props of {@link CognitoImportLogsRole}. */
export interface CognitoImportLogsRoleProps {
  /**
   * The user pool whose import jobs write through this role. When given, the role may only write to
   * that pool's log group (`/aws/cognito/userpools/<poolId>/*`).
   *
   * @default - the role may write to the log groups of every user pool in this account and region
   *            (`/aws/cognito/userpools/*`); use this to share one role between importers of several pools.
   */
  readonly userPool?: cognito.IUserPool;

  /**
   * Add an `aws:SourceAccount` condition (this stack's account) to the trust policy.
   * Cognito does not document these conditions for import jobs, so they are off by default.
   *
   * @default false
   */
  readonly restrictToSourceAccount?: boolean;

  /**
   * Add an `aws:SourceArn` condition (the user pool's ARN) to the trust policy. Needs `userPool`.
   * Cognito does not document these conditions for import jobs, so they are off by default.
   *
   * @default false
   */
  readonly restrictToSourceArn?: boolean;

  /**
   * A name for the role.
   *
   * @default - CloudFormation generates one
   */
  readonly roleName?: string;
}

/**
 * The IAM role Amazon Cognito assumes to write the results of user import jobs to CloudWatch Logs.
 *
 * Trusts `cognito-idp.amazonaws.com`; allows only the four log actions Cognito uses, on the
 * user pool log groups.
 */
export class CognitoImportLogsRole extends Construct {
  /** The role; pass `role.roleArn` as `CloudWatchLogsRoleArn` of `CreateUserImportJob`. */
  public readonly role: iam.Role;
  /** ARN of the role. */
  public readonly roleArn: string;

  /**
   * @param scope the parent construct
   * @param id the construct id, unique within `scope`
   * @param props the user pool to scope the log groups and trust conditions to, and a role name
   */
  constructor(scope: Construct, id: string, props: CognitoImportLogsRoleProps = {}) {
    super(scope, id);
    if (props.restrictToSourceArn && !props.userPool) {
      throw new ValidationError('CognitoImportLogsRole: restrictToSourceArn needs userPool (the pool whose ARN the trust policy names); pass userPool or drop restrictToSourceArn.', this);
    }

    const conditions: Record<string, Record<string, string>> = {};
    if (props.restrictToSourceAccount) {
      conditions.StringEquals = { 'aws:SourceAccount': Stack.of(this).account };
    }
    if (props.restrictToSourceArn && props.userPool) {
      conditions.ArnLike = { 'aws:SourceArn': props.userPool.userPoolArn };
    }

    this.role = new iam.Role(this, 'Role', {
      roleName: props.roleName,
      description: 'Lets Amazon Cognito write user import job results to CloudWatch Logs',
      assumedBy: new iam.ServicePrincipal('cognito-idp.amazonaws.com', {
        conditions: Object.keys(conditions).length > 0 ? conditions : undefined,
      }),
    });
    this.roleArn = this.role.roleArn;

    const poolPart = props.userPool ? props.userPool.userPoolId : '*';
    const logGroups = Arn.format(
      {
        service: 'logs',
        resource: 'log-group',
        resourceName: `/aws/cognito/userpools/${poolPart}/*`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      },
      Stack.of(this),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'WriteImportJobResults',
        actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
        // The group itself (CreateLogGroup, DescribeLogStreams) and its streams (CreateLogStream, PutLogEvents).
        resources: [logGroups, `${logGroups}:log-stream:*`],
      }),
    );
    addLogsRoleNagExceptions(this.role, props.userPool !== undefined);
  }
}
