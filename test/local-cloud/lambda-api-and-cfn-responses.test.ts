/**
 * The local cloud's Lambda API (as the AWS SDK's Lambda client calls it) and CloudFormation's ResponseURL
 * receiver (as aws-cdk-lib's Provider framework answers it: a bare https.request from inside the sandbox).
 * Functions are small bundles in their own sandboxes; clients are the real SDK client and Node's https.
 */
import { createServer, Server } from 'http';
import { AddressInfo } from 'net';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { InvokeCommand, GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CFN_RESPONSE_PATH, CfnResponses, judge, responseHost } from '../../packages/cli/local-cloud/lambda/cfn-response-receiver';
import { LambdaFunction } from '../../packages/cli/local-cloud/lambda/lambda';
import { findFunction, LAMBDA_API_PATH, lambdaApi } from '../../packages/cli/local-cloud/lambda/lambda-api';

const REGION = 'us-east-1';
const ARN = (name: string) => `arn:aws:lambda:${REGION}:000000000000:function:${name}`;
// The sandbox loads host-routes.js (compiled by `npm run build`).
const built = existsSync(join(__dirname, '..', '..', 'packages', 'cli', 'local-cloud', 'lambda', 'host-routes.js'));
const describeIfBuilt = built ? describe : describe.skip;

/** What the Provider framework's cfn-response does: PUT to hostname + path only (port 443, https). */
const ANSWERING_BUNDLE = `
const https = require('https');
const url = require('url');
exports.handler = async (event) => {
  const body = JSON.stringify(event.response);
  const u = url.parse(event.ResponseURL);
  await new Promise((resolve, reject) => {
    const req = https.request({ hostname: u.hostname, path: u.path, method: 'PUT', headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) } },
      (res) => { res.resume(); res.statusCode >= 400 ? reject(new Error('HTTP ' + res.statusCode)) : resolve(); });
    req.on('error', reject);
    req.end(body);
  });
  return { answered: true };
};
exports.fails = async () => { const e = new Error('it broke'); e.name = 'BrokenThing'; throw e; };
`;

