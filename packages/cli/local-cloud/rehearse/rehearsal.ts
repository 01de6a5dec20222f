/**
 * One stack's rehearsal: a local cloud running the stack's own template (its importer, its workflow, the
 * Provider framework's functions and waiter state machine, our deployment handlers, all from the assembly),
 * with the stack's own pool, its file assets uploaded where the CDK bootstrap bucket would hold them, and a
 * CloudFormation driver to send the deployments' custom-resource requests.
 */
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { readFileSync } from 'fs';
import { startLocalCloud, type LocalCloud, type LocalCloudOptions, ACCOUNT_ID } from '../index';
import { defaultPool, parsePoolJson, PoolDescription } from '../pool';
import { templateResolver } from '../template';
import { isFile, StackArtifact } from './assembly';
import { CfnEventResult, CloudFormationDriver, RequestType } from './cloudformation';
import { poolFromTemplate, referencedPool } from './stack-pool';

/** The resource type `UserImportDeployment` gives its custom resource. */
export const DEPLOYMENT_RESOURCE_TYPE = 'Custom::CognitoUserImport';
const POOL_ID_SUFFIX = 'Rehearsal';

export interface DeploymentResource {
  logicalId: string;
  /** The construct path (`Stack/SeedUsers`), or the logical id when the template has no `aws:cdk:path` metadata. */
  path: string;
  /** False when `path` is the logical id (the app was synthesized without path metadata). */
  pathFromMetadata: boolean;
  /** Its properties, unresolved (as in the template). */
  properties: Record<string, unknown>;
}

export interface RehearsalOptions {
  /** A pool file (describe-user-pool JSON) for a pool the stack imports. */
  pool?: string;
  /** Compression of the waiter's intervals and of CloudFormation's wait. @default 0.05 */
  timeScale?: number;
  /** Where the handlers' own output goes. @default discarded */
  lambdaOutput?: (chunk: string) => void;
  /** Job timings of the local Cognito (tests). */
  cognitoTimings?: Record<string, number>;
  /** The local Cognito's answers where AWS documents nothing (`--behaviour`). */
  behaviour?: LocalCloudOptions['behaviour'];
}

/** The deployments of a stack, in the order CloudFormation creates them (dependencies first). */
export function deploymentsOf(template: any): DeploymentResource[] {
  const resources: Record<string, any> = template.Resources ?? {};
  const order = dependencyOrder(resources);
  return order.filter((id) => resources[id].Type === DEPLOYMENT_RESOURCE_TYPE).map((id) => ({
    logicalId: id,
    path: String(resources[id].Metadata?.['aws:cdk:path'] ?? id).replace(/\/Resource(\/Default)?$/, ''),
    pathFromMetadata: resources[id].Metadata?.['aws:cdk:path'] !== undefined,
    properties: resources[id].Properties ?? {},
  }));
}

/** Logical ids in an order where every resource comes after those it references or depends on (template order otherwise). */
export function dependencyOrder(resources: Record<string, any>): string[] {
  const deps = new Map<string, Set<string>>();
  for (const [id, r] of Object.entries(resources)) {
    const d = new Set<string>([r.DependsOn ?? []].flat());
    collectRefs(r.Properties, d);
    deps.set(id, new Set([...d].filter((x) => x !== id && x in resources)));
  }
  const out: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string) => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') throw new Error(`circular dependency between resources at ${id}`);
    state.set(id, 'visiting');
    for (const d of deps.get(id) ?? []) visit(d);
    state.set(id, 'done');
    out.push(id);
  };
  for (const id of Object.keys(resources)) visit(id);
  return out;
}

function collectRefs(v: any, into: Set<string>): void {
  if (Array.isArray(v)) { for (const x of v) collectRefs(x, into); return; }
  if (!v || typeof v !== 'object') return;
  for (const [k, x] of Object.entries(v)) {
    if (k === 'Ref' && typeof x === 'string') into.add(x);
    else if (k === 'Fn::GetAtt') into.add(Array.isArray(x) ? String(x[0]) : String(x).split('.')[0]);
    else if (k === 'Fn::Sub') {
      const s = Array.isArray(x) ? x[0] : x;
      for (const m of String(s).matchAll(/\$\{([^}!.]+)[^}]*\}/g)) into.add(m[1]);
      if (Array.isArray(x)) collectRefs(x[1], into);
    } else collectRefs(x, into);
  }
}

export class Rehearsal {
  private constructor(
    readonly stack: StackArtifact,
    readonly cloud: LocalCloud,
    readonly driver: CloudFormationDriver,
    readonly stackId: string,
    private readonly resolveValue: (v: unknown) => any,
  ) {}

