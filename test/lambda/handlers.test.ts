import { Readable } from 'node:stream';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CompleteMultipartUploadCommand, CreateMultipartUploadCommand, GetObjectCommand, PutObjectCommand, S3Client, UploadPartCommand,
} from '@aws-sdk/client-s3';
import { CognitoIdentityProviderClient, DescribeUserImportJobCommand, StartUserImportJobCommand } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { S3ObjectStore } from '../../lambda/runtime/object-store';
import { workerConfigFromEnv } from '../../lambda/runtime/worker-config';

describe('S3ObjectStore', () => {
  test('small objects are one PutObject; large ones stream as multipart parts of bounded size', async () => {
    const s3 = mockClient(S3Client);
    const sizes: number[] = [];
    s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'u1' });
    s3.on(UploadPartCommand).callsFake((input) => { sizes.push((input.Body as Buffer).length); return { ETag: `"e${input.PartNumber}"` }; });
    s3.on(CompleteMultipartUploadCommand).resolves({});
    s3.on(PutObjectCommand).resolves({});
    const store = new S3ObjectStore(new S3Client({ region: 'us-east-1' }), 1000);

    const small = store.writer('b', 'small');
    await small.write(Buffer.alloc(10));
    expect(await small.end()).toBe(10);
    expect(s3.commandCalls(PutObjectCommand)[0].args[0].input).toMatchObject({ Bucket: 'b', Key: 'small', ContentLength: 10 });

    const big = store.writer('b', 'big');
    for (let i = 0; i < 25; i++) await big.write(Buffer.alloc(100));
    expect(await big.end()).toBe(2500);
    expect(sizes).toEqual([1000, 1000, 500]);
    expect(s3.commandCalls(CompleteMultipartUploadCommand)[0].args[0].input.MultipartUpload!.Parts).toEqual([
      { ETag: '"e1"', PartNumber: 1 }, { ETag: '"e2"', PartNumber: 2 }, { ETag: '"e3"', PartNumber: 3 },
    ]);
    s3.restore();
  });

  test('getText answers undefined for a missing key; open passes the VersionId', async () => {
    const s3 = mockClient(S3Client);
    s3.on(GetObjectCommand, { Key: 'missing' }).rejects(Object.assign(new Error('no'), { name: 'NoSuchKey' }));
    s3.on(GetObjectCommand, { Key: 'src' }).resolves({ Body: Readable.from([Buffer.from('x')]) as never, ContentLength: 1 });
    const store = new S3ObjectStore(new S3Client({ region: 'us-east-1' }));
    expect(await store.getText('b', 'missing')).toBeUndefined();
    await store.open('b', 'src', 'v9');
    expect(s3.commandCalls(GetObjectCommand).pop()!.args[0].input).toMatchObject({ Key: 'src', VersionId: 'v9' });
    s3.restore();
  });
});

describe('worker config from env', () => {
  const base = { USER_POOL_ID: 'p', BUCKET_NAME: 'b' };
  test('defaults are the real Cognito limits', () => {
    expect(workerConfigFromEnv(base)).toMatchObject({
      invalidRows: 'SKIP', maxRowsPerPart: 500_000, maxBytesPerPart: 100_000_000, maxPollIntervalSeconds: 60,
      reportPrefix: 'reports/', workPrefix: 'work/',
    });
    expect(workerConfigFromEnv(base).passwordHashingAlgorithm).toBeUndefined();
  });
  test('tests may lower the part limits, never raise them; bad algorithm is refused', () => {
    expect(workerConfigFromEnv({ ...base, MAX_ROWS_PER_PART: '3', MAX_BYTES_PER_PART: '999999999999', INVALID_ROWS: 'REJECT_FILE', PASSWORD_HASHING_ALGORITHM: 'bcrypt' }))
      .toMatchObject({ maxRowsPerPart: 3, maxBytesPerPart: 100_000_000, invalidRows: 'REJECT_FILE', passwordHashingAlgorithm: 'BCRYPT' });
    expect(() => workerConfigFromEnv({ ...base, PASSWORD_HASHING_ALGORITHM: 'MD5' })).toThrow();
    expect(() => workerConfigFromEnv({})).toThrow(/USER_POOL_ID/);
  });
  test('LOOKUP_SAMPLE_ROWS: a whole number ≥ 0 (0 turns the sample off), else the default', () => {
    expect(workerConfigFromEnv(base).lookupSampleRows).toBe(3_000);
    expect(workerConfigFromEnv({ ...base, LOOKUP_SAMPLE_ROWS: '0' }).lookupSampleRows).toBe(0);
    expect(workerConfigFromEnv({ ...base, LOOKUP_SAMPLE_ROWS: '250' }).lookupSampleRows).toBe(250);
    for (const bad of ['-1', '2.5', 'many', ' ']) expect(workerConfigFromEnv({ ...base, LOOKUP_SAMPLE_ROWS: bad }).lookupSampleRows).toBe(3_000);
  });
});

describe('worker handler', () => {
  const saved = { ...process.env };
  beforeAll(() => Object.assign(process.env, { USER_POOL_ID: 'us-east-1_P', BUCKET_NAME: 'b', QUEUE_TABLE_NAME: 'q', AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y' }));
  afterAll(() => { process.env = saved; });

  test('dispatches on action and throws StepErrors by name', async () => {
    const dynamodb = mockClient(DynamoDBClient);
    dynamodb.on(UpdateItemCommand).resolves({});
    const cognito = mockClient(CognitoIdentityProviderClient);
    cognito.on(DescribeUserImportJobCommand).resolves({ UserImportJob: { JobId: 'import-1', JobName: 'n', Status: 'InProgress' } });
    cognito.on(StartUserImportJobCommand).rejects(Object.assign(new Error('slow down'), { name: 'TooManyRequestsException' }));
    const { handler } = await import('../../lambda/handlers/worker');
    const job = { jobId: 'import-1', jobName: 'n', status: 'Pending', terminal: false, polls: 0, waitSeconds: 5, importedUsers: 0, skippedUsers: 0, failedUsers: 0 };
    await expect(handler({ action: 'describeInQueue', ticket: 'T#1', job })).resolves.toMatchObject({ status: 'InProgress', polls: 1, waitSeconds: 10 });
    await expect(handler({ action: 'startInQueue', ticket: 'T#1', job: { jobId: 'import-1', jobName: 'n' } })).rejects.toMatchObject({ name: 'ThrottledError' });
    // The queue-less start of old is no action any more: the workflow only sends the queue's.
    await expect(handler({ action: 'start', job: { jobId: 'import-1', jobName: 'n' } } as never)).rejects.toThrow(/unknown action start/);
    cognito.restore();
    dynamodb.restore();
  });
});
