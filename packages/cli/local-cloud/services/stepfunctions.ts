/**
 * AWS Step Functions subset (AWS JSON 1.0, `X-Amz-Target: AWSStepFunctions.<Op>`): StartExecution,
 * DescribeExecution, ListExecutions, StopExecution, DescribeStateMachine, ListStateMachines.
 * Executions run the synthesized definition in aws-local-stepfunctions. Every Task state is handled
 * generically: a Lambda function ARN (payloadResponseOnly), `arn:aws:states:::lambda:invoke` (result
 * wrapped as `{Payload}`), or `arn:aws:states:::events:putEvents`. Time is compressed: Retry intervals and
 * Wait durations are multiplied by `timeScale`.
 */
import { EventEmitter, setMaxListeners } from 'events';
import '../promise-with-resolvers';
import { AwsError, epochSeconds, sleep } from '../util';

export type InvokeLambda = (functionArnOrName: string, payload: unknown) => Promise<unknown>;
export type PutEvents = (entries: unknown[]) => unknown;

interface Machine { arn: string; name: string; definition: any; roleArn: string; createdAt: number }
export interface Execution {
  arn: string;
  name: string;
  machineArn: string;
  input: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  startDate: number;
  stopDate?: number;
  output?: string;
  error?: string;
  cause?: string;
  abort?: () => void;
  done: Promise<void>;
  /** State names entered, in order (progress, tests). */
  states: string[];
  /** Every event of the run with each state's input and output, as GetExecutionHistory holds them (tests). */
  history: unknown[];
}

export interface StepFunctionsOptions {
  region: string;
  accountId: string;
  invokeLambda: InvokeLambda;
  putEvents: PutEvents;
  /** Multiplier for Retry intervals and Wait durations (0.01 = a minute takes 0.6 s). */
  timeScale: number;
}

// Step Functions' name rule excludes control characters, so the pattern names them.
const NAME_RE = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]{1,80}$/;

export class StepFunctionsService extends EventEmitter {
  readonly machines = new Map<string, Machine>();
  readonly executions = new Map<string, Execution>();
  private readonly controller = new AbortController();

  constructor(private readonly opts: StepFunctionsOptions) {
    super();
    // Every execution in a Wait listens for stop() while it waits: a queue of many files holds many at
    // once (each removed when its wait ends), which is not the leak Node's warning past ten is about.
    setMaxListeners(0, this.controller.signal);
  }

  addStateMachine(name: string, definition: unknown, roleArn = `arn:aws:iam::${this.opts.accountId}:role/${name}-role`): string {
    const arn = `arn:aws:states:${this.opts.region}:${this.opts.accountId}:stateMachine:${name}`;
    this.machines.set(arn, { arn, name, definition, roleArn, createdAt: Date.now() });
    return arn;
  }

  running(): Execution[] { return [...this.executions.values()].filter((e) => e.status === 'RUNNING'); }

  /** Resolves when no execution is running. */
  async idle(): Promise<void> {
    for (;;) {
      const r = this.running();
      if (r.length === 0) return;
      await Promise.all(r.map((e) => e.done));
    }
  }

  stop(): void {
    this.controller.abort();
    for (const e of this.running()) {
      e.status = 'ABORTED';
      e.stopDate = Date.now();
      e.abort?.();
    }
  }

