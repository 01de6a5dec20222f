/**
 * Runs a bundled handler (assets/lambda/<name>/index.js) like Lambda would: in its own sandbox (a worker
 * thread with its own environment), invoked with an event and a context, its errors reported with the
 * handler's `error.name` as `errorType`. Handler output (Powertools logs, EMF metrics) is captured, not
 * mixed into the CLI's stdout.
 */
import { randomUUID } from 'crypto';
import { join } from 'path';
import { Worker } from 'worker_threads';

const HOST_CODE = `
const { parentPort, workerData } = require('worker_threads');
// Lambda's runtime puts its own modules (the AWS SDK v3) on NODE_PATH; paths are read once at start.
if (process.env.NODE_PATH) require('module').Module._initPaths();
if (workerData.routes) require(workerData.routesModule).install(workerData.routes);
let mod;
try { mod = require(workerData.bundle); } catch (e) { mod = { loadError: e }; }
parentPort.on('message', async (raw) => {
  const m = JSON.parse(raw);
  const deadline = Date.now() + workerData.timeoutMs;
  const context = {
    functionName: workerData.functionName, functionVersion: '$LATEST', invokedFunctionArn: workerData.functionArn,
    memoryLimitInMB: String(workerData.memoryMb), awsRequestId: m.requestId, logGroupName: '/aws/lambda/' + workerData.functionName,
    logStreamName: 'local/[$LATEST]' + m.requestId.replace(/-/g, ''), callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done() {}, succeed() {}, fail() {},
  };
  try {
    if (mod.loadError) throw mod.loadError;
    const handler = mod[workerData.handlerName];
    if (typeof handler !== 'function') { const e = new Error('Handler ' + workerData.handlerName + ' is not a function'); e.name = 'Runtime.HandlerNotFound'; throw e; }
    const result = await handler(m.event, context);
    parentPort.postMessage(JSON.stringify({ id: m.id, ok: true, result: result === undefined ? null : result }));
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    parentPort.postMessage(JSON.stringify({ id: m.id, ok: false, error: { errorType: err.name || 'Error', errorMessage: String(err.message), trace: String(err.stack || '').split('\\n') } }));
  }
});
`;

/** A Lambda function error as the Lambda service reports it. */
export class LambdaError extends Error {
  constructor(public readonly errorType: string, public readonly errorMessage: string, public readonly trace: string[] = []) {
    super(JSON.stringify({ errorType, errorMessage, trace }));
    this.name = errorType;
  }
}

export interface LambdaFunctionOptions {
  name: string;
  arn: string;
  /** Absolute path of the bundle (file or directory with index.js). */
  bundle: string;
  handlerName?: string;
  env: Record<string, string>;
  timeoutMs?: number;
  memoryMb?: number;
  /** Where the handler's stdout/stderr go. */
  output?: (chunk: string) => void;
  /**
   * Hosts the sandbox's network sends to a local endpoint instead (`hostname` → `http://127.0.0.1:port`),
   * read when the function first runs: e.g. CloudFormation's response bucket (see `host-routes.ts`).
   */
  routes?: Record<string, string>;
}

export class LambdaFunction {
  readonly name: string;
  readonly arn: string;
  private worker: Worker | undefined;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private seq = 0;
  invocations = 0;

  constructor(private readonly opts: LambdaFunctionOptions) {
    this.name = opts.name;
    this.arn = opts.arn;
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(HOST_CODE, {
      eval: true,
      env: this.opts.env,
      stdout: true,
      stderr: true,
      workerData: {
        bundle: this.opts.bundle,
        handlerName: this.opts.handlerName ?? 'handler',
        functionName: this.opts.name,
        functionArn: this.opts.arn,
        timeoutMs: this.opts.timeoutMs ?? 900_000,
        memoryMb: this.opts.memoryMb ?? 1024,
        ...(this.opts.routes && Object.keys(this.opts.routes).length ? { routes: this.opts.routes, routesModule: join(__dirname, 'host-routes') } : {}),
      },
    });
    const out = this.opts.output ?? (() => undefined);
    w.stdout.on('data', (c: Buffer) => out(c.toString('utf8')));
    w.stderr.on('data', (c: Buffer) => out(c.toString('utf8')));
    w.on('message', (raw: string) => {
      const m = JSON.parse(raw) as { id: number; ok: boolean; result?: unknown; error?: { errorType: string; errorMessage: string; trace: string[] } };
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(new LambdaError(m.error!.errorType, m.error!.errorMessage, m.error!.trace));
    });
    const failAll = (e: Error) => {
      for (const p of this.pending.values()) p.reject(new LambdaError('Runtime.ExitError', `Runtime exited with error: ${e.message}`));
      this.pending.clear();
      this.worker = undefined;
    };
    w.on('error', failAll);
    w.on('exit', (code) => failAll(new Error(`exit status ${code}`)));
    w.unref();
    this.worker = w;
    return w;
  }

  /** Invocations not yet answered. */
  get inFlight(): number { return this.pending.size; }

  /** Invokes the handler with `event` (a JSON value); resolves its result or rejects with a LambdaError. */
  invoke(event: unknown): Promise<unknown> {
    const w = this.start();
    const id = ++this.seq;
    this.invocations += 1;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.postMessage(JSON.stringify({ id, requestId: randomUUID(), event }));
    });
  }

  async stop(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }
}
