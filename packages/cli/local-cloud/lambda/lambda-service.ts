/**
 * AWS Lambda: the template's functions with code (real bundles, each in its own sandbox), built once the
 * local cloud's endpoint is known, invoked synchronously (Step Functions, the Lambda API) or asynchronously
 * (S3 events: two retries on error, as Lambda's async invocation does). Worker actions are recorded for tests,
 * and an injected crash fault ends a worker invocation the way a killed runtime does.
 */
import { existsSync } from 'fs';
import { join, sep } from 'path';
import { Faults } from '../faults';
import { LambdaError, LambdaFunction } from './lambda';
import { findFunction } from './lambda-api';
import { LocalFunction } from '../template';
import { sleep } from '../util';

export interface LambdaServiceOptions {
  /** The local cloud's endpoint: every AWS call of a function goes there. */
  readonly endpoint: string;
  readonly region: string;
  readonly faults: Faults;
  /** Hostnames the sandboxes' network sends to the local cloud (see host-routes.ts). */
  readonly sandboxRoutes: Record<string, string>;
  /** Environment overrides for the worker function. */
  readonly workerEnv?: Record<string, string>;
  /** Where the handlers' own output goes. @default discarded */
  readonly output?: (chunk: string) => void;
  /** The template's functions whose code is not there (an assembly missing an asset), with why. */
  readonly withoutCode?: readonly LocalFunction[];
}

/** A template function with code in this checkout or an assembly. */
export type BundledFunction = LocalFunction & { bundleDir: string };

/** The node_modules folder the AWS SDK v3 clients are installed in (what Lambda's runtime provides on NODE_PATH). */
function sdkModulesDir(): string {
  const pkg = require.resolve('@aws-sdk/client-lambda/package.json');
  return pkg.slice(0, pkg.lastIndexOf(`${sep}@aws-sdk${sep}`));
}

/** The environment Lambda's Node.js runtime gives `f`, then its own variables, pointed at the local cloud. */
function runtimeEnv(f: BundledFunction, opts: LambdaServiceOptions): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    ...(process.env.HOME ? { HOME: process.env.HOME } : {}),
    TZ: 'UTC',
    LANG: 'en_US.UTF-8',
    NODE_OPTIONS: '--enable-source-maps',
    AWS_REGION: opts.region,
    AWS_DEFAULT_REGION: opts.region,
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
    ...(f.asset === 'worker' ? opts.workerEnv ?? {} : {}),
    AWS_ENDPOINT_URL: opts.endpoint,
  };
}

/** Throws unless every function's bundle file exists (the assets are built by `npm run build`). */
export function checkBundles(functions: readonly BundledFunction[]): void {
  for (const f of functions) {
    const file = `${f.handler.split('.')[0]}.js`;
    if (!existsSync(join(f.bundleDir, file))) throw new Error(`local cloud: bundle ${f.bundleDir}/${file} is missing; run npm run build`);
  }
}

export class LambdaService {
  /** The functions, by ARN. */
  readonly functions = new Map<string, LambdaFunction>();
  /** Every worker invocation's action, in order (tests). */
  readonly workerActions: string[] = [];
  private asyncInFlight = 0;
  private stopped = false;

  /** `workerArn`: the importer's worker, whose actions are recorded and may crash by fault. */
  constructor(bundled: readonly BundledFunction[], private readonly workerArn: string | undefined, private readonly opts: LambdaServiceOptions) {
    for (const f of bundled) {
      const [file, handlerName] = f.handler.split('.');
      this.functions.set(f.arn, new LambdaFunction({
        name: f.name, arn: f.arn, bundle: join(f.bundleDir, `${file}.js`), handlerName, env: runtimeEnv(f, opts),
        timeoutMs: f.timeoutSeconds * 1000, memoryMb: f.memoryMb, output: opts.output, routes: opts.sandboxRoutes,
      }));
    }
  }

  /** Why a function of the template has no code here (its asset is missing from the assembly), if that is why it is not found. */
  missingCode(ref: string): string | undefined {
    const bare = ref.replace(/:\$LATEST$/, '');
    return this.opts.withoutCode?.find((f) => f.arn === bare || f.name === bare || f.arn.endsWith(`:${bare}`))?.codeProblem;
  }

  /** A function by ARN, name or partial ARN. */
  find(ref: string): LambdaFunction | undefined { return this.functions.get(ref) ?? findFunction(this.functions.values(), ref); }

  /** A synchronous invocation: the handler's result, or its error as a LambdaError. */
  async invoke(ref: string, payload: unknown): Promise<unknown> {
    // After stop, a late retry or a still-running execution must not start a sandbox that nobody ends.
    if (this.stopped) throw new LambdaError('ServiceException', 'The local cloud has stopped.');
    const fn = this.find(ref);
    if (!fn) {
      const why = this.missingCode(ref);
      throw new LambdaError('ResourceNotFoundException', `Function not found: ${ref}${why ? ` (${why})` : ''}`);
    }
    const action = payload && typeof payload === 'object' && 'action' in payload ? payload.action : undefined;
    const isWorker = ref === this.workerArn && typeof action === 'string';
    if (isWorker) this.workerActions.push(action);
    const result = await fn.invoke(payload);
    if (isWorker && this.opts.faults.takeCrash(action)) {
      throw new LambdaError('Runtime.ExitError', `RequestId: local Error: Runtime exited with error: signal: killed (injected after ${action})`);
    }
    return result;
  }

  /** An asynchronous invocation (an S3 event): up to three attempts, the outcome not reported. */
  invokeAsync(ref: string, event: unknown): void {
    this.asyncInFlight += 1;
    void (async () => {
      try {
        for (let attempt = 0; attempt < 3; attempt++) {
          try { await this.invoke(ref, event); return; } catch { await sleep(50 * (attempt + 1)); }
        }
      } finally { this.asyncInFlight -= 1; }
    })();
  }

  /** Asynchronous invocations not finished yet. */
  get asyncInvocationsInFlight(): number { return this.asyncInFlight; }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.functions.values()].map((f) => f.stop()));
  }
}
