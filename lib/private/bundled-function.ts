import * as path from 'path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { FunctionNetworkProps } from '../network';
import { allowVpcAccess, functionNetwork } from './network';

/** Where `npm run build` puts the esbuild bundles of lambda/handlers/*.ts. */
const ASSETS = path.join(__dirname, '..', '..', 'assets', 'lambda');

/** Internal: what differs between this library's functions. */
export interface BundledFunctionOptions {
  /** Folder under assets/lambda (the handler file's name). */
  readonly bundle: string;
  readonly description: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy?: RemovalPolicy;
  readonly environment: Record<string, string>;
  readonly deadLetterQueue?: sqs.IQueue;
  /** Encrypts the function's log group (the key policy must let CloudWatch Logs use it). */
  readonly encryptionKey?: kms.IKey;
  readonly reservedConcurrentExecutions?: number;
  /** The VPC (subnets, security groups) the function runs in, if any. */
  readonly network?: FunctionNetworkProps;
}

/**
 * One of this library's functions: Node.js 24 on arm64, X-Ray tracing, the prebuilt bundle, its own
 * log group with retention, and a role of our own that may only write to that log group (no AWS
 * managed policy; in a VPC, the network-interface actions Lambda needs). Construct ids: `<id>Logs`, `<id>Role`, `<id>Function`.
 */
export function bundledFunction(scope: Construct, id: string, options: BundledFunctionOptions): lambda.Function {
  const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
    retention: options.logRetention, removalPolicy: options.removalPolicy, encryptionKey: options.encryptionKey,
  });
  const role = logWritingRole(scope, `${id}Role`, logGroup);
  const network = functionNetwork(options.network);
  if (network.vpc) allowVpcAccess(role);
  return new lambda.Function(scope, `${id}Function`, {
    role,
    ...network,
    description: options.description,
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    code: lambda.Code.fromAsset(path.join(ASSETS, options.bundle)),
    handler: 'index.handler',
    memorySize: options.memorySize,
    timeout: options.timeout,
    tracing: lambda.Tracing.ACTIVE,
    logGroup,
    deadLetterQueue: options.deadLetterQueue,
    reservedConcurrentExecutions: options.reservedConcurrentExecutions,
    environment: options.environment,
  });
}

/** A Lambda role of our own that may only write to `logGroup`. */
export function logWritingRole(scope: Construct, id: string, logGroup: logs.ILogGroup): iam.Role {
  const role = new iam.Role(scope, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  role.addToPolicy(new iam.PolicyStatement({
    sid: 'WriteOwnLogs',
    actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    resources: [logGroup.logGroupArn],
  }));
  return role;
}
