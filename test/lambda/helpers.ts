import { Readable } from 'node:stream';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CognitoIdentityProviderClient, DescribeUserPoolCommand, GetCSVHeaderCommand, SchemaAttributeType, UserPoolType,
} from '@aws-sdk/client-cognito-identity-provider';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { EngineConfig, EngineDeps } from '../../lambda/runtime/deps';
import type { Log } from '../../lambda/runtime/logger';
import type { ObjectStore, ObjectWriter, OpenedObject, OpenOptions, WriteCondition, WriterOptions } from '../../lambda/runtime/object-store';
import { createHash } from 'node:crypto';
import type { PresignedPut } from '../../lambda/runtime/presigned-put';
import type { MetricGroup } from '../../lambda/shared/metrics';

/** An in-memory ObjectStore that hands out real streams in small chunks (to cross line boundaries). */
export class MemoryStore implements ObjectStore {
  readonly objects = new Map<string, Buffer>();
  opens = 0;
  constructor(private readonly chunkSize = 7) {}

  put(bucket: string, key: string, body: string | Buffer) { this.objects.set(`${bucket}/${key}`, Buffer.from(body)); }
  text(bucket: string, key: string): string | undefined { return this.objects.get(`${bucket}/${key}`)?.toString('utf8'); }
  keys(): string[] { return [...this.objects.keys()]; }

  /** Every open's arguments, in order (to check reads are pinned). */
  readonly openCalls: { key: string; versionId?: string; options?: OpenOptions }[] = [];
  /** Writer options (tags) by `bucket/key`. */
  readonly writerOptions = new Map<string, WriterOptions | undefined>();
  /** ETag of an object, when a test sets one: an open with another IfMatch fails as S3 does (412). */
  readonly etags = new Map<string, string>();

  async open(bucket: string, key: string, versionId?: string, options?: OpenOptions): Promise<OpenedObject> {
    this.openCalls.push({ key, versionId, options });
    const buf = this.objects.get(`${bucket}/${key}`);
    if (!buf) throw Object.assign(new Error('NoSuchKey'), { name: 'NoSuchKey' });
    const etag = this.etags.get(`${bucket}/${key}`);
    if (options?.ifMatch && etag !== undefined && options.ifMatch !== etag) {
      throw Object.assign(new Error('At least one of the pre-conditions you specified did not hold'), { name: 'PreconditionFailed' });
    }
    this.opens += 1;
    const chunks: Buffer[] = [];
    for (let i = 0; i < buf.length; i += this.chunkSize) chunks.push(buf.subarray(i, i + this.chunkSize));
    return { body: Readable.from(chunks), length: buf.length };
  }
  async getText(bucket: string, key: string) { return this.text(bucket, key); }
  async putText(bucket: string, key: string, text: string) { this.put(bucket, key, text); }
  /** The ETag of a stored object: its content's MD5, as S3 gives for a single PUT. */
  etagOf(bucket: string, key: string): string | undefined {
    const buf = this.objects.get(`${bucket}/${key}`);
    return buf ? `"${createHash('md5').update(buf).digest('hex')}"` : undefined;
  }
  async getWithEtag(bucket: string, key: string) {
    const text = this.text(bucket, key);
    return text === undefined ? undefined : { text, etag: this.etagOf(bucket, key) };
  }
  async putTextIf(bucket: string, key: string, text: string, condition: WriteCondition) {
    const etag = this.etagOf(bucket, key);
    if ('ifMatch' in condition ? etag !== condition.ifMatch : etag !== undefined) return false;
    this.put(bucket, key, text);
    return true;
  }
  writer(bucket: string, key: string, _contentType?: string, options?: WriterOptions): ObjectWriter {
    this.writerOptions.set(`${bucket}/${key}`, options);
    const parts: Buffer[] = [];
    return {
      write: async (c) => { parts.push(Buffer.from(c)); },
      end: async () => { const b = Buffer.concat(parts); this.objects.set(`${bucket}/${key}`, b); return b.length; },
      abort: async () => { parts.length = 0; },
    };
  }
}

/** Records log calls (to check no user data reaches logs). */
export class RecordingLog implements Log {
  readonly lines: string[] = [];
  debug = (m: string, x?: Record<string, unknown>) => this.lines.push(JSON.stringify({ m, x }));
  info = (m: string, x?: Record<string, unknown>) => this.lines.push(JSON.stringify({ m, x }));
  warn = (m: string, x?: Record<string, unknown>) => this.lines.push(JSON.stringify({ m, x }));
  error = (m: string, x?: Record<string, unknown>) => this.lines.push(JSON.stringify({ m, x }));
}

export const POOL_ID = 'us-east-1_TestPool1';
export const BUCKET = 'import-bucket';

export const CSV_HEADER = [
  'name', 'given_name', 'family_name', 'middle_name', 'nickname', 'preferred_username', 'profile', 'picture', 'website',
  'email', 'email_verified', 'gender', 'birthdate', 'zoneinfo', 'locale', 'phone_number', 'phone_number_verified',
  'address', 'updated_at', 'custom:tier', 'custom:level', 'cognito:mfa_enabled', 'cognito:username',
];

