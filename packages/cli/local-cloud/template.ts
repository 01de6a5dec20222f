/**
 * Reads the workflow, the functions and their environment from the SYNTHESIZED template of a stack
 * holding a `CognitoUserImport`, and resolves the CloudFormation references to local values.
 */
import { createHash } from 'crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { basename, join, resolve as pathResolve } from 'path';
import type { TableDefinition } from './services/dynamodb';

export interface LocalFunction {
  logicalId: string;
  name: string;
  arn: string;
  /** Folder name under assets/lambda (`trigger`, `worker`), when known. */
  asset?: string;
  /** Absolute path of the bundle's directory. */
  bundleDir?: string;
  /** Why the function's code cannot be run here (its asset is missing from the assembly), when it cannot. */
  codeProblem?: string;
  handler: string;
  env: Record<string, string>;
  timeoutSeconds: number;
  memoryMb: number;
}

export interface LocalStateMachine { logicalId: string; name: string; arn: string; definition: any; roleArn: string }
export interface LocalNotification { bucket: string; functionArn: string; events: string[]; prefix: string; suffix: string }
/** An EventBridge rule of the default bus and the functions it targets. */
export interface LocalEventRule { logicalId: string; pattern: unknown; functionArns: string[] }

export interface ResolvedApp {
  functions: LocalFunction[];
  /** DynamoDB tables (the import queue's), their properties resolved. */
  tables: TableDefinition[];
  stateMachines: LocalStateMachine[];
  notifications: LocalNotification[];
  /** Buckets that send their events to EventBridge (`NotificationConfiguration.EventBridgeConfiguration`). */
  eventBridgeBuckets: string[];
  /** Enabled rules on the default event bus that invoke functions. */
  eventRules: LocalEventRule[];
  buckets: string[];
}

export interface SynthOptions {
  poolId: string;
  region: string;
  accountId: string;
  /** Name of the drop bucket the construct creates. */
  bucketName: string;
  /** Extra JSON-able props for `CognitoUserImport` (invalidRows, passwordHashingAlgorithm, maxUsersPerJob...). */
  constructProps?: Record<string, unknown>;
  /**
   * Several importers instead of one: each entry is one `CognitoUserImport`'s extra props; all of
   * them share one drop bucket and ONE `CognitoImportQueue` (give each its own incomingPrefix).
   */
  importers?: Array<Record<string, unknown>>;
  /**
   * A synthesized cloud assembly's directory: every function's code is its asset there, found by the
   * template's `aws:asset:path` metadata or, in an assembly synthesized without asset metadata, by the
   * function's `Code.S3Key` in the assembly's asset manifests (`*.assets.json`).
   */
  assemblyDir?: string;
  /** The stack's name (function names, `AWS::StackName`). @default 'CognitoUserImportLocal' */
  stackName?: string;
}

const STACK = 'CognitoUserImportLocal';

/**
 * The construct library this CLI synthesizes: the installed `cdk-cognito-user-import` package, or, inside its own
 * repository (where the library is the workspace root and so not in node_modules), the root's built `lib/`.
 */
export function constructLibrary(): any {
  /* eslint-disable @typescript-eslint/no-require-imports */
  try {
    return require('cdk-cognito-user-import');
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && String((e as Error).message).includes("'cdk-cognito-user-import'");
    if (!missing) throw e;
    return require(join(__dirname, '..', '..', '..', 'lib', 'index'));
  }
  /* eslint-enable @typescript-eslint/no-require-imports */
}
const cache = new Map<string, any>();

