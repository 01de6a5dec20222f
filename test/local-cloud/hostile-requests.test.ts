/**
 * Requests a web page (or a careless script) could send to the local cloud: every one is refused,
 * and nothing is read, changed or written outside the data directory. Plain node:http is used so
 * the Host header and the raw path are sent exactly as written.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'fs';
import { request } from 'http';
import { tmpdir } from 'os';
import { join } from 'path';
import { LocalCloud, startLocalCloud, TOKEN_HEADER } from '../../packages/cli/local-cloud';
import { assertInside } from '../../packages/cli/local-cloud/s3/confined-store';
import { run } from '../conformance/run';

let cloud: LocalCloud;
let parent: string;
let dataDir: string;

beforeAll(async () => {
  parent = mkdtempSync(join(tmpdir(), 'cui-hostile-'));
  dataDir = join(parent, 'data');
  cloud = await startLocalCloud({ port: 0, workflow: false, dataDirectory: dataDir });
});
afterAll(async () => { await cloud.stop(); });

interface Answer { status: number; body: string }
function send(method: string, path: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: cloud.port, method, path, headers: { host: `127.0.0.1:${cloud.port}`, ...headers } }, (res) => {
      let text = '';
      res.on('data', (c) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
const token = () => ({ [TOKEN_HEADER]: cloud.adminToken });

/** Every file under a directory (recursively). */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}
const outsideData = () => filesUnder(parent).filter((f) => !f.startsWith(dataDir + '/'));

describe('Host check (DNS rebinding)', () => {
  test.each(['evil.example', 'rebind.attacker.test', '127.0.0.1.nip.io', '127.0.0.2', 'localhost'])('Host %s with the wrong or no port is refused with 421', async (name) => {
    for (const host of [`${name}:${cloud.port}`.replace(/^localhost:\d+$/, 'localhost:1'), name]) {
      const s3 = await send('GET', `/${cloud.bucket}?list-type=2`, { host });
      expect(s3.status).toBe(421);
      expect(s3.body).not.toContain('ListBucketResult');
      const cognito = await send('POST', '/', { 'host': host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.ListUsers' }, JSON.stringify({ UserPoolId: cloud.poolId }));
      expect(cognito.status).toBe(421);
      const admin = await send('GET', '/_local/events', { host, ...token() });
      expect(admin.status).toBe(421);
    }
  });

  test.each(['127.0.0.1', 'localhost', 'LOCALHOST', '[::1]'])('its own loopback name %s with its port is answered', async (name) => {
    const r = await send('GET', '/_local/health', { host: `${name}:${cloud.port}`, ...token() });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ ok: true, poolId: cloud.poolId });
  });
});

describe('/_local needs the per-run token', () => {
  test('the token is random per run, 32 hex digits', async () => {
    expect(cloud.adminToken).toMatch(/^[0-9a-f]{32}$/);
    const other = await startLocalCloud({ port: 0, workflow: false });
    try { expect(other.adminToken).not.toBe(cloud.adminToken); } finally { await other.stop(); }
  });

  test('a text/plain POST (what a cross-site form or fetch can send) changes nothing', async () => {
    const r = await send('POST', '/_local/faults', { 'content-type': 'text/plain' }, JSON.stringify({ throttle: { CreateUserImportJob: 5 } }));
    expect(r.status).toBe(403);
    expect(r.body).toContain(TOKEN_HEADER);
    const clock = cloud.clock.now();
    const moved = await send('POST', '/_local/clock', { 'content-type': 'text/plain' }, JSON.stringify({ advanceMs: 86_400_000 }));
    expect(moved.status).toBe(403);
    expect(cloud.clock.now() - clock).toBeLessThan(60_000);
  });

  test('a wrong token, an empty one, a prefix of the right one, or a query-string token are refused', async () => {
    for (const headers of [{ [TOKEN_HEADER]: 'x'.repeat(32) }, { [TOKEN_HEADER]: '' }, { [TOKEN_HEADER]: cloud.adminToken.slice(0, 31) }, {}]) {
      expect((await send('GET', '/_local/events', headers)).status).toBe(403);
    }
    expect((await send('GET', `/_local/events?token=${cloud.adminToken}`)).status).toBe(403);
  });

  test('the right token is answered', async () => {
    const r = await send('POST', '/_local/clock', { 'content-type': 'application/json', ...token() }, JSON.stringify({ advanceMs: 0 }));
    expect(r.status).toBe(200);
  });
});

