/**
 * The local cloud: S3 (s3rver), the Cognito subset, CloudWatch Logs, EventBridge and Step Functions on
 * ONE loopback port, running the real bundled handlers and the real synthesized workflow.
 *
 *   const cloud = await startLocalCloud({ port: 0 });
 *   await cloud.dropFile('users.csv');
 *   const report = await cloud.waitForReport('incoming/users.csv');
 *   await cloud.stop();
 */
import { ListObjectsV2Command, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'fs';
import { AddressInfo } from 'net';
import { tmpdir } from 'os';
import { basename, join, resolve as resolvePath, sep } from 'path';
import { ACTIVE, CognitoBackend, CognitoBehaviour, CognitoTimings, handleCognito, ImportJob, loadBehaviourFile, parseBehaviour } from './cognito';
import { DynamoDbService, TableDefinition } from './dynamodb';
import { EventsService } from './events';
import { Faults } from './faults';
import { CFN_RESPONSE_PATH, CfnResponses, responseHost } from './cfn-response-receiver';
import { LambdaError, LambdaFunction } from './lambda';
import { findFunction, LAMBDA_API_PATH, lambdaApi } from './lambda-api';
import { LogsService } from './logs';
import { defaultPool, parsePoolJson, PoolDescription } from './pool';
import { allowLongKeySegments, confineStore } from './confined-store';
import { honourIfMatch } from './s3-if-match';
import { createLocalServer, s3Error } from './server';
import { StepFunctionsService } from './stepfunctions';
import { resolveTemplate, synthesizeTemplate, LocalFunction, LocalNotification } from './template';
import { Clock, sleep } from './util';

export { Faults } from './faults';
export { Clock } from './util';
export { TOKEN_HEADER } from './request-guard';
export type { CognitoBehaviour, ImportJob } from './cognito';
export { DEFAULT_BEHAVIOUR, parseBehaviour, loadBehaviourFile } from './cognito';

export const DEFAULT_PORT = 4566;
export const ACCOUNT_ID = '000000000000';

export interface LocalCloudOptions {
  /** Loopback port; 0 = any free port. @default 4566 */
  readonly port?: number;
  /** The pool: a path to the JSON `aws cognito-idp describe-user-pool` prints, that JSON, or a description. @default a pool with email auto-verified, MFA off */
  readonly pool?: string | PoolDescription | Record<string, unknown>;
  /** Name of the drop bucket. @default 'cognito-user-import' */
  readonly bucketName?: string;
  /** Run the synthesized workflow and the bundled handlers (S3 events → trigger → workflow). @default true */
  readonly workflow?: boolean;
  /** Extra JSON-able props for `CognitoUserImport` (e.g. `{ invalidRows: 'REJECT_FILE' }`). */
  readonly constructProps?: Record<string, unknown>;
  /** Several importers sharing the drop bucket and one import queue: each entry is one importer's extra props. */
  readonly importers?: Array<Record<string, unknown>>;
  /** Environment overrides for the worker function (e.g. `{ MAX_ROWS_PER_PART: '3' }`). */
  readonly workerEnv?: Record<string, string>;
  /** Workflow time compression: Retry intervals and Wait durations are multiplied by this. @default 0.01 */
  readonly timeScale?: number;
  /** Cognito job timings (ms). */
  readonly cognitoTimings?: Partial<CognitoTimings>;
  /**
   * Answers to points AWS does not document (a behaviour file's path, or the object): see the README's
   * "Behaviour variants". @default today's choices (`DEFAULT_BEHAVIOUR`)
   */
  readonly behaviour?: string | Partial<CognitoBehaviour>;
  /** Where the handlers' own output (Powertools logs, EMF) goes. @default discarded */
  readonly lambdaOutput?: (chunk: string) => void;
  /** Token `/_local/*` requests must carry (header `x-local-cloud-token`). @default 32 random hex digits per run */
  readonly adminToken?: string;
  /** Directory for S3 objects. @default a temporary directory, removed on stop */
  readonly dataDirectory?: string;
  /**
   * Run this synthesized stack (its template and its cloud assembly's assets) instead of a built-in
   * `CognitoUserImport`: every function with code in the assembly runs, every state machine is registered,
   * and the template's user pool is the local pool. @default the built-in stack
   */
  readonly stack?: { readonly template: any; readonly assemblyDir: string; readonly stackName: string };
}

export interface DroppedObject { bucket: string; key: string; etag: string }

export interface LocalCloud {
  readonly endpoint: string;
  readonly port: number;
  readonly region: string;
  readonly accountId: string;
  readonly poolId: string;
  readonly poolName: string;
  readonly bucket: string;
  readonly incomingPrefix: string;
  readonly reportPrefix: string;
  readonly stateMachineArn?: string;
  /** The per-run token for `/_local/*` (send it as the `x-local-cloud-token` header). */
  readonly adminToken: string;
  readonly faults: Faults;
  readonly clock: Clock;
  readonly cognito: CognitoBackend;
  readonly logs: LogsService;
  readonly events: EventsService;
  readonly stepFunctions: StepFunctionsService;
  readonly dynamodb: DynamoDbService;
  readonly s3: S3Client;
  /** Environment a client needs (endpoint, region, dummy credentials). */
  readonly clientEnv: Record<string, string>;
  /** Every worker invocation's action, in order (tests). */
  readonly workerActions: string[];
  /** CloudFormation's response receiver (ResponseURLs for custom resource requests). */
  readonly cfnResponses: CfnResponses;
  /** The functions of the template, by ARN. */
  readonly functions: ReadonlyMap<string, LambdaFunction>;
  /** Puts a file (path or content) under the incoming prefix; the bucket's event starts the import. */
  dropFile(file: string | Buffer, key?: string): Promise<DroppedObject>;
  /** The report written for a dropped key (the newest when several), waiting for it. */
  waitForReport(key: string, options?: { timeoutMs?: number; etag?: string }): Promise<any>;
  /** Every report document whose `source.key` is `key` (or all), with its object key. */
  reports(key?: string): Promise<Array<{ objectKey: string; report: any }>>;
  /** Waits until no event delivery, execution or import job is in flight. */
  settle(timeoutMs?: number): Promise<void>;
  /** The import jobs of the pool, oldest first. */
  jobs(): ImportJob[];
  stop(): Promise<void>;
}

function loadPool(pool: LocalCloudOptions['pool'], fallbackId: string): PoolDescription {
  if (pool === undefined) return defaultPool(fallbackId);
  if (typeof pool === 'string') return parsePoolJson(JSON.parse(readFileSync(pool, 'utf8')), fallbackId);
  return parsePoolJson(pool, fallbackId);
}

/** The node_modules folder the AWS SDK v3 clients are installed in (what Lambda's runtime provides on NODE_PATH). */
function sdkModulesDir(): string {
  const pkg = require.resolve('@aws-sdk/client-lambda/package.json');
  return pkg.slice(0, pkg.lastIndexOf(`${sep}@aws-sdk${sep}`));
}

/** AWS URL-encodes keys in S3 event notifications (spaces as '+'). */
export function encodeEventKey(key: string): string {
  return key.split('/').map((s) => encodeURIComponent(s).replace(/%20/g, '+')).join('/');
}

export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  const region = 'us-east-1';
  const accountId = ACCOUNT_ID;
  const clock = new Clock();
  const faults = new Faults();
  const logs: LogsService = new LogsService(() => clock.now(), accountId, region, (): boolean => cognito.behaviour.emptyLogPages);
  const events = new EventsService();
  const dynamodb = new DynamoDbService();
  let endpoint = '';
  const cognito: CognitoBackend = new CognitoBackend({
    clock, faults, logs, region, accountId,
    endpoint: () => endpoint,
    urlSecret: randomBytes(16).toString('hex'),
    timings: options.cognitoTimings,
    behaviour: typeof options.behaviour === 'string' ? loadBehaviourFile(options.behaviour) : options.behaviour,
  });
  const poolDesc = cognito.addPool(loadPool(options.pool, cognito.newPoolId()));
  const poolRegion = /^([a-z]{2}(-[a-z]+)+-\d)_/.exec(poolDesc.Id)?.[1] ?? region;
  const bucketName = options.bucketName ?? 'cognito-user-import';

  // Lambda functions (real bundles) and the workflow, from the synthesized template.
  const functions = new Map<string, LambdaFunction>();
  const workerActions: string[] = [];
  let notifications: LocalNotification[] = [];
  let incomingPrefix = 'incoming/';
  let reportPrefix = 'reports/';
  let stateMachineArn: string | undefined;

  const invokeLambda = async (fnRef: string, payload: unknown): Promise<unknown> => {
    const fn = functions.get(fnRef) ?? findFunction(functions.values(), fnRef);
    if (!fn) throw new LambdaError('ResourceNotFoundException', `Function not found: ${fnRef}`);
    const action = payload && typeof payload === 'object' ? (payload as any).action : undefined;
    if (typeof action === 'string' && fnRef === workerArn) workerActions.push(action);
    const result = await fn.invoke(payload);
    if (typeof action === 'string' && fnRef === workerArn && faults.takeCrash(action)) {
      throw new LambdaError('Runtime.ExitError', `RequestId: local Error: Runtime exited with error: signal: killed (injected after ${action})`);
    }
    return result;
  };
  let workerArn = '';

  const stepFunctions = new StepFunctionsService({
    // The pool's region: the template's ARNs are resolved in it.
    region: poolRegion, accountId, invokeLambda,
    putEvents: (entries) => events.handle('PutEvents', { Entries: entries }),
    timeScale: options.timeScale ?? 0.01,
  });

  const dataDir = options.dataDirectory ?? mkdtempSync(join(tmpdir(), 'cui-s3-'));
  // s3rver accepts only its own access key; the local cloud accepts any credentials.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const AWSAccount = require('s3rver/lib/models/account');
  if (!AWSAccount.registry.__anyKey) {
    const get = AWSAccount.registry.get.bind(AWSAccount.registry);
    AWSAccount.registry.get = (k: string) => get(k) ?? AWSAccount.DUMMY_ACCOUNT;
    AWSAccount.registry.__anyKey = true;
  }
  const S3rver = require('s3rver');
  /* eslint-enable @typescript-eslint/no-require-imports */

  // The sandbox's network: CloudFormation's response bucket is the local cloud (filled in once the port is known).
  const sandboxRoutes: Record<string, string> = {};
  const cfnResponses = new CfnResponses(poolRegion, () => clock.now());
  let workflowBuckets: string[] = [];
  let tables: TableDefinition[] = [];
  if (options.workflow !== false) {
    const synthOpts = {
      poolId: poolDesc.Id, region: poolRegion, accountId, bucketName, constructProps: options.constructProps, importers: options.importers,
      ...(options.stack ? { assemblyDir: options.stack.assemblyDir, stackName: options.stack.stackName } : {}),
    };
    const app = resolveTemplate(options.stack?.template ?? synthesizeTemplate(synthOpts), synthOpts);
    notifications = app.notifications;
    tables = app.tables;
    workflowBuckets = app.buckets;
    const sm = app.stateMachines[0];
    if (!sm) throw new Error('local cloud: the synthesized template has no state machine');
    for (const m of app.stateMachines) stepFunctions.addStateMachine(m.name, m.definition, m.roleArn);
    stateMachineArn = sm.arn;
    const ours = app.functions.filter((f): f is LocalFunction & { bundleDir: string } => f.bundleDir !== undefined);
    for (const f of ours) {
      const file = `${f.handler.split('.')[0]}.js`;
      if (!existsSync(join(f.bundleDir, file))) throw new Error(`local cloud: bundle ${f.bundleDir}/${file} is missing; run npm run build`);
    }
    // In an assembly, asset folders are named by hash: the worker is the function with the importer's prefixes.
    const worker = ours.find((f) => f.asset === 'worker') ?? ours.find((f) => f.env.REPORT_PREFIX !== undefined && f.env.WORK_PREFIX !== undefined);
    if (worker) {
      workerArn = worker.arn;
      incomingPrefix = worker.env.INCOMING_PREFIX ?? incomingPrefix;
      reportPrefix = worker.env.REPORT_PREFIX ?? reportPrefix;
    }
    for (const f of ours) {
      const env: Record<string, string> = {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        ...(process.env.HOME ? { HOME: process.env.HOME } : {}),
        TZ: 'UTC',
        LANG: 'en_US.UTF-8',
        NODE_OPTIONS: '--enable-source-maps',
        AWS_REGION: poolRegion,
        AWS_DEFAULT_REGION: poolRegion,
        AWS_ACCESS_KEY_ID: 'LOCALCLOUD',
        AWS_SECRET_ACCESS_KEY: 'LOCALCLOUD',
        AWS_SESSION_TOKEN: 'LOCALCLOUD',
        AWS_LAMBDA_FUNCTION_NAME: f.name,
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(f.memoryMb),
        AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${f.name}`,
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
        // As the Lambda runtime does: the AWS SDK v3 comes with it, on NODE_PATH (bundles leave it out).
        NODE_PATH: sdkModulesDir(),
        // Lambda runs Node.js 24; the SDK's warning about this machine's older Node.js is not the function's output.
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        POWERTOOLS_DEV: 'false',
        POWERTOOLS_LOG_LEVEL: process.env.LOCAL_CLOUD_LAMBDA_LOG_LEVEL ?? 'WARN',
        ...f.env,
        ...(f.asset === 'worker' ? options.workerEnv ?? {} : {}),
        // Set once the port is known (below).
        AWS_ENDPOINT_URL: '',
      };
      const [file, handlerName] = f.handler.split('.');
      functions.set(f.arn, new LambdaFunction({
        name: f.name, arn: f.arn, bundle: join(f.bundleDir, `${file}.js`), handlerName, env,
        timeoutMs: f.timeoutSeconds * 1000, memoryMb: f.memoryMb, output: options.lambdaOutput, routes: sandboxRoutes,
      }));
      (functions.get(f.arn) as any).envRef = env;
    }
  }

  const s3rver = new S3rver({
    silent: true,
    directory: dataDir,
    allowMismatchedSignatures: true,
    configureBuckets: [...new Set([bucketName, ...workflowBuckets])].map((name) => ({ name, configs: [] })),
  });
  confineStore(s3rver.store);
  allowLongKeySegments(require('s3rver/lib/stores/filesystem')); // eslint-disable-line @typescript-eslint/no-require-imports
  await s3rver.configureBuckets();

  // S3 object-created events → the trigger function (async invocation: 2 retries on error).
  let deliveriesInFlight = 0;
  const deliver = async (fnArn: string, event: unknown) => {
    deliveriesInFlight += 1;
    try {
      for (let attempt = 0; attempt < 3; attempt++) {
        try { await invokeLambda(fnArn, event); return; } catch { await sleep(50 * (attempt + 1)); }
      }
    } finally { deliveriesInFlight -= 1; }
  };
  s3rver.on('event', (ev: any) => {
    for (const record of ev?.Records ?? []) {
      const eventName: string = record.eventName ?? '';
      const bucket: string = record.s3?.bucket?.name;
      const key: string = record.s3?.object?.key ?? '';
      for (const n of notifications) {
        if (n.bucket !== bucket || !key.startsWith(n.prefix) || !key.endsWith(n.suffix)) continue;
        const matches = n.events.some((e) => e === `s3:${eventName}` || (e.endsWith(':*') && `s3:${eventName}`.startsWith(e.slice(0, -1))));
        if (!matches) continue;
        const out = {
          Records: [{
            ...record,
            awsRegion: poolRegion,
            eventSource: 'aws:s3',
            eventVersion: '2.1',
            s3: { ...record.s3, configurationId: 'local', bucket: { ...record.s3.bucket, arn: `arn:aws:s3:::${bucket}` }, object: { ...record.s3.object, key: encodeEventKey(key) } },
          }],
        };
        for (let i = 0, times = faults.s3EventDeliveryCount(); i < times; i++) void deliver(n.functionArn, JSON.parse(JSON.stringify(out)));
      }
    }
  });

  const adminToken = options.adminToken ?? randomBytes(16).toString('hex');
  const server = createLocalServer({
    json: {
      AWSCognitoIdentityProviderService: (op, body) => handleCognito(cognito, op, body),
      Logs_20140328: (op, body) => logs.handle(op, body),
      AWSEvents: (op, body) => events.handle(op, body),
      AWSStepFunctions: (op, body) => stepFunctions.handle(op, body),
    },
    rawJson: { DynamoDB_20120810: (req, res) => dynamodb.handle(req, res) },
    cognito,
    faults,
    maxUploadBytes: () => cognito.behaviour.maxPartBytes,
    s3: honourIfMatch(s3rver.callback(), s3rver.store, s3Error),
    adminToken,
    paths: {
      [LAMBDA_API_PATH]: lambdaApi({
        region: poolRegion, accountId,
        find: (ref) => findFunction(functions.values(), ref),
        invoke: (fn, payload) => invokeLambda(fn.arn, payload),
      }),
      [CFN_RESPONSE_PATH]: (req, res, url) => cfnResponses.handle(req, res, url),
    },
    admin: async (method, path, body) => {
      if (path === '/_local/health') return { ok: true, poolId: poolDesc.Id, bucket: bucketName };
      if (path === '/_local/faults' && method === 'POST') { faults.apply(body, clock.now()); return { ok: true }; }
      if (path === '/_local/clock' && method === 'POST') { clock.advance(Number(body.advanceMs) || 0); return { now: clock.now() }; }
      if (path === '/_local/cognito/timings' && method === 'POST') { Object.assign(cognito.timings, body); return cognito.timings; }
      if (path === '/_local/cognito/behaviour') { if (method === 'POST') cognito.behaviour = parseBehaviour(body, 'POST /_local/cognito/behaviour'); return cognito.behaviour; }
      if (path === '/_local/events') return events.recorded;
      throw new Error(`unknown admin route ${method} ${path}`);
    },
  });
  const requestedPort = options.port ?? DEFAULT_PORT;
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(requestedPort, '127.0.0.1', () => { server.off('error', reject); resolveListen(); });
  });
  const port = (server.address() as AddressInfo).port;
  endpoint = `http://127.0.0.1:${port}`;
  for (const f of functions.values()) (f as any).envRef.AWS_ENDPOINT_URL = endpoint;
  sandboxRoutes[responseHost(poolRegion)] = endpoint;
  await dynamodb.createTables(endpoint, poolRegion, tables);

  const clientEnv = {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: poolRegion,
    AWS_DEFAULT_REGION: poolRegion,
    AWS_ACCESS_KEY_ID: 'LOCALCLOUD',
    AWS_SECRET_ACCESS_KEY: 'LOCALCLOUD',
  };
  const s3 = new S3Client({
    endpoint, region: poolRegion, forcePathStyle: true,
    credentials: { accessKeyId: 'LOCALCLOUD', secretAccessKey: 'LOCALCLOUD' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });

  const allReports = async (): Promise<Array<{ objectKey: string; report: any }>> => {
    const out: Array<{ objectKey: string; report: any }> = [];
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucketName, Prefix: reportPrefix, ContinuationToken: token }));
      for (const o of page.Contents ?? []) {
        if (!o.Key?.endsWith('.json')) continue;
        const obj = await s3.send(new GetObjectCommand({ Bucket: bucketName, Key: o.Key }));
        try { out.push({ objectKey: o.Key, report: JSON.parse(await obj.Body!.transformToString('utf8')) }); } catch { /* partial */ }
      }
      token = page.NextContinuationToken;
    } while (token);
    return out;
  };

  let stopped = false;
  const cloud: LocalCloud = {
    endpoint, port, region: poolRegion, accountId, adminToken,
    poolId: poolDesc.Id, poolName: poolDesc.Name, bucket: bucketName,
    incomingPrefix, reportPrefix, stateMachineArn,
    faults, clock, cognito, logs, events, stepFunctions, dynamodb, s3, clientEnv, workerActions, cfnResponses, functions,
    async dropFile(file, key) {
      const body = typeof file === 'string' ? readFileSync(resolvePath(file)) : file;
      const objectKey = key ?? `${incomingPrefix}${typeof file === 'string' ? basename(file) : `upload-${Date.now()}.csv`}`;
      const r = await s3.send(new PutObjectCommand({ Bucket: bucketName, Key: objectKey, Body: body }));
      return { bucket: bucketName, key: objectKey, etag: (r.ETag ?? '').replace(/"/g, '') };
    },
    async reports(key) {
      const all = await allReports();
      return key === undefined ? all : all.filter((r) => r.report?.source?.key === key);
    },
    async waitForReport(key, opts = {}) {
      const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
      while (Date.now() < deadline) {
        const found = (await cloud.reports(key)).filter((r) => !opts.etag || (r.report?.source?.etag ?? '').replace(/"/g, '') === opts.etag);
        if (found.length) {
          found.sort((a, b) => String(b.report.completedAt).localeCompare(String(a.report.completedAt)));
          return found[0].report;
        }
        if (stopped) break;
        await sleep(100);
      }
      throw new Error(`local cloud: no report for ${key} within the time limit`);
    },
    async settle(timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const busy = deliveriesInFlight > 0 || stepFunctions.running().length > 0
          || cognito.allJobs().some((j) => ACTIVE.includes(j.Status));
        if (!busy) {
          await sleep(50);
          if (deliveriesInFlight === 0 && stepFunctions.running().length === 0) return;
        }
        await sleep(50);
      }
      throw new Error('local cloud: still busy at the time limit');
    },
    jobs() { return cognito.allJobs().filter((j) => j.UserPoolId === poolDesc.Id); },
    async stop() {
      if (stopped) return;
      stopped = true;
      stepFunctions.stop();
      cognito.stop();
      dynamodb.stop();
      await Promise.all([...functions.values()].map((f) => f.stop()));
      s3.destroy();
      await new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); });
      if (!options.dataDirectory) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return cloud;
}
