import { createHash } from 'node:crypto';
import { EXECUTION_NAME_MAX } from '../runtime/execution-name';
import type { DeploymentSettings } from './properties';
import { DEPLOYMENT_COPY_FOLDER } from '../shared/bucket-layout';

/** How many executions one import identity may take (a failed one is never reused). */
export const MAX_ATTEMPTS = 50;

/**
 * The base execution name of one import: a hash of the stack, the resource's logical id, the
 * source (bucket, key, asset hash, the object's ETag) and the import options. The same request
 * retried maps to the same name; a changed CSV or changed options to a new one.
 * A readable slice of the logical id leads so operators find it in the console.
 */
export function executionBaseName(stackId: string, logicalId: string, s: DeploymentSettings, sourceEtag: string): string {
  const identity = JSON.stringify([
    stackId, logicalId, s.stateMachineArn, s.sourceBucket, s.sourceKey, s.sourceHash, sourceEtag,
    s.maxFailedUsers, s.failOnSkipped,
  ]);
  const hash = createHash('sha256').update(identity).digest('hex').slice(0, 32);
  return `${executionNamePrefixFor(logicalId)}${hash}`;
}

/**
 * The part of every execution name of one UserImportDeployment that is known at synth (from its
 * logical id): the construct scopes its functions' S3 permissions to keys that start with it.
 */
export function executionNamePrefixFor(logicalId: string): string {
  // Room for "deploy-", "-", the 32-digit hash and an attempt suffix ("-50").
  const room = EXECUTION_NAME_MAX - 'deploy-'.length - 1 - 32 - 3;
  const readable = logicalId.replace(/[^A-Za-z0-9-_]/g, '_').slice(0, room);
  return readable ? `deploy-${readable}-` : 'deploy-';
}

/** Attempt 1 is the base name; a later attempt (after a failed or unusable one) adds `-<n>`. */
export function attemptName(base: string, attempt: number): string {
  return attempt <= 1 ? base : `${base}-${attempt}`;
}

/** `arn:<p>:states:<r>:<a>:stateMachine:<sm>` → `arn:<p>:states:<r>:<a>:execution:<sm>:<name>`. */
export function executionArnFor(stateMachineArn: string, name: string): string {
  const parts = stateMachineArn.split(':');
  if (parts.length < 7 || parts[5] !== 'stateMachine') {
    throw new Error(`UserImportDeployment: '${stateMachineArn}' is not a state machine ARN.`);
  }
  return [...parts.slice(0, 5), 'execution', parts[6], name].join(':');
}

export function isExecutionArn(value: string | undefined): value is string {
  return !!value && /^arn:[^:]+:states:[^:]*:[^:]*:execution:[^:]+:[A-Za-z0-9-_]+$/.test(value);
}

export function executionNameFromArn(arn: string): string {
  return arn.split(':').pop() ?? arn;
}

/**
 * Where the deployment copies its CSV in the importer's bucket: under the WORK prefix, which the
 * worker may read and which does NOT fire the bucket's trigger (a copy under the incoming prefix
 * would start a second execution).
 */
export function copyKeyFor(workPrefix: string, executionName: string): string {
  return `${workPrefix}${DEPLOYMENT_COPY_FOLDER}${executionName}.csv`;
}
