import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import {
  CreateUserImportJobCommand, DescribeUserImportJobCommand, ListUserImportJobsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { createAndUpload } from '../../lambda/job/create-and-upload';
import { nodePresignedPut } from '../../lambda/runtime/presigned-put';
import type { PartDescriptor } from '../../lambda/shared/steps';
import { BUCKET, config, testEnv } from './helpers';

const PART_BODY = 'cognito:username,email\nu1,u1@example.com\n';
const part: PartDescriptor = {
  partNumber: 1, partCount: 1, key: 'work/exec-1/part-1.csv', rows: 1, bytes: Buffer.byteLength(PART_BODY),
  lineMapKey: 'work/exec-1/part-1.lines.json', jobName: 'incoming-users.csv-abcd1234-part-1',
};

function envWithPart() {
  const env = testEnv();
  env.store.put(BUCKET, part.key, PART_BODY);
  let n = 0;
  env.cognito.on(CreateUserImportJobCommand).callsFake(() => {
    n += 1;
    return { UserImportJob: { JobId: `import-job${n}`, JobName: part.jobName, Status: 'Created', PreSignedUrl: `https://upload.example/job${n}?X-Amz-Signature=secret` } };
  });
  env.cognito.on(ListUserImportJobsCommand).resolves({ UserImportJobs: [] });
  env.cognito.on(DescribeUserImportJobCommand).resolves({ UserImportJob: { Status: 'Created' } });
  return env;
}

describe('createAndUpload', () => {
  test('creates a job with the part jobName and logs role, streams the part with its exact length, writes a marker', async () => {
    const env = envWithPart();
    const ref = await createAndUpload(env.deps, config(), { action: 'createAndUpload', part });
    expect(ref).toEqual({ jobId: 'import-job1', jobName: part.jobName });
    const create = env.cognito.commandCalls(CreateUserImportJobCommand)[0].args[0].input;
    expect(create).toEqual({ UserPoolId: config().userPoolId, JobName: part.jobName, CloudWatchLogsRoleArn: config().logsRoleArn });
    expect(env.puts).toEqual([{ url: 'https://upload.example/job1?X-Amz-Signature=secret', length: part.bytes, body: PART_BODY }]);
    expect(JSON.parse(env.store.text(BUCKET, 'work/exec-1/part-1.job.json')!)).toMatchObject({ jobId: 'import-job1' });
    expect(env.log.lines.join('\n')).not.toContain('upload.example');
  });

  test('passes PasswordHashingAlgorithm when configured', async () => {
    const env = envWithPart();
    await createAndUpload(env.deps, config({ passwordHashingAlgorithm: 'ARGON2ID' }), { action: 'createAndUpload', part });
    expect(env.cognito.commandCalls(CreateUserImportJobCommand)[0].args[0].input.PasswordHashingAlgorithm).toBe('ARGON2ID');
  });

  test('a retried step reuses the marker: no second job, no second PUT', async () => {
    const env = envWithPart();
    const first = await createAndUpload(env.deps, config(), { action: 'createAndUpload', part });
    const again = await createAndUpload(env.deps, config(), { action: 'createAndUpload', part });
    expect(again).toEqual(first);
    expect(env.cognito.commandCalls(CreateUserImportJobCommand)).toHaveLength(1);
    expect(env.puts).toHaveLength(1);
  });

  test('a marker whose job Expired (workflow retry after JobExpiredError) gets a new job', async () => {
    const env = envWithPart();
    await createAndUpload(env.deps, config(), { action: 'createAndUpload', part });
    env.cognito.on(DescribeUserImportJobCommand).resolves({ UserImportJob: { JobId: 'import-job1', Status: 'Expired' } });
    const next = await createAndUpload(env.deps, config(), { action: 'createAndUpload', part });
    expect(next.jobId).toBe('import-job2');
    expect(env.puts).toHaveLength(2);
  });

  test('crash after Create before the marker: the fresh Created job of this part is re-uploaded, not duplicated', async () => {
    const env = envWithPart();
    const now = env.clock.now.getTime();
    env.cognito.on(ListUserImportJobsCommand).resolves({
      UserImportJobs: [
        { JobId: 'import-other', JobName: 'someone-else-part-1', Status: 'Created', CreationDate: new Date(now - 60_000), PreSignedUrl: 'https://upload.example/other' },
        { JobId: 'import-mine', JobName: part.jobName, Status: 'Created', CreationDate: new Date(now - 5 * 60_000), PreSignedUrl: 'https://upload.example/mine' },
      ],
    });
    const ref = await createAndUpload(env.deps, config(), { action: 'createAndUpload', part });
    expect(ref.jobId).toBe('import-mine');
    expect(env.cognito.commandCalls(CreateUserImportJobCommand)).toHaveLength(0);
    expect(env.puts[0].url).toBe('https://upload.example/mine');
  });

  test('a Created job of this part older than 14 minutes is not reused (its URL is about to expire)', async () => {
    const env = envWithPart();
    const now = env.clock.now.getTime();
    env.cognito.on(ListUserImportJobsCommand).resolves({
      UserImportJobs: [{ JobId: 'import-old', JobName: part.jobName, Status: 'Created', CreationDate: new Date(now - 15 * 60_000), PreSignedUrl: 'https://upload.example/old' }],
    });
    const ref = await createAndUpload(env.deps, config(), { action: 'createAndUpload', part });
    expect(ref.jobId).toBe('import-job1');
  });

  test('a failed PUT is retried with a fresh stream of the part', async () => {
    const env = envWithPart();
    let calls = 0;
    env.setPut(async (_u, body, length) => {
      calls += 1;
      const chunks: Buffer[] = [];
      for await (const c of body) chunks.push(c as Buffer);
      expect(Buffer.concat(chunks).length).toBe(length);
      if (calls === 1) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      if (calls === 2) return { status: 503, body: '<Error><Code>SlowDown</Code></Error>' };
      return { status: 200, body: '' };
    });
    const ref = await createAndUpload(env.deps, config(), { action: 'createAndUpload', part });
    expect(ref.jobId).toBe('import-job1');
    expect(calls).toBe(3);
    expect(env.cognito.commandCalls(CreateUserImportJobCommand)).toHaveLength(1);
  });

  test('PUT failing every time → UploadFailedError (no URL in the message)', async () => {
    const env = envWithPart();
    env.setPut(async () => ({ status: 500, body: 'InternalError' }));
    await expect(createAndUpload(env.deps, config(), { action: 'createAndUpload', part })).rejects.toMatchObject({ name: 'UploadFailedError' });
    expect(env.store.text(BUCKET, 'work/exec-1/part-1.job.json')).toBeUndefined();
  });

  test('a signature error is not retried', async () => {
    const env = envWithPart();
    let calls = 0;
    env.setPut(async () => { calls += 1; return { status: 403, body: '<Code>SignatureDoesNotMatch</Code>' }; });
    await expect(createAndUpload(env.deps, config(), { action: 'createAndUpload', part })).rejects.toMatchObject({ name: 'UploadFailedError' });
    expect(calls).toBe(1);
  });

  test('an expired URL is replaced by a new job', async () => {
    const env = envWithPart();
    env.setPut(async (url, body) => {
      for await (const _ of body) { /* drain */ }
      return url.includes('job1') ? { status: 403, body: '<Code>AccessDenied</Code><Message>Request has expired</Message>' } : { status: 200, body: '' };
    });
    const ref = await createAndUpload(env.deps, config(), { action: 'createAndUpload', part });
    expect(ref.jobId).toBe('import-job2');
    expect(env.cognito.commandCalls(CreateUserImportJobCommand)).toHaveLength(2);
  });

  test('throttled CreateUserImportJob → ThrottledError', async () => {
    const env = envWithPart();
    env.cognito.on(CreateUserImportJobCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' }));
    await expect(createAndUpload(env.deps, config(), { action: 'createAndUpload', part })).rejects.toMatchObject({ name: 'ThrottledError' });
  });
});

describe('nodePresignedPut over real HTTP', () => {
  test('sends only the SSE header with an exact Content-Length, streaming the body', async () => {
    const seen: { headers: http.IncomingHttpHeaders; body: string; method?: string; url?: string }[] = [];
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        seen.push({ headers: req.headers, body: Buffer.concat(chunks).toString(), method: req.method, url: req.url });
        res.writeHead(200);
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const body = 'a,b\n1,2\n';
      const result = await nodePresignedPut()(`http://127.0.0.1:${port}/bucket/key?X-Amz-Signature=abc`, Readable.from([Buffer.from('a,b\n'), Buffer.from('1,2\n')]), Buffer.byteLength(body));
      expect(result.status).toBe(200);
      expect(seen[0].method).toBe('PUT');
      expect(seen[0].url).toBe('/bucket/key?X-Amz-Signature=abc');
      expect(seen[0].body).toBe(body);
      expect(seen[0].headers['x-amz-server-side-encryption']).toBe('aws:kms');
      expect(seen[0].headers['content-length']).toBe(String(Buffer.byteLength(body)));
      expect(seen[0].headers['content-type']).toBeUndefined();
      expect(seen[0].headers['transfer-encoding']).toBeUndefined();
      expect(Object.keys(seen[0].headers).sort()).toEqual(['connection', 'content-length', 'host', 'x-amz-server-side-encryption']);
    } finally {
      server.close();
    }
  });

  test('a reset connection rejects', async () => {
    const server = http.createServer((req) => req.socket.destroy());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      await expect(nodePresignedPut()(`http://127.0.0.1:${port}/x`, Readable.from([Buffer.from('abc')]), 3)).rejects.toThrow();
    } finally {
      server.close();
    }
  });
});