const standard = (Name: string, type: SchemaAttributeType['AttributeDataType'] = 'String', extra: Partial<SchemaAttributeType> = {}): SchemaAttributeType => ({
  Name, AttributeDataType: type, Mutable: true, Required: false,
  ...(type === 'String' ? { StringAttributeConstraints: { MinLength: '0', MaxLength: '2048' } } : {}),
  ...extra,
});

export function pool(overrides: Partial<UserPoolType> = {}): UserPoolType {
  return {
    Id: POOL_ID,
    Name: 'test-pool',
    AutoVerifiedAttributes: ['email'],
    MfaConfiguration: 'OFF',
    UsernameConfiguration: { CaseSensitive: false },
    SchemaAttributes: [
      standard('sub', 'String', { Required: true, Mutable: false }),
      ...['name', 'given_name', 'family_name', 'email', 'phone_number', 'birthdate', 'address'].map((n) => standard(n)),
      standard('email_verified', 'Boolean'),
      standard('phone_number_verified', 'Boolean'),
      standard('updated_at', 'Number', { NumberAttributeConstraints: { MinValue: '0' } }),
      { Name: 'custom:tier', AttributeDataType: 'String', Mutable: true, Required: false, StringAttributeConstraints: { MinLength: '1', MaxLength: '5' } },
      { Name: 'custom:level', AttributeDataType: 'Number', Mutable: true, Required: false, NumberAttributeConstraints: { MinValue: '1', MaxValue: '10' } },
    ],
    ...overrides,
  };
}

export function config(overrides: Partial<EngineConfig> = {}): EngineConfig {
  return {
    userPoolId: POOL_ID, bucket: BUCKET, logsRoleArn: 'arn:aws:iam::123456789012:role/logs', invalidRows: 'SKIP',
    incomingPrefix: 'incoming/', reportPrefix: 'reports/', workPrefix: 'work/', maxFileSizeBytes: 1024 ** 3, maxRowsPerPart: 500_000, maxBytesPerPart: 100 * 1024 * 1024,
    maxPollIntervalSeconds: 300, eventBusName: 'default', importerId: 'Importer1', ...overrides,
  };
}

export interface TestEnv {
  deps: EngineDeps;
  store: MemoryStore;
  log: RecordingLog;
  cognito: ReturnType<typeof mockClient>;
  logs: ReturnType<typeof mockClient>;
  events: ReturnType<typeof mockClient>;
  puts: { url: string; length: number; body: string }[];
  metrics: MetricGroup[];
  setPut(fn: PresignedPut): void;
  clock: { now: Date };
}

export function testEnv(poolOverrides: Partial<UserPoolType> = {}, header = CSV_HEADER): TestEnv {
  const store = new MemoryStore();
  const log = new RecordingLog();
  const cognitoClient = new CognitoIdentityProviderClient({ region: 'us-east-1' });
  const logsClient = new CloudWatchLogsClient({ region: 'us-east-1' });
  const eventsClient = new EventBridgeClient({ region: 'us-east-1' });
  const cognito = mockClient(cognitoClient);
  const logs = mockClient(logsClient);
  const events = mockClient(eventsClient);
  cognito.on(GetCSVHeaderCommand).resolves({ UserPoolId: POOL_ID, CSVHeader: header });
  cognito.on(DescribeUserPoolCommand).resolves({ UserPool: pool(poolOverrides) });
  const puts: TestEnv['puts'] = [];
  let putFn: PresignedPut = async (url, body, length) => {
    const chunks: Buffer[] = [];
    for await (const c of body) chunks.push(c as Buffer);
    puts.push({ url, length, body: Buffer.concat(chunks).toString('utf8') });
    return { status: 200, body: '' };
  };
  const metrics: TestEnv['metrics'] = [];
  const clock = { now: new Date('2025-01-01T00:00:00Z') };
  const deps: EngineDeps = {
    store, log, cognito: cognitoClient, logs: logsClient, events: eventsClient,
    metrics: { publish: (groups) => { metrics.push(...groups); } },
    put: (u, b, l) => putFn(u, b, l),
    now: () => clock.now,
    sleep: async () => undefined,
  };
  return { deps, store, log, cognito, logs, events, puts, metrics, setPut: (fn) => { putFn = fn; }, clock };
}

/** A CSV in the pool's header order from rows of column → value. */
export function csvOf(rows: Record<string, string>[], header = CSV_HEADER, eol = '\n'): string {
  return [header.join(','), ...rows.map((r) => header.map((h) => (r[h] ?? '').replace(/,/g, '\\,')).join(','))].join(eol) + eol;
}

export const user = (n: number, extra: Record<string, string> = {}): Record<string, string> => ({
  'cognito:username': `user${n}`, email: `user${n}@example.com`, email_verified: 'true', name: `User ${n}`, ...extra,
});