/** Synthesizes App → Stack → `new CognitoUserImport(stack, 'Import', { userPool: UserPool.fromUserPoolId(...) })`. */
export function synthesizeTemplate(opts: SynthOptions): any {
  const key = JSON.stringify([opts.poolId, opts.region, opts.accountId, opts.constructProps ?? {}, opts.importers ?? []]);
  const hit = cache.get(key);
  if (hit) return hit;
  /* eslint-disable @typescript-eslint/no-require-imports */
  const cdk = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
  const { Template } = require('aws-cdk-lib/assertions') as typeof import('aws-cdk-lib/assertions');
  const cognito = require('aws-cdk-lib/aws-cognito') as typeof import('aws-cdk-lib/aws-cognito');
  const lib = constructLibrary();
  /* eslint-enable @typescript-eslint/no-require-imports */
  const outdir = mkdtempSync(join(tmpdir(), 'cui-synth-'));
  try {
    const app = new cdk.App({
      outdir,
      context: { 'aws:cdk:enable-asset-metadata': true, 'aws:cdk:disable-asset-staging': true },
    });
    const stack = new cdk.Stack(app, STACK, { env: { account: opts.accountId, region: opts.region } });
    const userPool = cognito.UserPool.fromUserPoolId(stack, 'Pool', opts.poolId);
    if (opts.importers?.length) {
      const s3 = require('aws-cdk-lib/aws-s3') as typeof import('aws-cdk-lib/aws-s3'); // eslint-disable-line @typescript-eslint/no-require-imports
      const bucket = new s3.Bucket(stack, 'Drop', { enforceSSL: true, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL });
      const queue = new lib.CognitoImportQueue(stack, 'Queue');
      opts.importers.forEach((props, i) => new lib.CognitoUserImport(stack, `Import${i + 1}`, { userPool, bucket: lib.ImportBucket.fromBucket(bucket), queue, ...(opts.constructProps ?? {}), ...props }));
    } else {
      new lib.CognitoUserImport(stack, 'Import', { userPool, ...(opts.constructProps ?? {}) });
    }
    const template = Template.fromStack(stack).toJSON();
    cache.set(key, template);
    return template;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** A function that resolves CloudFormation intrinsics (Ref, Fn::GetAtt, Fn::Join, Fn::Sub...) in a template value to local values. */
export function templateResolver(template: any, opts: SynthOptions): (value: any) => any {
  const resources: Record<string, any> = template.Resources ?? {};
  const { region, accountId } = opts;
  const stack = opts.stackName ?? STACK;
  // Like CloudFormation's generated names: stack and logical id, cut to Lambda's 64 characters with a hash that keeps them unique.
  const fnName = (id: string) => {
    const full = `${stack}-${id}`;
    return full.length <= 64 ? full : `${full.slice(0, 55)}-${createHash('sha256').update(full).digest('hex').slice(0, 8)}`;
  };
  // The drop bucket: the one the functions' BUCKET_NAME points at (else the first bucket).
  const bucketIds = Object.keys(resources).filter((id) => resources[id].Type === 'AWS::S3::Bucket');
  let dropBucketId = bucketIds[0];
  for (const r of Object.values(resources)) {
    const ref = r.Type === 'AWS::Lambda::Function' ? r.Properties?.Environment?.Variables?.BUCKET_NAME?.Ref : undefined;
    if (typeof ref === 'string' && bucketIds.includes(ref)) dropBucketId = ref;
  }
  const bucketName = (id: string) => (id === dropBucketId ? opts.bucketName : id.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 63));

  const ref = (id: string): unknown => {
    switch (id) {
      case 'AWS::Region': return region;
      case 'AWS::AccountId': return accountId;
      case 'AWS::Partition': return 'aws';
      case 'AWS::URLSuffix': return 'amazonaws.com';
      case 'AWS::StackName': return stack;
      case 'AWS::StackId': return `arn:aws:cloudformation:${region}:${accountId}:stack/${stack}/local`;
      case 'AWS::NoValue': return undefined;
    }
    const r = resources[id];
    if (!r) {
      const p = template.Parameters?.[id];
      if (p && p.Default !== undefined) return p.Default;
      throw new Error(`local cloud: cannot resolve Ref ${id}`);
    }
    switch (r.Type) {
      case 'AWS::S3::Bucket': return bucketName(id);
      case 'AWS::Lambda::Function': return fnName(id);
      case 'AWS::StepFunctions::StateMachine': return `arn:aws:states:${region}:${accountId}:stateMachine:${id}`;
      case 'AWS::IAM::Role': return id;
      case 'AWS::Logs::LogGroup': return `/aws/local/${id}`;
      case 'AWS::SQS::Queue': return `http://sqs.${region}.localhost/${accountId}/${id}`;
      case 'AWS::Events::EventBus': return id;
      case 'AWS::DynamoDB::Table': return r.Properties?.TableName ?? id;
      case 'AWS::Cognito::UserPool': return opts.poolId;
      default: return id;
    }
  };
  const getAtt = (id: string, attr: string): unknown => {
    const r = resources[id];
    if (!r) throw new Error(`local cloud: cannot resolve Fn::GetAtt ${id}.${attr}`);
    switch (r.Type) {
      case 'AWS::S3::Bucket':
        if (attr === 'Arn') return `arn:aws:s3:::${bucketName(id)}`;
        if (attr === 'DomainName' || attr === 'RegionalDomainName') return `${bucketName(id)}.s3.${region}.amazonaws.com`;
        break;
      case 'AWS::Lambda::Function': if (attr === 'Arn') return `arn:aws:lambda:${region}:${accountId}:function:${fnName(id)}`; break;
      case 'AWS::IAM::Role': if (attr === 'Arn') return `arn:aws:iam::${accountId}:role/${id}`; break;
      case 'AWS::StepFunctions::StateMachine':
        if (attr === 'Name') return id;
        if (attr === 'Arn') return `arn:aws:states:${region}:${accountId}:stateMachine:${id}`;
        break;
      case 'AWS::DynamoDB::Table': if (attr === 'Arn') return `arn:aws:dynamodb:${region}:${accountId}:table/${ref(id)}`; break;
      case 'AWS::Cognito::UserPool':
        if (attr === 'Arn') return `arn:aws:cognito-idp:${region}:${accountId}:userpool/${opts.poolId}`;
        if (attr === 'ProviderName') return `cognito-idp.${region}.amazonaws.com/${opts.poolId}`;
        if (attr === 'ProviderURL') return `https://cognito-idp.${region}.amazonaws.com/${opts.poolId}`;
        break;
      case 'AWS::Logs::LogGroup': if (attr === 'Arn') return `arn:aws:logs:${region}:${accountId}:log-group:/aws/local/${id}:*`; break;
      case 'AWS::SQS::Queue':
        if (attr === 'Arn') return `arn:aws:sqs:${region}:${accountId}:${id}`;
        if (attr === 'QueueName') return id;
        break;
    }
    return `arn:aws:local:${region}:${accountId}:${id}/${attr}`;
  };
  const resolve = (v: any): any => {
    if (Array.isArray(v)) return v.map(resolve);
    if (!v || typeof v !== 'object') return v;
    const keys = Object.keys(v);
    if (keys.length === 1) {
      const k = keys[0];
      const a = v[k];
      switch (k) {
        case 'Ref': return ref(a);
        case 'Fn::GetAtt': {
          const [id, attr] = Array.isArray(a) ? a : String(a).split('.');
          return getAtt(id, attr);
        }
        case 'Fn::Join': return (resolve(a[1]) as unknown[]).filter((x) => x !== undefined).join(a[0]);
        case 'Fn::Select': return (resolve(a[1]) as unknown[])[Number(resolve(a[0]))];
        case 'Fn::Split': return String(resolve(a[1])).split(a[0]);
        case 'Fn::Sub': {
          const [str, vars] = Array.isArray(a) ? [a[0], resolve(a[1] ?? {})] : [a, {}];
          return String(str).replace(/\$\{([^}]+)\}/g, (_m: string, name: string) => {
            if (vars[name] !== undefined) return String(vars[name]);
            if (name.includes('.') && !name.startsWith('AWS::')) { const [id, attr] = name.split('.'); return String(getAtt(id, attr)); }
            return String(ref(name));
          });
        }
        case 'Fn::If': case 'Condition': case 'Fn::Equals': case 'Fn::Not':
          throw new Error(`local cloud: conditions (${k}) are not supported`);
      }
    }
    const out: Record<string, any> = {};
    for (const k of keys) out[k] = resolve(v[k]);
    return out;
  };
  return resolve;
}

