/**
 * AWS Lambda's REST API, the part SDK clients use to call a function (`Invoke`) and to wait for one
 * (`GetFunction`, `GetFunctionConfiguration`): `POST /2015-03-31/functions/{FunctionName}/invocations`,
 * `GET /2015-03-31/functions/{FunctionName}[/configuration]`. Functions are the local cloud's sandboxed
 * bundles. As on AWS: a function error is HTTP 200 with `X-Amz-Function-Error: Unhandled` and the
 * `{errorType, errorMessage, trace}` payload; `Event` invocations answer 202 and run in the background
 * (retried twice on error); `DryRun` answers 204; service errors carry `x-amzn-ErrorType`.
 */
import { randomUUID } from 'crypto';
import { IncomingMessage, ServerResponse } from 'http';
import { LambdaError, LambdaFunction } from './lambda';
import { readBody } from '../server/server';

export const LAMBDA_API_PATH = '/2015-03-31/functions/';

/** Lambda's payload quotas: 6 MB for a synchronous request or response, 1 MB for an asynchronous event. */
const SYNC_PAYLOAD_LIMIT = 6 * 1024 * 1024;
const ASYNC_PAYLOAD_LIMIT = 1024 * 1024;

export interface LambdaApiOptions {
  /** The function a name, an ARN or a partial ARN (`123456789012:function:name`) designates. */
  find(ref: string): LambdaFunction | undefined;
  /** Why a function the template has is not found: its code is missing (else undefined). */
  missingCode?(ref: string): string | undefined;
  /** Invokes the function (the local cloud's own invoke: counts, injected faults). */
  invoke(fn: LambdaFunction, payload: unknown): Promise<unknown>;
  region: string;
  accountId: string;
  /** Async retries (Lambda: two) wait this long between attempts. @default 50 */
  retryDelayMs?: number;
}

/** A request handler for the Lambda API paths. */
export function lambdaApi(opts: LambdaApiOptions): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> {
  let inFlight = 0;
  const handler = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    try {
      const rest = url.pathname.slice(LAMBDA_API_PATH.length).split('/');
      const name = decodeURIComponent(rest[0] ?? '');
      const action = rest.slice(1).join('/');
      const qualifier = url.searchParams.get('Qualifier');
      const raw = await readBody(req);
      const fn = opts.find(name);
      if (!fn || (qualifier !== null && qualifier !== '$LATEST')) {
        const arn = name.startsWith('arn:') ? name : `arn:aws:lambda:${opts.region}:${opts.accountId}:function:${name}`;
        const why = fn ? undefined : opts.missingCode?.(name);
        return sendError(res, 404, 'ResourceNotFoundException', `Function not found: ${arn}${qualifier ? `:${qualifier}` : ''}${why ? ` (${why})` : ''}`);
      }
      if (req.method === 'GET' && (action === '' || action === 'configuration')) {
        const configuration = {
          FunctionName: fn.name, FunctionArn: fn.arn, Version: '$LATEST', State: 'Active', LastUpdateStatus: 'Successful', PackageType: 'Zip',
        };
        return sendJson(res, 200, action === '' ? { Configuration: configuration } : configuration);
      }
      if (req.method !== 'POST' || action !== 'invocations') return sendError(res, 400, 'InvalidRequestContentException', `The local cloud does not serve ${req.method} ${url.pathname}.`);
      const type = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
      const limit = type === 'Event' ? ASYNC_PAYLOAD_LIMIT : SYNC_PAYLOAD_LIMIT;
      if (raw.length > limit) {
        return sendError(res, 413, 'RequestTooLargeException', `Request must be smaller than ${limit} bytes for the InvokeFunction operation`);
      }
      let payload: unknown = {};
      if (raw.length) {
        try { payload = JSON.parse(raw.toString('utf8')); } catch (e) {
          return sendError(res, 400, 'InvalidRequestContentException', `Could not parse request body into json: ${(e as Error).message}`);
        }
      }
      if (type === 'DryRun') return send(res, 204, {}, '');
      if (type === 'Event') {
        inFlight += 1;
        void invokeAsync(fn, payload).finally(() => { inFlight -= 1; });
        return send(res, 202, {}, '');
      }
      if (type !== 'RequestResponse') return sendError(res, 400, 'InvalidParameterValueException', `Unsupported invocation type ${type}`);
      const headers = { 'X-Amz-Executed-Version': '$LATEST' };
      try {
        const result = await opts.invoke(fn, payload);
        const body = JSON.stringify(result ?? null);
        if (Buffer.byteLength(body) > SYNC_PAYLOAD_LIMIT) {
          return send(res, 200, { ...headers, 'X-Amz-Function-Error': 'Unhandled' }, JSON.stringify({
            errorType: 'Function.ResponseSizeTooLarge', errorMessage: `Response payload size exceeded maximum allowed payload size (${SYNC_PAYLOAD_LIMIT} bytes).`,
          }));
        }
        return send(res, 200, headers, body);
      } catch (e) {
        const err = e instanceof LambdaError ? e : new LambdaError('Runtime.Unknown', String((e as Error)?.message ?? e));
        return send(res, 200, { ...headers, 'X-Amz-Function-Error': 'Unhandled' },
          JSON.stringify({ errorType: err.errorType, errorMessage: err.errorMessage, trace: err.trace }));
      }
    } catch (e) {
      if (!res.headersSent) sendError(res, 500, 'ServiceException', `The local cloud failed: ${(e as Error).message}`);
    }
  };

  /** Asynchronous invocation: on a function error Lambda retries twice. */
  const invokeAsync = async (fn: LambdaFunction, payload: unknown): Promise<void> => {
    for (let attempt = 0; attempt < 3; attempt++) {
      try { await opts.invoke(fn, payload); return; } catch {
        await new Promise((r) => setTimeout(r, (opts.retryDelayMs ?? 50) * (attempt + 1)));
      }
    }
  };
  return Object.assign(handler, { inFlight: () => inFlight });
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'x-amzn-RequestId': randomUUID(), 'Content-Length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, {}, JSON.stringify(value));
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  send(res, status, { 'x-amzn-ErrorType': code }, JSON.stringify({ Type: 'User', message }));
}

/** Finds a function by name, ARN (with or without `:$LATEST`) or partial ARN. */
export function findFunction(functions: Iterable<LambdaFunction>, ref: string): LambdaFunction | undefined {
  const bare = ref.replace(/:\$LATEST$/, '');
  for (const f of functions) {
    if (f.arn === bare || f.name === bare || f.arn.endsWith(`:${bare}`)) return f;
  }
  return undefined;
}
