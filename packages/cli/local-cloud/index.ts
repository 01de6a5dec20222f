/**
 * The local cloud: S3 (s3rver), the Cognito subset, CloudWatch Logs, EventBridge and Step Functions on
 * ONE loopback port, running the real bundled handlers and the real synthesized workflow.
 *
 *   const cloud = await startLocalCloud({ port: 0 });
 *   await cloud.dropFile('users.csv');
 *   const report = await cloud.waitForReport('incoming/users.csv');
 *   await cloud.stop();
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'crypto';
import { readFileSync } from 'fs';
import { basename, resolve as resolvePath } from 'path';
import { adminRoutes } from './server/admin';
import { CFN_RESPONSE_PATH, CfnResponses, responseHost } from './lambda/cfn-response-receiver';
import { ACTIVE, CognitoBackend, CognitoBehaviour, CognitoTimings, handleCognito, ImportJob, loadBehaviourFile } from './cognito';
import { DynamoDbService } from './services/dynamodb';
import { EventsService } from './services/events';
import { Faults } from './faults';
import { LambdaFunction } from './lambda/lambda';
import { LAMBDA_API_PATH, lambdaApi } from './lambda/lambda-api';
import { sharedFacts } from './shared-facts';
import { BundledFunction, checkBundles, LambdaService } from './lambda/lambda-service';
import { listenOnLoopback, LoopbackListener } from './server/listen';
import { LogsService } from './services/logs';
import { defaultPool, parsePoolJson, PoolDescription } from './pool';
import { readReports, StoredReport } from './reports';
import { S3Service } from './s3/s3';
import { notify, routeToEventBridge } from './s3/s3-notifications';
import { localRequestListener } from './server/server';
import { StepFunctionsService } from './services/stepfunctions';
import { resolveTemplate, ResolvedApp, synthesizeTemplate } from './template';
import { Clock, sleep } from './util';

export { Faults } from './faults';
export { Clock } from './util';
export { TOKEN_HEADER } from './server/request-guard';
export type { CognitoBehaviour, ImportJob } from './cognito';
export { DEFAULT_BEHAVIOUR, parseBehaviour, loadBehaviourFile } from './cognito';
export { encodeEventKey } from './s3/s3-notifications';

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
   * Answers to points AWS does not document (a behaviour file's path, or the object): see docs/local-cloud.md,
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
  /** The template's functions whose code is missing from the assembly (they are not run), with why. */
  readonly functionsWithoutCode: ReadonlyArray<{ readonly logicalId: string; readonly problem: string }>;
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
  reports(key?: string): Promise<StoredReport[]>;
  /** Each version's own report (of the dropped `key`, or all), kept under the report's `.versions/` folder. */
  versionReports(key?: string): Promise<StoredReport[]>;
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

/** The stack the local cloud runs: the given one or a synthesized `CognitoUserImport`, its references resolved. */
function loadApp(options: LocalCloudOptions, poolId: string, region: string, bucketName: string): ResolvedApp {
  const synthOpts = {
    poolId, region, accountId: ACCOUNT_ID, bucketName, constructProps: options.constructProps, importers: options.importers,
    ...(options.stack ? { assemblyDir: options.stack.assemblyDir, stackName: options.stack.stackName } : {}),
  };
  const app = resolveTemplate(options.stack?.template ?? synthesizeTemplate(synthOpts), synthOpts);
  if (!app.stateMachines[0]) throw new Error('local cloud: the synthesized template has no state machine');
  return app;
}

/** The importer's worker: in an assembly, asset folders are named by hash, so it is the function with the importer's prefixes. */
function findWorker(functions: readonly BundledFunction[]): BundledFunction | undefined {
  return functions.find((f) => f.asset === 'worker') ?? functions.find((f) => f.env.REPORT_PREFIX !== undefined && f.env.WORK_PREFIX !== undefined);
}