/** Resolves the template's functions, state machines and bucket notifications to local names and ARNs. */
export function resolveTemplate(template: any, opts: SynthOptions): ResolvedApp {
  const resources: Record<string, any> = template.Resources ?? {};
  const { region, accountId } = opts;
  const resolve = templateResolver(template, opts);
  const fnName = (id: string): string => resolve({ Ref: id });
  const bucketIds = Object.keys(resources).filter((id) => resources[id].Type === 'AWS::S3::Bucket');
  const bucketName = (id: string): string => resolve({ Ref: id });

  let sources: Map<string, string> | undefined;
  const functions: LocalFunction[] = [];
  const stateMachines: LocalStateMachine[] = [];
  const notifications: LocalNotification[] = [];
  const eventBridgeBuckets: string[] = [];
  const eventRules: LocalEventRule[] = [];
  const tables: TableDefinition[] = [];
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type === 'AWS::S3::Bucket' && r.Properties?.NotificationConfiguration?.EventBridgeConfiguration?.EventBridgeEnabled === true) {
      eventBridgeBuckets.push(bucketName(id));
    } else if (r.Type === 'AWS::Events::Rule') {
      const p = resolve(r.Properties ?? {});
      const bus = p.EventBusName === undefined ? 'default' : String(p.EventBusName);
      if (p.EventPattern === undefined || (p.State !== undefined && p.State !== 'ENABLED') || (bus !== 'default' && !bus.endsWith(':event-bus/default'))) continue;
      const functionArns = (p.Targets ?? []).map((t: { Arn?: unknown }) => String(t.Arn ?? '')).filter((arn: string) => arn.includes(':function:'));
      if (functionArns.length > 0) eventRules.push({ logicalId: id, pattern: p.EventPattern, functionArns });
    }
    if (r.Type === 'AWS::DynamoDB::Table') {
      tables.push({ ...resolve(r.Properties ?? {}), TableName: String(resolve({ Ref: id })) });
    } else if (r.Type === 'AWS::Lambda::Function') {
      const code = opts.assemblyDir ? assemblyCode(opts.assemblyDir, id, r, resolve, () => (sources ??= assetSourcesByKey(opts.assemblyDir!))) : undefined;
      const assetPath: string | undefined = r.Metadata?.['aws:asset:path'] ?? code?.path;
      const isOurs = assetPath !== undefined && (opts.assemblyDir !== undefined || /assets[\\/]lambda[\\/][^\\/]+[\\/]?$/.test(assetPath));
      const vars = resolve(r.Properties?.Environment?.Variables ?? {}) as Record<string, unknown>;
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries(vars)) if (v !== undefined) env[k] = String(v);
      functions.push({
        logicalId: id,
        name: fnName(id),
        arn: `arn:aws:lambda:${region}:${accountId}:function:${fnName(id)}`,
        ...(isOurs ? { asset: basename(assetPath!.replace(/[\\/]$/, '')), bundleDir: opts.assemblyDir ? pathResolve(opts.assemblyDir, assetPath!) : assetPath } : {}),
        ...(code?.problem ? { codeProblem: code.problem } : {}),
        handler: r.Properties?.Handler ?? 'index.handler',
        env,
        timeoutSeconds: r.Properties?.Timeout ?? 3,
        memoryMb: r.Properties?.MemorySize ?? 128,
      });
    } else if (r.Type === 'AWS::StepFunctions::StateMachine') {
      const p = r.Properties ?? {};
      const defString = p.DefinitionString !== undefined ? resolve(p.DefinitionString) : JSON.stringify(resolve(p.Definition));
      stateMachines.push({
        logicalId: id,
        name: id,
        arn: `arn:aws:states:${region}:${accountId}:stateMachine:${id}`,
        definition: JSON.parse(defString),
        roleArn: p.RoleArn ? String(resolve(p.RoleArn)) : `arn:aws:iam::${accountId}:role/${id}Role`,
      });
    } else if (r.Type === 'Custom::S3BucketNotifications') {
      const p = resolve(r.Properties ?? {});
      for (const c of p.NotificationConfiguration?.LambdaFunctionConfigurations ?? []) {
        const rules: Array<{ Name: string; Value: string }> = c.Filter?.Key?.FilterRules ?? [];
        notifications.push({
          bucket: p.BucketName,
          functionArn: c.LambdaFunctionArn,
          events: c.Events ?? [],
          prefix: rules.find((x) => x.Name.toLowerCase() === 'prefix')?.Value ?? '',
          suffix: rules.find((x) => x.Name.toLowerCase() === 'suffix')?.Value ?? '',
        });
      }
    }
  }
  return { functions, stateMachines, notifications, eventBridgeBuckets, eventRules, tables, buckets: bucketIds.map(bucketName) };
}

