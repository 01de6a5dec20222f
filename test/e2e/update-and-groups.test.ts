/**
 * End-to-end on the local cloud started like `local-cloud --existing-users update --groups-column groups`,
 * driven with the AWS CLI (`aws cognito-idp ... --endpoint-url`, `aws s3 cp`): existing users are updated
 * (never re-imported), new users imported, everyone added to the groups of their row. Needs `npm run build`.
 */
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { LocalCloud, startLocalCloud } from '../../packages/cli/local-cloud';
import { defaultPool } from '../../packages/cli/local-cloud/pool';
import { run } from '../conformance/run';
import { HEADER } from '../local-cloud/helpers';
import { checkInvariants } from './invariants';

let cloud: LocalCloud;
let dir: string;
beforeEach(async () => {
  cloud = await startLocalCloud({ port: 0, constructProps: { existingUsers: 'UPDATE', groupsColumn: 'groups' } });
  dir = mkdtempSync(join(tmpdir(), 'cui-sync-'));
});
afterEach(async () => { await cloud.stop(); });

async function aws(service: string, ...args: string[]): Promise<any> {
  const r = await run(cloud, 'aws', [service, ...args, '--endpoint-url', cloud.endpoint, '--region', 'us-east-1', '--output', 'json']);
  if (r.code !== 0) throw new Error(`aws ${service} ${args[0]} failed: ${r.stderr}`);
  return r.stdout.trim() ? JSON.parse(r.stdout) : {};
}
const idp = (...args: string[]) => aws('cognito-idp', ...args, '--user-pool-id', cloud.poolId);

function csv(rows: Array<Record<string, string>>): string {
  const header = [...HEADER, 'groups'];
  return [header.join(','), ...rows.map((r) => header.map((h) => r[h] ?? '').join(','))].join('\n') + '\n';
}
const row = (name: string, extra: Record<string, string> = {}) => ({
  'cognito:username': name, 'email': `${name}@example.com`, 'email_verified': 'true', 'cognito:mfa_enabled': 'false', ...extra,
});

async function dropWithCli(body: string, key: string) {
  const file = join(dir, 'users.csv');
  writeFileSync(file, body);
  const r = await run(cloud, 'aws', ['s3', 'cp', file, `s3://${cloud.bucket}/${key}`, '--endpoint-url', cloud.endpoint, '--region', 'us-east-1']);
  expect(r.code).toBe(0);
  const report = await cloud.waitForReport(key, { timeoutMs: 60_000 });
  return { report, drop: { bucket: cloud.bucket, key, etag: '', body: Buffer.from(body) } };
}

const attr = (user: any, name: string) => (user.UserAttributes ?? user.Attributes).find((a: any) => a.Name === name)?.Value;
const groupsOf = async (name: string) => (await idp('admin-list-groups-for-user', '--username', name)).Groups.map((g: any) => g.GroupName).sort();

test('update mode: existing users updated (not re-imported), new users imported, memberships added', async () => {
  await idp('create-group', '--group-name', 'admins');
  await idp('create-group', '--group-name', 'staff', '--description', 'Staff');
  await idp('admin-create-user', '--username', 'alice', '--user-attributes', 'Name=email,Value=alice@example.com', 'Name=given_name,Value=Old');
  const before = await idp('admin-get-user', '--username', 'alice');

  const { report, drop } = await dropWithCli(csv([
    row('alice', { given_name: 'Alice', family_name: 'Doe\\, Jr', groups: 'admins;staff' }),
    row('bob', { given_name: 'Bob', groups: 'staff' }),
    row('carol'),
  ]), 'incoming/sync.csv');

  expect(report.status).toBe('Succeeded');
  expect(report.totals).toMatchObject({ rows: 3, imported: 2, skipped: 0, failed: 0, rejected: 0, updated: 1, updateFailed: 0 });
  expect(report.users).toEqual([{ line: 2, username: 'alice', outcome: 'UPDATED', message: expect.stringContaining('given_name') }]);
  expect(report.groups).toEqual({ added: 3, failed: [] });
  // The job never saw alice.
  expect(report.jobs).toHaveLength(1);
  expect(report.jobs[0]).toMatchObject({ importedUsers: 2, skippedUsers: 0 });

  const alice = await idp('admin-get-user', '--username', 'alice');
  expect(attr(alice, 'given_name')).toBe('Alice');
  expect(attr(alice, 'family_name')).toBe('Doe, Jr');
  expect(attr(alice, 'sub')).toBe(attr(before, 'sub'));
  expect(alice.UserStatus).toBe(before.UserStatus); // not re-created
  expect(await groupsOf('alice')).toEqual(['admins', 'staff']);
  expect(await groupsOf('bob')).toEqual(['staff']);
  expect(await groupsOf('carol')).toEqual([]);
  const staff = await idp('list-users-in-group', '--group-name', 'staff');
  expect(staff.Users.map((u: any) => u.Username).sort()).toEqual(['alice', 'bob']);
  // The groups column never reached Cognito: the imported user has no such attribute.
  expect(attr(await idp('admin-get-user', '--username', 'bob'), 'groups')).toBeUndefined();
  expect(JSON.stringify(report)).not.toContain('@example.com');
  await checkInvariants(cloud, [drop]);
}, 120_000);

test('an unknown group rejects its row by line before any job; an update Cognito refuses is UPDATE_FAILED', async () => {
  // A pool where a verified email is an alias: no two users may hold the same one.
  await cloud.stop();
  cloud = await startLocalCloud({
    port: 0, constructProps: { existingUsers: 'UPDATE', groupsColumn: 'groups' },
    pool: { ...defaultPool('us-east-1_Alias1'), AliasAttributes: ['email'] },
  });
  await idp('create-group', '--group-name', 'staff');
  await idp('admin-create-user', '--username', 'dave', '--user-attributes', 'Name=email,Value=dave@example.com');
  await idp('admin-create-user', '--username', 'gina', '--user-attributes', 'Name=email,Value=gina@example.com', 'Name=email_verified,Value=true');
  const { report } = await dropWithCli(csv([
    row('erin', { groups: 'staff;ghosts' }),
    row('frank', { groups: 'staff' }),
    // gina's verified email: Cognito refuses to give it to dave.
    row('dave', { email: 'gina@example.com', groups: 'staff' }),
  ]), 'incoming/bad-group.csv');
  expect(report.rejected).toEqual([{ line: 2, username: 'erin', column: 'groups', message: "group 'ghosts' does not exist in the pool" }]);
  expect(report.totals).toMatchObject({ rows: 3, imported: 1, rejected: 1, updated: 0, updateFailed: 1 });
  expect(report.users).toEqual([{ line: 4, username: 'dave', outcome: 'UPDATE_FAILED', message: 'AliasExistsException: An account with the given email already exists.' }]);
  expect(report.status).toBe('PartiallySucceeded');
  // frank imported and in staff; dave's update failed, so no membership for him; erin never created.
  expect(await groupsOf('frank')).toEqual(['staff']);
  expect(await groupsOf('dave')).toEqual([]);
  expect(report.groups).toEqual({ added: 1, failed: [] });
  const users = await idp('list-users');
  expect(users.Users.map((u: any) => u.Username).sort()).toEqual(['dave', 'frank', 'gina']);
  expect(JSON.stringify(report)).not.toContain('@example.com');
}, 120_000);