  /** Starts the stack's local cloud and uploads its file assets. */
  static async start(stack: StackArtifact, opts: RehearsalOptions = {}): Promise<Rehearsal> {
    const region = stack.region ?? 'us-east-1';
    const poolId = `${region}_${POOL_ID_SUFFIX}`;
    const pool = stackPool(stack, poolId, opts.pool);
    const timeScale = opts.timeScale ?? 0.05;
    const cloud = await startLocalCloud({
      port: 0, pool, timeScale,
      stack: { template: stack.template, assemblyDir: stack.assemblyDir, stackName: stack.stackName },
      ...(opts.lambdaOutput ? { lambdaOutput: opts.lambdaOutput } : {}),
      ...(opts.cognitoTimings ? { cognitoTimings: opts.cognitoTimings } : {}),
      ...(opts.behaviour ? { behaviour: opts.behaviour } : {}),
    });
    try {
      const stackId = `arn:aws:cloudformation:${cloud.region}:${ACCOUNT_ID}:stack/${stack.stackName}/00000000-0000-4000-8000-000000000000`;
      const resolveValue = templateResolver(stack.template, {
        poolId: cloud.poolId, region: cloud.region, accountId: ACCOUNT_ID, bucketName: cloud.bucket,
        assemblyDir: stack.assemblyDir, stackName: stack.stackName,
      });
      const r = new Rehearsal(stack, cloud, new CloudFormationDriver(cloud, stackId, timeScale), stackId, resolveValue);
      await r.uploadAssets(stack);
      return r;
    } catch (e) {
      await cloud.stop();
      throw e;
    }
  }

  /** Puts the stack's file assets (e.g. seed CSVs) where the bootstrap bucket would hold them. */
  async uploadAssets(stack: StackArtifact): Promise<void> {
    const sub = (s: string) => s.replace(/\$\{AWS::AccountId\}/g, ACCOUNT_ID).replace(/\$\{AWS::Region\}/g, this.cloud.region).replace(/\$\{AWS::Partition\}/g, 'aws');
    const made = new Set<string>();
    for (const a of stack.assets) {
      if (a.packaging !== 'file' || !isFile(a.path)) continue;
      const bucket = sub(a.bucketName);
      if (!made.has(bucket)) {
        await this.cloud.s3.send(new CreateBucketCommand({ Bucket: bucket })).catch((e: Error) => {
          if (!/BucketAlready(OwnedByYou|Exists)/.test(e.name)) throw e;
        });
        made.add(bucket);
      }
      await this.cloud.s3.send(new PutObjectCommand({ Bucket: bucket, Key: sub(a.objectKey), Body: readFileSync(a.path) }));
    }
  }

  /** A template value with CloudFormation's intrinsics resolved to this local cloud's values. */
  resolve<T = any>(value: unknown): T { return this.resolveValue(value) as T; }

  /** One custom-resource request for a deployment of `template` (this stack's, or a changed version of it). */
  request(type: RequestType, logicalId: string, extra: { template?: any; oldTemplate?: any; physicalResourceId?: string } = {}): Promise<CfnEventResult> {
    const props = (t: any) => this.resolve<Record<string, unknown>>(t.Resources?.[logicalId]?.Properties ?? {});
    const template = extra.template ?? this.stack.template;
    const resource = template.Resources?.[logicalId];
    if (!resource) throw new Error(`no resource ${logicalId} in the template`);
    return this.driver.request(type, logicalId, {
      resourceType: resource.Type,
      properties: props(template),
      ...(extra.oldTemplate ? { oldProperties: props(extra.oldTemplate) } : {}),
      ...(extra.physicalResourceId ? { physicalResourceId: extra.physicalResourceId } : {}),
    });
  }

  async stop(): Promise<void> {
    this.driver.destroy();
    await this.cloud.stop();
  }
}

/** The pool of the stack's deployments: the template's own, or the file given for an imported pool. */
function stackPool(stack: StackArtifact, poolId: string, poolFile?: string): PoolDescription {
  if (poolFile !== undefined) return parsePoolJson(JSON.parse(readFileSync(poolFile, 'utf8')), poolId);
  const deployments = deploymentsOf(stack.template);
  const ids = new Set(deployments.map((d) => referencedPool(stack.template, d.properties.UserPoolId)));
  if (ids.has(undefined)) {
    throw new Error(`stack ${stack.displayName} imports its user pool (UserPool.fromUserPoolId/Arn): give that pool with --pool FILE (the JSON 'aws cognito-idp describe-user-pool' prints)`);
  }
  if (ids.size > 1) throw new Error(`stack ${stack.displayName}: deployments into ${ids.size} different user pools; rehearse supports one pool per stack`);
  const logicalId = [...ids][0];
  if (logicalId === undefined) return defaultPool(poolId);
  const resolve = templateResolver(stack.template, { poolId, region: poolId.split('_')[0], accountId: ACCOUNT_ID, bucketName: 'unused', stackName: stack.stackName });
  return poolFromTemplate(stack.template, logicalId, poolId, resolve);
}