/** Each file asset's destination object key → its source path in the assembly, from every `*.assets.json`. */
function assetSourcesByKey(assemblyDir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of readdirSync(assemblyDir)) {
    if (!name.endsWith('.assets.json')) continue;
    const manifest = JSON.parse(readFileSync(join(assemblyDir, name), 'utf8'));
    for (const file of Object.values<any>(manifest.files ?? {})) {
      if (typeof file?.source?.path !== 'string') continue;
      for (const dest of Object.values<any>(file.destinations ?? {})) {
        if (typeof dest?.objectKey === 'string') out.set(dest.objectKey, file.source.path);
      }
    }
  }
  return out;
}

/**
 * Where a function's code is in the assembly: its `aws:asset:path`, else the asset whose object key is its
 * `Code.S3Key`. A problem when that asset is not there (inline code and image functions have none to find).
 */
function assemblyCode(assemblyDir: string, logicalId: string, r: any, resolve: (v: unknown) => any, sources: () => Map<string, string>): { path?: string; problem?: string } {
  const name = String(r.Metadata?.['aws:cdk:path'] ?? '').replace(/\/Resource$/, '') || `function ${logicalId}`;
  const metadataPath: string | undefined = r.Metadata?.['aws:asset:path'];
  let path = metadataPath;
  let key: string | undefined;
  if (path === undefined) {
    const s3Key = r.Properties?.Code?.S3Key;
    if (s3Key === undefined) return {};
    key = String(resolve(s3Key));
    path = sources().get(key);
    if (path === undefined) return { problem: `the code of ${name} is the asset ${key}, which no asset manifest (*.assets.json) of ${assemblyDir} lists` };
  }
  if (!existsSync(pathResolve(assemblyDir, path))) {
    return { path, problem: `the code of ${name} is the asset folder ${path}${key ? ` (object ${key})` : ''}, which is missing from ${assemblyDir}` };
  }
  return { path };
}
