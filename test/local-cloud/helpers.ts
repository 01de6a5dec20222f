import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SFNClient } from '@aws-sdk/client-sfn';
import { LocalCloud } from '../../packages/cli/local-cloud';

export function clients(cloud: LocalCloud) {
  const cfg = {
    endpoint: cloud.endpoint,
    region: cloud.region,
    credentials: { accessKeyId: 'anything', secretAccessKey: 'anything' },
    maxAttempts: 1,
  };
  return {
    cognito: new CognitoIdentityProviderClient(cfg),
    logs: new CloudWatchLogsClient(cfg),
    events: new EventBridgeClient(cfg),
    sfn: new SFNClient(cfg),
  };
}

export const HEADER = [
  'name', 'given_name', 'family_name', 'middle_name', 'nickname', 'preferred_username', 'profile', 'picture', 'website',
  'email', 'email_verified', 'gender', 'birthdate', 'zoneinfo', 'locale', 'phone_number', 'phone_number_verified',
  'address', 'updated_at', 'cognito:mfa_enabled', 'cognito:username',
];

/** A Cognito-ready CSV for the default pool: one row per user (email verified). */
export function cognitoCsv(rows: Array<Partial<Record<string, string>>>): string {
  const lines = [HEADER.join(',')];
  for (const r of rows) lines.push(HEADER.map((h) => r[h] ?? '').join(','));
  return lines.join('\n') + '\n';
}

export function user(n: number, extra: Partial<Record<string, string>> = {}): Partial<Record<string, string>> {
  return { 'cognito:username': `user${n}`, 'email': `user${n}@example.com`, 'email_verified': 'true', 'cognito:mfa_enabled': 'false', ...extra };
}

export async function until<T>(fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000, everyMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v as T;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** PUT with Node's http (exact headers, Content-Length set). */
export async function put(url: string, body: Buffer | string, headers: Record<string, string> = { 'x-amz-server-side-encryption': 'aws:kms' }): Promise<{ status: number; text: string }> {
  const http = await import('http');
  const data = Buffer.isBuffer(body) ? body : Buffer.from(body);
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'PUT', headers: { ...headers, 'Content-Length': String(data.length) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(data);
  });
}