describeIfBuilt('Lambda API and CloudFormation responses', () => {
  let dir: string;
  let server: Server;
  let endpoint: string;
  let client: LambdaClient;
  const responses = new CfnResponses(REGION);
  const routes: Record<string, string> = {};
  const functions: LambdaFunction[] = [];
  const invoked: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cui-lambda-api-'));
    writeFileSync(join(dir, 'index.js'), ANSWERING_BUNDLE);
    for (const [name, handlerName] of [['answer', 'handler'], ['broken', 'fails']]) {
      functions.push(new LambdaFunction({ name, arn: ARN(name), bundle: join(dir, 'index.js'), handlerName, env: { PATH: process.env.PATH ?? '' }, routes }));
    }
    const api = lambdaApi({
      region: REGION, accountId: '000000000000',
      find: (ref) => findFunction(functions, ref),
      invoke: (fn, payload) => { invoked.push(fn.name); return fn.invoke(payload); },
    });
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname.startsWith(LAMBDA_API_PATH)) void api(req, res, url);
      else if (url.pathname.startsWith(CFN_RESPONSE_PATH)) void responses.handle(req, res, url);
      else { res.writeHead(404); res.end(); }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    routes[responseHost(REGION)] = endpoint;
    client = new LambdaClient({ endpoint, region: REGION, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  });

  afterAll(async () => {
    client?.destroy();
    await Promise.all(functions.map((f) => f.stop()));
    await new Promise<void>((r) => server?.close(() => r()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const ids = { stackId: 'arn:aws:cloudformation:us-east-1:000000000000:stack/S/1', logicalResourceId: 'Seed', requestId: 'r-1' };
  const valid = (over: Record<string, unknown> = {}) => ({
    Status: 'SUCCESS', Reason: 'ok', PhysicalResourceId: 'p-1', StackId: ids.stackId, RequestId: ids.requestId, LogicalResourceId: ids.logicalResourceId, Data: { Count: '3' }, ...over,
  });

  test('Invoke (RequestResponse) by ARN: the sandbox answers CloudFormation at the pre-signed URL, routed to the local cloud', async () => {
    const { url, outcome } = responses.expect({ ...ids, requestId: 'r-invoke' });
    expect(url).toMatch(new RegExp(`^https://${responseHost(REGION).replace(/\./g, '\\.')}/_cfn-response/.+X-Amz-Signature=[0-9a-f]{64}`));
    const out = await client.send(new InvokeCommand({ FunctionName: ARN('answer'), Payload: Buffer.from(JSON.stringify({ ResponseURL: url, response: valid({ RequestId: 'r-invoke' }) })) }));
    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBeUndefined();
    expect(JSON.parse(Buffer.from(out.Payload!).toString())).toEqual({ answered: true });
    await expect(outcome).resolves.toMatchObject({ status: 'SUCCESS', physicalResourceId: 'p-1', data: { Count: '3' } });
  });

  test('a function error is 200 with X-Amz-Function-Error and the error payload', async () => {
    const out = await client.send(new InvokeCommand({ FunctionName: 'broken', Payload: Buffer.from('{}') }));
    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBe('Unhandled');
    expect(JSON.parse(Buffer.from(out.Payload!).toString())).toMatchObject({ errorType: 'BrokenThing', errorMessage: 'it broke' });
  });

  test('an unknown function is ResourceNotFoundException; GetFunction says Active for a known one', async () => {
    await expect(client.send(new InvokeCommand({ FunctionName: 'nope', Payload: Buffer.from('{}') }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    const f = await client.send(new GetFunctionCommand({ FunctionName: ARN('answer') }));
    expect(f.Configuration).toMatchObject({ FunctionArn: ARN('answer'), State: 'Active' });
  });

  test('Event invocation answers 202 at once and runs the function in the background', async () => {
    const { url, outcome } = responses.expect({ ...ids, requestId: 'r-event' });
    const out = await client.send(new InvokeCommand({ FunctionName: ARN('answer'), InvocationType: 'Event', Payload: Buffer.from(JSON.stringify({ ResponseURL: url, response: valid({ RequestId: 'r-event' }) })) }));
    expect(out.StatusCode).toBe(202);
    await expect(outcome).resolves.toMatchObject({ status: 'SUCCESS' });
  });

  test('a PUT with a tampered signature or to an unknown request is refused like S3 (403)', async () => {
    const { url } = responses.expect({ ...ids, requestId: 'r-tamper' });
    const local = new URL(url.replace(`https://${responseHost(REGION)}`, endpoint));
    local.searchParams.set('X-Amz-Signature', '0'.repeat(64));
    const res = await fetch(local, { method: 'PUT', body: JSON.stringify(valid()) });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('SignatureDoesNotMatch');
  });
});

describe("CloudFormation's rules on a custom resource response", () => {
  const ids = { stackId: 'arn:aws:cloudformation:us-east-1:000000000000:stack/S/1', logicalResourceId: 'Seed', requestId: 'r-1' };
  const body = (o: Record<string, unknown>) => Buffer.from(JSON.stringify({
    Status: 'SUCCESS', PhysicalResourceId: 'p-1', StackId: ids.stackId, RequestId: ids.requestId, LogicalResourceId: ids.logicalResourceId, ...o,
  }));

  test('a valid SUCCESS keeps its Data; a FAILED keeps its Reason and drops Data', () => {
    expect(judge(body({ Data: { A: '1' } }), ids)).toMatchObject({ status: 'SUCCESS', physicalResourceId: 'p-1', data: { A: '1' } });
    expect(judge(body({ Status: 'FAILED', Reason: 'line 3: bad', Data: { A: '1' } }), ids)).toMatchObject({ status: 'FAILED', reason: 'line 3: bad', data: {} });
  });

  test('more than 4,096 bytes: "Response object is too long."; exactly 4,096 passes', () => {
    const base = body({ Data: { A: '' } }).length;
    expect(judge(body({ Data: { A: 'x'.repeat(4096 - base) } }), ids)).toMatchObject({ status: 'SUCCESS', bodyBytes: 4096 });
    expect(judge(body({ Data: { A: 'x'.repeat(4097 - base) } }), ids)).toMatchObject({ status: 'FAILED', reason: 'Response object is too long.' });
  });

  test.each([
    ['no PhysicalResourceId', { PhysicalResourceId: undefined }, /Invalid PhysicalResourceId/],
    ['an empty PhysicalResourceId', { PhysicalResourceId: '' }, /Invalid PhysicalResourceId/],
    ['a PhysicalResourceId over 1 KB', { PhysicalResourceId: 'p'.repeat(1025) }, /Invalid PhysicalResourceId/],
    ['a Status other than SUCCESS/FAILED', { Status: 'OK' }, /Status must be SUCCESS or FAILED/],
    ['another RequestId', { RequestId: 'r-2' }, /RequestId does not match/],
    ['Data that is not an object', { Data: ['a'] }, /Data must be a JSON object/],
  ])('%s fails the resource', (_name, over, reason) => {
    expect(judge(body(over), ids)).toMatchObject({ status: 'FAILED', reason: expect.stringMatching(reason) });
  });

  test('a body that is not JSON fails the resource', () => {
    expect(judge(Buffer.from('not json'), ids)).toMatchObject({ status: 'FAILED', reason: expect.stringMatching(/not valid JSON/) });
  });
});