  async handle(op: string, body: Record<string, any>): Promise<unknown> {
    switch (op) {
      case 'StartExecution': return this.startExecution(body);
      case 'DescribeExecution': {
        const e = this.executions.get(body.executionArn);
        if (!e) throw new AwsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${String(body.executionArn)}'`);
        return {
          executionArn: e.arn, stateMachineArn: e.machineArn, name: e.name, status: e.status,
          startDate: epochSeconds(e.startDate), ...(e.stopDate ? { stopDate: epochSeconds(e.stopDate) } : {}),
          input: e.input, inputDetails: { included: true },
          ...(e.output !== undefined ? { output: e.output, outputDetails: { included: true } } : {}),
          ...(e.error !== undefined ? { error: e.error } : {}), ...(e.cause !== undefined ? { cause: e.cause } : {}),
        };
      }
      case 'ListExecutions': {
        const m = this.machines.get(body.stateMachineArn);
        if (!m) throw new AwsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${String(body.stateMachineArn)}'`);
        const all = [...this.executions.values()].filter((e) => e.machineArn === m.arn && (!body.statusFilter || e.status === body.statusFilter)).reverse();
        const max = Number(body.maxResults) || 100;
        const start = body.nextToken ? Number(body.nextToken) || 0 : 0;
        const page = all.slice(start, start + max);
        return {
          executions: page.map((e) => ({ executionArn: e.arn, stateMachineArn: e.machineArn, name: e.name, status: e.status, startDate: epochSeconds(e.startDate), ...(e.stopDate ? { stopDate: epochSeconds(e.stopDate) } : {}) })),
          ...(start + max < all.length ? { nextToken: String(start + max) } : {}),
        };
      }
      case 'StopExecution': {
        const e = this.executions.get(body.executionArn);
        if (!e) throw new AwsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${String(body.executionArn)}'`);
        if (e.status === 'RUNNING') {
          e.status = 'ABORTED';
          e.stopDate = Date.now();
          e.error = body.error; e.cause = body.cause;
          e.abort?.();
        }
        return { stopDate: epochSeconds(e.stopDate ?? Date.now()) };
      }
      case 'DescribeStateMachine': {
        const m = this.machines.get(body.stateMachineArn);
        if (!m) throw new AwsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${String(body.stateMachineArn)}'`);
        return { stateMachineArn: m.arn, name: m.name, status: 'ACTIVE', definition: JSON.stringify(m.definition), roleArn: m.roleArn, type: 'STANDARD', creationDate: epochSeconds(m.createdAt) };
      }
      case 'ListStateMachines':
        return { stateMachines: [...this.machines.values()].map((m) => ({ stateMachineArn: m.arn, name: m.name, type: 'STANDARD', creationDate: epochSeconds(m.createdAt) })) };
      default:
        throw new AwsError('UnknownOperationException', `Operation ${op} is not supported by the local cloud.`);
    }
  }

  private startExecution(body: Record<string, any>): unknown {
    const m = this.machines.get(body.stateMachineArn);
    if (!m) throw new AwsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${String(body.stateMachineArn)}'`);
    const name: string = body.name ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
    if (!NAME_RE.test(name)) throw new AwsError('InvalidName', `Invalid Name: '${name.slice(0, 80)}'`);
    const input: string = body.input ?? '{}';
    let parsed: unknown;
    try { parsed = JSON.parse(input); } catch { throw new AwsError('InvalidExecutionInput', 'Invalid State Machine Execution Input: not valid JSON'); }
    const arn = `arn:aws:states:${this.opts.region}:${this.opts.accountId}:execution:${m.name}:${name}`;
    const existing = this.executions.get(arn);
    if (existing) {
      // AWS: same name and input while running → the same answer; otherwise ExecutionAlreadyExists.
      if (existing.status === 'RUNNING' && existing.input === input) return { executionArn: arn, startDate: epochSeconds(existing.startDate) };
      throw new AwsError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
    }
    const exec: Execution = { arn, name, machineArn: m.arn, input, status: 'RUNNING', startDate: Date.now(), done: Promise.resolve(), states: [], history: [] };
    this.executions.set(arn, exec);
    exec.done = this.run(m, exec, parsed);
    this.emit('execution', exec);
    return { executionArn: arn, startDate: epochSeconds(exec.startDate) };
  }

  private async run(m: Machine, exec: Execution, input: unknown): Promise<void> {
    // Loaded lazily: it is an ES module bundle with a CommonJS build (it needs Promise.withResolvers: imported above).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { StateMachine } = require('aws-local-stepfunctions') as typeof import('aws-local-stepfunctions');
    const handlers: Record<string, (input: any) => Promise<any>> = {};
    const definition = this.prepare(m.definition, handlers);
    try {
      const sm = new StateMachine(definition, { validationOptions: { noValidate: true } });
      const run = sm.run(input as any, {
        overrides: { taskResourceLocalHandlers: handlers },
        noThrowOnAbort: true,
        context: {
          Execution: { Id: exec.arn, Name: exec.name, RoleArn: m.roleArn, StartTime: new Date(exec.startDate).toISOString() },
          StateMachine: { Id: m.arn, Name: m.name },
        },
      });
      exec.abort = run.abort;
      void (async () => {
        try {
          for await (const ev of run.eventLogs) {
            exec.history.push(ev);
            if (ev.type === 'StateEntered') { exec.states.push(ev.state.name); this.emit('state', exec, ev.state.name); }
          }
        } catch { /* the log ends with the execution */ }
      })();
      const result = await run.result;
      if (exec.status === 'RUNNING') {
        exec.status = 'SUCCEEDED';
        exec.output = JSON.stringify(result ?? null);
      }
    } catch (e) {
      if (exec.status === 'RUNNING') {
        const err = e as Error & { cause?: any };
        const cause = err.cause as Error | undefined;
        if (err.name === 'ExecutionTimeoutError') { exec.status = 'TIMED_OUT'; } else {
          exec.status = 'FAILED';
          exec.error = cause?.name ?? err.name;
          exec.cause = cause?.message ?? err.message;
        }
      }
    } finally {
      exec.stopDate = exec.stopDate ?? Date.now();
      this.emit('executionDone', exec);
    }
  }