/**
 * Listens on the port first, then builds every service with the endpoint it now knows, then serves: S3,
 * Cognito, DynamoDB, CloudWatch Logs, EventBridge, Step Functions, Lambda and CloudFormation's response
 * receiver, wired explicitly below.
 */
export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  const listener = await listenOnLoopback(options.port ?? DEFAULT_PORT);
  try {
    return await startServices(listener, options);
  } catch (e) {
    await listener.close();
    throw e;
  }
}

async function startServices(listener: LoopbackListener, options: LocalCloudOptions): Promise<LocalCloud> {
  const { endpoint, port } = listener;
  const region = 'us-east-1';
  const accountId = ACCOUNT_ID;
  const clock = new Clock();
  const faults = new Faults();
  const logs: LogsService = new LogsService(() => clock.now(), accountId, region, (): boolean => cognito.behaviour.emptyLogPages);
  const events = new EventsService();
  const cognito = new CognitoBackend({
    clock, faults, logs, region, accountId, endpoint,
    urlSecret: randomBytes(16).toString('hex'),
    timings: options.cognitoTimings,
    behaviour: typeof options.behaviour === 'string' ? loadBehaviourFile(options.behaviour) : options.behaviour,
  });
  const poolDesc = cognito.addPool(loadPool(options.pool, cognito.newPoolId()));
  // The pool's region: the template's ARNs are resolved in it.
  const poolRegion = /^([a-z]{2}(-[a-z]+)+-\d)_/.exec(poolDesc.Id)?.[1] ?? region;
  const bucketName = options.bucketName ?? 'cognito-user-import';
  const app = options.workflow !== false ? loadApp(options, poolDesc.Id, poolRegion, bucketName) : undefined;

  // Lambda: the functions with code, their AWS calls (and CloudFormation's response bucket) going to this endpoint.
  // A function whose code an assembly lacks is not run: invoking it names the missing asset.
  const bundled = (app?.functions ?? []).filter((f): f is BundledFunction => f.bundleDir !== undefined && f.codeProblem === undefined);
  const withoutCode = (app?.functions ?? []).filter((f) => f.codeProblem !== undefined);
  checkBundles(bundled);
  const worker = findWorker(bundled);
  const lambda = new LambdaService(bundled, worker?.arn, {
    withoutCode,
    endpoint, region: poolRegion, faults, workerEnv: options.workerEnv, output: options.lambdaOutput,
    sandboxRoutes: { [responseHost(poolRegion)]: endpoint },
  });
  const stepFunctions = new StepFunctionsService({
    region: poolRegion, accountId,
    invokeLambda: (ref, payload) => lambda.invoke(ref, payload),
    putEvents: (entries) => events.handle('PutEvents', { Entries: entries }),
    timeScale: options.timeScale ?? 0.01,
  });
  for (const m of app?.stateMachines ?? []) stepFunctions.addStateMachine(m.name, m.definition, m.roleArn);
  const cfnResponses = new CfnResponses(poolRegion, () => clock.now());
  const dynamodb = new DynamoDbService(endpoint, poolRegion);
  const s3Service = await S3Service.start({
    directory: options.dataDirectory,
    buckets: [bucketName, ...(app?.buckets ?? [])],
    // S3 object events → the notified functions (asynchronous invocations).
    onObjectEvent: (record) => {
      const deliver = (arn: string, event: unknown) => lambda.invokeAsync(arn, event);
      notify(record, app?.notifications ?? [], poolRegion, faults, deliver);
      routeToEventBridge(record, { buckets: app?.eventBridgeBuckets ?? [], rules: app?.eventRules ?? [], accountId }, poolRegion, faults, deliver);
    },
  });

  const adminToken = options.adminToken ?? randomBytes(16).toString('hex');
  listener.serve(localRequestListener({
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
    s3: s3Service.handle,
    adminToken,
    paths: {
      [LAMBDA_API_PATH]: lambdaApi({
        region: poolRegion, accountId,
        find: (ref) => lambda.find(ref),
        missingCode: (ref) => lambda.missingCode(ref),
        invoke: (fn, payload) => lambda.invoke(fn.arn, payload),
      }),
      [CFN_RESPONSE_PATH]: (req, res, url) => cfnResponses.handle(req, res, url),
    },
    admin: adminRoutes({ poolId: poolDesc.Id, bucket: bucketName, faults, clock, cognito, events }),
  }));
  // The deployment would have created the template's tables; created through the port now being served.
  await dynamodb.createTables(app?.tables ?? []);

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
  const prefixes = sharedFacts('defaults').DEFAULT_PREFIXES;
  const incomingPrefix = worker?.env.INCOMING_PREFIX ?? prefixes.incoming;
  const reportPrefix = worker?.env.REPORT_PREFIX ?? prefixes.report;

  let stopped = false;
  /** What is still in flight, for a timeout's message: where a stuck run stopped shows there. */
  const busyState = (): string => {
    const runs = stepFunctions.running().map((e) => `${e.name} in ${e.states[e.states.length - 1] ?? '(no state yet)'}`);
    const jobs = cognito.allJobs().map((j) => `${j.JobId} ${j.Status}`);
    const invoking = [...lambda.functions.values()].filter((f) => f.inFlight > 0).map((f) => `${f.name} ×${f.inFlight}`);
    return `executions running: ${runs.join(', ') || 'none'}; event deliveries in flight: ${lambda.asyncInvocationsInFlight}; ` +
      `functions answering: ${invoking.join(', ') || 'none'}; import jobs: ${jobs.join(', ') || 'none'}`;
  };
  const cloud: LocalCloud = {
    endpoint, port, region: poolRegion, accountId, adminToken,
    functionsWithoutCode: withoutCode.map((f) => ({ logicalId: f.logicalId, problem: f.codeProblem! })),
    poolId: poolDesc.Id, poolName: poolDesc.Name, bucket: bucketName,
    incomingPrefix, reportPrefix, stateMachineArn: app?.stateMachines[0].arn,
    faults, clock, cognito, logs, events, stepFunctions, dynamodb, s3, clientEnv, cfnResponses,
    workerActions: lambda.workerActions,
    functions: lambda.functions,
    async dropFile(file, key) {
      const body = typeof file === 'string' ? readFileSync(resolvePath(file)) : file;
      const objectKey = key ?? `${incomingPrefix}${typeof file === 'string' ? basename(file) : `upload-${Date.now()}.csv`}`;
      const r = await s3.send(new PutObjectCommand({ Bucket: bucketName, Key: objectKey, Body: body }));
      return { bucket: bucketName, key: objectKey, etag: (r.ETag ?? '').replace(/"/g, '') };
    },
    async reports(key) {
      const all = await readReports(s3, bucketName, reportPrefix);
      return key === undefined ? all : all.filter((r) => r.report?.source?.key === key);
    },
    async versionReports(key) {
      const all = await readReports(s3, bucketName, reportPrefix, { versions: true });
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
      throw new Error(`local cloud: no report for ${key} within the time limit (${busyState()})`);
    },
    async settle(timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      const quiet = () => lambda.asyncInvocationsInFlight === 0 && stepFunctions.running().length === 0;
      while (Date.now() < deadline) {
        if (quiet() && !cognito.allJobs().some((j) => ACTIVE.includes(j.Status))) {
          await sleep(50);
          if (quiet()) return;
        }
        await sleep(50);
      }
      throw new Error(`local cloud: still busy at the time limit (${busyState()})`);
    },
    jobs() { return cognito.allJobs().filter((j) => j.UserPoolId === poolDesc.Id); },
    async stop() {
      if (stopped) return;
      stopped = true;
      stepFunctions.stop();
      cognito.stop();
      dynamodb.stop();
      await lambda.stop();
      s3.destroy();
      await listener.close();
      s3Service.stop();
    },
  };
  return cloud;
}
