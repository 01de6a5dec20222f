/**
 * `cognito-user-import export` end to end: users imported into one local cloud's pool (with groups) are
 * exported with the CLI, and the file imports unchanged into a fresh pool with the same schema, giving the
 * same users, attributes and groups. Driven with the AWS CLI and the package's own binary. Needs `npm run build`.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { LocalCloud, startLocalCloud } from '../../packages/cli/local-cloud';
import { run } from '../conformance/run';
import { HEADER } from '../local-cloud/helpers';

const BIN = join(__dirname, '../../packages/cli/bin/cognito-user-import.js');
const clouds: LocalCloud[] = [];
afterEach(async () => { for (const c of clouds.splice(0)) await c.stop(); });

async function aws(cloud: LocalCloud, service: string, ...args: string[]): Promise<any> {
  const r = await run(cloud, 'aws', [service, ...args, '--endpoint-url', cloud.endpoint, '--region', 'us-east-1', '--output', 'json']);
  if (r.code !== 0) throw new Error(`aws ${service} ${args[0]} failed: ${r.stderr}`);
  return r.stdout.trim() ? JSON.parse(r.stdout) : {};
}
const idp = (c: LocalCloud, ...args: string[]) => aws(c, 'cognito-idp', ...args, '--user-pool-id', c.poolId);

async function importFile(c: LocalCloud, file: string, key: string) {
  const r = await run(c, 'aws', ['s3', 'cp', file, `s3://${c.bucket}/${key}`, '--endpoint-url', c.endpoint, '--region', 'us-east-1']);
  expect(r.code).toBe(0);
  return c.waitForReport(key, { timeoutMs: 60_000 });
}

/** Every user as username → attributes without `sub` (which cannot move), and its groups. */
async function snapshot(c: LocalCloud) {
  const out: Record<string, { attributes: Record<string, string>; groups: string[] }> = {};
  for (const u of (await idp(c, 'list-users')).Users) {
    const attributes = Object.fromEntries(u.Attributes.filter((a: any) => a.Name !== 'sub').map((a: any) => [a.Name, a.Value]));
    const groups = (await idp(c, 'admin-list-groups-for-user', '--username', u.Username)).Groups.map((g: any) => g.GroupName).sort();
    out[u.Username] = { attributes, groups };
  }
  return out;
}

test('export, then import into a fresh pool: same users, attributes and groups', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cui-export-'));
  const source = await startLocalCloud({ port: 0, constructProps: { groupsColumn: 'groups' } });
  clouds.push(source);
  for (const g of ['admins', 'staff']) await idp(source, 'create-group', '--group-name', g);
  const header = [...HEADER, 'groups'];
  const rows = [
    { 'cognito:username': 'ann', 'email': 'ann@example.com', 'email_verified': 'true', 'given_name': 'Ann', 'address': '1 Main St\\, Springfield', 'groups': 'admins;staff' },
    { 'cognito:username': 'ben', 'email': 'ben@example.com', 'email_verified': 'true', 'phone_number': '+15555550100', 'phone_number_verified': 'false', 'groups': 'staff' },
    { 'cognito:username': 'cat', 'email': 'cat@example.com', 'email_verified': 'true', 'locale': 'fr' },
  ];
  const seed = join(dir, 'seed.csv');
  writeFileSync(seed, [header.join(','), ...rows.map((r: Record<string, string>) => header.map((h) => r[h] ?? (h === 'cognito:mfa_enabled' ? 'false' : '')).join(','))].join('\n') + '\n');
  expect((await importFile(source, seed, 'incoming/seed.csv')).status).toBe('Succeeded');
  const before = await snapshot(source);
  expect(before.ann.groups).toEqual(['admins', 'staff']);

  const exported = join(dir, 'exported.csv');
  const r = await run(source, process.execPath, [BIN, 'export', '--user-pool-id', source.poolId, '--output', exported, '--endpoint-url', source.endpoint, '--region', 'us-east-1', '--groups-column', 'groups']);
  expect(r.code).toBe(0);
  expect(r.stderr).toContain('wrote 3 users');
  const csv = readFileSync(exported, 'utf8');
  const [head, ...lines] = csv.trimEnd().split('\n');
  // GetCSVHeader's columns in its order, then the groups column; every user's MFA flag filled.
  expect(head).toBe([...(await idp(source, 'get-csv-header')).CSVHeader, 'groups'].join(','));
  expect(lines).toHaveLength(3);
  const mfa = head.split(',').indexOf('cognito:mfa_enabled');
  for (const line of lines) expect(line.split(/(?<!\\),/)[mfa]).toBe('false');
  expect(csv).toContain('1 Main St\\, Springfield');

  const target = await startLocalCloud({ port: 0, constructProps: { groupsColumn: 'groups' } });
  clouds.push(target);
  for (const g of ['admins', 'staff']) await idp(target, 'create-group', '--group-name', g);
  const report = await importFile(target, exported, 'incoming/exported.csv');
  expect(report.status).toBe('Succeeded');
  expect(report.totals).toMatchObject({ rows: 3, imported: 3, rejected: 0 });
  expect(report.fixes).toEqual({});
  expect(await snapshot(target)).toEqual(before);
}, 180_000);