  /** Copies the definition, compresses time, and registers a local handler for every Task (and Wait). */
  private prepare(definition: any, handlers: Record<string, (input: any) => Promise<any>>): any {
    const def = JSON.parse(JSON.stringify(definition));
    const scale = this.opts.timeScale;
    const signal = this.controller.signal;
    const walk = (machine: any) => {
      for (const [name, state] of Object.entries<any>(machine.States ?? {})) {
        // aws-local-stepfunctions writes ResultPath "$" to a key named "$"; in ASL it replaces the input (= no ResultPath).
        if (state.ResultPath === '$') delete state.ResultPath;
        for (const c of state.Catch ?? []) if (c.ResultPath === '$') delete c.ResultPath;
        if (Array.isArray(state.Retry)) {
          for (const r of state.Retry) {
            r.IntervalSeconds = (r.IntervalSeconds ?? 1) * scale;
            if (r.MaxDelaySeconds !== undefined) r.MaxDelaySeconds = r.MaxDelaySeconds * scale;
          }
        }
        if (state.Type === 'Task') {
          if (state.TimeoutSeconds === undefined && state.TimeoutSecondsPath === undefined) state.TimeoutSeconds = 3600;
          handlers[name] = this.taskHandler(state.Resource, state.Parameters !== undefined);
        } else if (state.Type === 'Wait') {
          const { Seconds, SecondsPath, Timestamp, TimestampPath } = state;
          delete state.Seconds; delete state.SecondsPath; delete state.Timestamp; delete state.TimestampPath;
          state.Type = 'Task';
          state.Resource = 'arn:aws:states:::local:wait';
          state.ResultPath = null;
          handlers[name] = async (input: any) => {
            let seconds = 0;
            if (typeof Seconds === 'number') seconds = Seconds;
            else if (typeof SecondsPath === 'string') seconds = Number(jsonPath(input, SecondsPath)) || 0;
            else {
              const ts = typeof Timestamp === 'string' ? Timestamp : String(jsonPath(input, TimestampPath));
              seconds = Math.max(0, (Date.parse(ts) - Date.now()) / 1000);
            }
            // (sleep removes its abort listener when the wait ends: one was left per Wait, thousands in a long run.)
            await sleep(seconds * scale * 1000, signal);
            return input;
          };
        } else if (state.Type === 'Map') {
          walk(state.ItemProcessor ?? state.Iterator);
        } else if (state.Type === 'Parallel') {
          for (const b of state.Branches ?? []) walk(b);
        }
      }
    };
    walk(def);
    return def;
  }

  private taskHandler(resource: string, _hasParameters: boolean): (input: any) => Promise<any> {
    if (/^arn:[^:]+:lambda:[^:]+:\d+:function:[^:]+(:.+)?$/.test(resource)) {
      return (input) => this.opts.invokeLambda(resource, input);
    }
    if (/^arn:[^:]+:states:::lambda:invoke$/.test(resource)) {
      return async (input) => {
        const payload = await this.opts.invokeLambda(input.FunctionName, input.Payload ?? null);
        return { ExecutedVersion: '$LATEST', Payload: payload, StatusCode: 200, SdkHttpMetadata: { HttpStatusCode: 200 }, SdkResponseMetadata: {} };
      };
    }
    if (/^arn:[^:]+:states:::events:putEvents$/.test(resource)) {
      return async (input) => this.opts.putEvents(input.Entries ?? []);
    }
    return async () => {
      const e = new Error(`The local cloud cannot run Task resource ${resource}`);
      e.name = 'States.Runtime';
      throw e;
    };
  }
}

/** Reads a simple JSONPath (`$`, `$.a.b`, `$.a[0]`). */
export function jsonPath(value: any, path: string): any {
  if (path === '$') return value;
  const parts = path.replace(/^\$\.?/, '').split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== '');
  let cur = value;
  for (const p of parts) cur = cur == null ? undefined : cur[p];
  return cur;
}