describe('S3: no browser requests, no dangerous keys', () => {
  test('an HTML-form (multipart/form-data POST) upload is refused and stores nothing', async () => {
    const boundary = '----form';
    const body = [
      `--${boundary}`, 'Content-Disposition: form-data; name="key"', '', 'incoming/form.csv',
      `--${boundary}`, 'Content-Disposition: form-data; name="file"; filename="form.csv"', 'Content-Type: text/csv', '', 'cognito:username\nmallory',
      `--${boundary}--`, '',
    ].join('\r\n');
    const r = await send('POST', `/${cloud.bucket}`, { 'content-type': `multipart/form-data; boundary=${boundary}` }, body);
    expect(r.status).toBe(403);
    expect(r.body).toContain('<Code>AccessDenied</Code>');
    expect((await send('HEAD', `/${cloud.bucket}/incoming/form.csv`)).status).toBe(404);
  });

  test('a text/plain POST (a "simple" cross-site request) to DeleteObjects is refused', async () => {
    await cloud.s3.send(new PutObjectCommand({ Bucket: cloud.bucket, Key: 'keep/me.txt', Body: 'x' }));
    const r = await send('POST', `/${cloud.bucket}?delete`, { 'content-type': 'text/plain' }, '<Delete><Object><Key>keep/me.txt</Key></Object></Delete>');
    expect(r.status).toBe(403);
    expect((await send('HEAD', `/${cloud.bucket}/keep/me.txt`)).status).toBe(200);
  });

  test('any request with an Origin header (a browser) is refused', async () => {
    const r = await send('GET', `/${cloud.bucket}/keep/me.txt`, { origin: 'https://evil.example' });
    expect(r.status).toBe(403);
    expect(r.body).not.toBe('x');
  });

  test.each([
    'incoming/../../../escaped.txt',
    'incoming/%2e%2e/%2E%2E/%2e%2e/escaped.txt',
    'incoming%2F..%2F..%2F..%2Fescaped.txt',
    './escaped.txt',
    'a/./b.txt',
  ])('a key with . or .. segments is refused: %s', async (key) => {
    const r = await send('PUT', `/${cloud.bucket}/${key}`, { 'content-type': 'application/octet-stream' }, 'pwned');
    expect(r.status).toBe(400);
    expect(r.body).toContain('<Code>InvalidArgument</Code>');
    expect(outsideData()).toEqual([]);
  });

  test('a copy whose source has .. segments is refused', async () => {
    const r = await send('PUT', `/${cloud.bucket}/copied.txt`, { 'x-amz-copy-source': `/${cloud.bucket}/../../../etc/hostname` });
    expect(r.status).toBe(400);
  });

  test('an upload id that is a path is refused and writes nothing outside the data directory', async () => {
    const r = await send('PUT', `/${cloud.bucket}/big.bin?partNumber=1&uploadId=${encodeURIComponent('../../../outside')}`, {}, 'part');
    expect(r.status).toBe(404);
    expect(r.body).toContain('NoSuchUpload');
    expect(outsideData()).toEqual([]);
  });

  test('the file store itself never resolves a path outside its root', () => {
    expect(() => assertInside('/data', '/data/../etc/passwd')).toThrow(/outside the data directory/);
    expect(() => assertInside('/data', '/database/x')).toThrow();
    expect(assertInside('/data', '/data/bucket/key')).toBe('/data/bucket/key');
  });
});

describe("S3's key length rule, with the AWS CLI", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cui-longkey-'));
    writeFileSync(join(dir, 'f.csv'), 'cognito:username\n');
  });
  const cp = (key: string) => run(cloud, 'aws', ['s3', 'cp', join(dir, 'f.csv'), `s3://${cloud.bucket}/${key}`, '--endpoint-url', cloud.endpoint, '--region', 'us-east-1']);

  test('a key of exactly 1,024 bytes of UTF-8 is stored', async () => {
    const exact = `long/${'é'.repeat(507)}.csvx`; // 5 + 1,014 + 5 bytes
    expect(Buffer.byteLength(exact)).toBe(1024);
    const r = await cp(exact);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  test('a key of 1,025 bytes (only 518 characters) is refused with KeyTooLongError', async () => {
    const key = `long/${'é'.repeat(508)}.csv`;
    expect(Buffer.byteLength(key)).toBe(1025);
    expect(key.length).toBeLessThan(1024);
    const r = await cp(key);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/KeyTooLongError|Your key is too long/);
  });
});

test('real clients are unaffected: the AWS CLI uploads in parts and deletes in batches', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cui-multipart-'));
  writeFileSync(join(dir, 'big.bin'), Buffer.alloc(9 * 1024 * 1024, 7));
  const args = ['--endpoint-url', cloud.endpoint, '--region', 'us-east-1'];
  const up = await run(cloud, 'aws', ['s3', 'cp', join(dir, 'big.bin'), `s3://${cloud.bucket}/multi/big.bin`, ...args]);
  expect(up.stderr).toBe('');
  expect((await send('HEAD', `/${cloud.bucket}/multi/big.bin`)).status).toBe(200);
  const rm = await run(cloud, 'aws', ['s3', 'rm', '--recursive', `s3://${cloud.bucket}/multi/`, ...args]);
  expect(rm.stderr).toBe('');
  expect((await send('HEAD', `/${cloud.bucket}/multi/big.bin`)).status).toBe(404);
});

test('reads honour If-Match as S3 does: 412 PreconditionFailed on another ETag, the object on its own or *', async () => {
  const { GetObjectCommand, PutObjectCommand } = require('@aws-sdk/client-s3'); // eslint-disable-line @typescript-eslint/no-require-imports
  const put = await cloud.s3.send(new PutObjectCommand({ Bucket: cloud.bucket, Key: 'pinned/a.csv', Body: 'first' }));
  await expect(cloud.s3.send(new GetObjectCommand({ Bucket: cloud.bucket, Key: 'pinned/a.csv', IfMatch: '"0123456789abcdef0123456789abcdef"' })))
    .rejects.toMatchObject({ name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 } });
  for (const IfMatch of [put.ETag, '*']) {
    const got = await cloud.s3.send(new GetObjectCommand({ Bucket: cloud.bucket, Key: 'pinned/a.csv', IfMatch }));
    expect(await got.Body.transformToString()).toBe('first');
  }
});
