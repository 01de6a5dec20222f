/**
 * The 2026 CSV-import guide, end to end on the local cloud: the guide's example hash per algorithm imports
 * CONFIRMED, an empty hash RESET_REQUIRED, a hash over a bound is rejected by line; the password_hash column
 * with and without an algorithm (GetCSVHeader listing it or not); an ineligible pool; blank and missing
 * cognito:mfa_enabled in an optional-MFA pool. Statuses are read back with the AWS CLI as a user would.
 */
import { spawnSync } from 'child_process';
import { AdminGetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { LocalCloud, startLocalCloud } from '../../packages/cli/local-cloud';
import { run } from '../conformance/run';
import { clients } from '../local-cloud/helpers';
import { checkInvariants, drop } from './invariants';

let cloud: LocalCloud | undefined;
afterEach(async () => { await cloud?.stop(); cloud = undefined; });

const GUIDE: Record<string, { good: string; over: string; bound: string }> = {
  BCRYPT: {
    good: '$2b$10$CtA.Rcu/szzn9U00wpUjOuN3vrgJRZycv4aOzcP3GzqzO8UDPEFq6',
    over: '$2b$13$CtA.Rcu/szzn9U00wpUjOuN3vrgJRZycv4aOzcP3GzqzO8UDPEFq6',
    bound: 'maximum of 12',
  },
  SCRYPT: {
    good: '65536$8$1$304dbaef7c5e828dc19c98f0600d18fe$4f69c498c12cd102d057356facf8d77e8d42407090491ea32c5b038f5a18c099',
    over: '131072$8$1$304dbaef7c5e828dc19c98f0600d18fe$4f69c498c12cd102d057356facf8d77e8d42407090491ea32c5b038f5a18c099',
    bound: 'maximum of 65536',
  },
  ARGON2ID: {
    good: '"$argon2id$v=19$m=19456,t=2,p=1$ko/G5o1ms+ML08P95sQ8DA$AkVbvWSOqz7Hs3qthhWKxicOWnGLN+MBmpwc3emi5VA"',
    over: '"$argon2id$v=19$m=65536,t=2,p=1$ko/G5o1ms+ML08P95sQ8DA$AkVbvWSOqz7Hs3qthhWKxicOWnGLN+MBmpwc3emi5VA"',
    bound: 'maximum of 19456',
  },
  PBKDF2_SHA256: {
    good: '$pbkdf2-sha256$600000$1XZlmwLQ2hhM3JYuCPiArQ$Pfheg9Zi/v5lXU4yyLA0WFUYEd/rlaVbzrM9oMD6IrA',
    over: '$pbkdf2-sha256$600001$1XZlmwLQ2hhM3JYuCPiArQ$Pfheg9Zi/v5lXU4yyLA0WFUYEd/rlaVbzrM9oMD6IrA',
    bound: 'maximum of 600000',
  },
};
const HEADER = 'cognito:username,email,email_verified,password_hash';
const row = (name: string, hash = '') => `${name},${name}@example.com,true,${hash}`;

const hasAwsCli = spawnSync('aws', ['--version']).status === 0;

/** The user's status as `aws cognito-idp admin-get-user` prints it (the SDK when the CLI is not installed). */
async function userStatus(c: LocalCloud, username: string): Promise<string | undefined> {
  if (hasAwsCli) {
    // Asynchronously: the local cloud answering the CLI runs in this process.
    const r = await run(c, 'aws', ['cognito-idp', 'admin-get-user', '--user-pool-id', c.poolId, '--username', username,
      '--endpoint-url', c.endpoint, '--region', 'us-east-1', '--output', 'json']);
    if (r.code !== 0 && !/UserNotFoundException/.test(r.stderr)) throw new Error(`aws admin-get-user failed: ${r.stderr}`);
    return r.code === 0 ? JSON.parse(r.stdout).UserStatus : undefined;
  }
  try {
    return (await clients(c).cognito.send(new AdminGetUserCommand({ UserPoolId: c.poolId, Username: username }))).UserStatus;
  } catch { return undefined; }
}

test.each(Object.keys(GUIDE))('%s: the guide\'s example imports CONFIRMED, an empty hash RESET_REQUIRED, one over a bound is rejected by line', async (algorithm) => {
  cloud = await startLocalCloud({ port: 0, constructProps: { passwordHashingAlgorithm: algorithm } });
  const { good, over, bound } = GUIDE[algorithm];
  const d = await drop(cloud, [HEADER, row('ann', good), row('ben'), row('cid', over)].join('\n') + '\n', `incoming/${algorithm}.csv`);
  const report = await cloud.waitForReport(d.key);
  expect(report.totals).toMatchObject({ rows: 3, imported: 2, rejected: 1 });
  expect(report.rejected).toEqual([expect.objectContaining({ line: 4, column: 'password_hash', message: expect.stringContaining(bound) })]);
  expect(report.passwords).toEqual({ algorithm, confirmed: 1, resetRequired: 1 });
  expect(await userStatus(cloud, 'ann')).toBe('CONFIRMED');
  expect(await userStatus(cloud, 'ben')).toBe('RESET_REQUIRED');
  expect(await userStatus(cloud, 'cid')).toBeUndefined();
  expect(JSON.stringify(report)).not.toContain(good.replace(/"/g, '').slice(10, 30));
  await checkInvariants(cloud, [d]);
});

test.each([false, true])('the password_hash column without an algorithm (GetCSVHeader lists it: %s)', async (listed) => {
  cloud = await startLocalCloud({ port: 0, behaviour: { csvHeaderListsPasswordHash: listed } });
  // The console's template: the column is there, empty. It imports as is.
  const template = await drop(cloud, [HEADER, row('tim'), row('tom')].join('\n') + '\n', 'incoming/template.csv');
  const ok = await cloud.waitForReport(template.key);
  expect(ok).toMatchObject({ status: 'Succeeded', totals: { imported: 2 } });
  expect(ok.fixes.passwordHashColumnRemoved).toBe(1);
  expect(await userStatus(cloud, 'tim')).toBe('RESET_REQUIRED');
  // A hash without an algorithm: nothing is imported, the message says what to set.
  const hashed = await drop(cloud, [HEADER, row('hal'), row('hank', GUIDE.BCRYPT.good)].join('\n') + '\n', 'incoming/hashed.csv');
  const rejected = await cloud.waitForReport(hashed.key);
  expect(rejected.status).toBe('Rejected');
  expect(rejected.rejected).toEqual([expect.objectContaining({ line: 3, column: 'password_hash', message: expect.stringContaining('Set passwordHashingAlgorithm') })]);
  expect(await userStatus(cloud, 'hal')).toBeUndefined();
  await checkInvariants(cloud, [template, hashed]);
});

test('an algorithm with no password_hash column is rejected before any job, naming the column', async () => {
  cloud = await startLocalCloud({ port: 0, constructProps: { passwordHashingAlgorithm: 'BCRYPT' } });
  const d = await drop(cloud, 'cognito:username,email,email_verified\nann,ann@example.com,true\n', 'incoming/no-column.csv');
  const report = await cloud.waitForReport(d.key);
  expect(report.status).toBe('Rejected');
  expect(report.rejected[0]).toMatchObject({ line: 1, column: 'password_hash' });
  expect(cloud.jobs()).toHaveLength(0);
});

test('a pool that cannot import hashes: the file ends Failed with a message that says what to do', async () => {
  cloud = await startLocalCloud({ port: 0, constructProps: { passwordHashingAlgorithm: 'BCRYPT' }, behaviour: { passwordHashImport: 'not-enabled' } });
  const d = await drop(cloud, [HEADER, row('ann', GUIDE.BCRYPT.good)].join('\n') + '\n', 'incoming/ineligible.csv');
  const report = await cloud.waitForReport(d.key);
  expect(report.status).toBe('Failed');
  expect(report.error).toMatch(/cannot import password hashes.*Remove passwordHashingAlgorithm/);
  expect(await userStatus(cloud, 'ann')).toBeUndefined();
  await checkInvariants(cloud, [d]);
});

test('optional MFA: a blank or missing cognito:mfa_enabled is filled false, nothing rejected', async () => {
  cloud = await startLocalCloud({ port: 0, pool: { UserPool: { MfaConfiguration: 'OPTIONAL', AutoVerifiedAttributes: ['email'] } } });
  const blank = await drop(cloud, 'cognito:username,email,email_verified,cognito:mfa_enabled\nmia,mia@example.com,true,\nmo,mo@example.com,true,true\n', 'incoming/blank-mfa.csv');
  const missing = await drop(cloud, 'cognito:username,email,email_verified\nmax,max@example.com,true\n', 'incoming/no-mfa.csv');
  for (const d of [blank, missing]) {
    const report = await cloud.waitForReport(d.key);
    expect(report.status).toBe('Succeeded');
    expect(report.rejected).toEqual([]);
  }
  expect((await cloud.waitForReport(blank.key)).fixes.mfaEnabledFilled).toBe(1);
  expect(await userStatus(cloud, 'mia')).toBe('RESET_REQUIRED');
  await checkInvariants(cloud, [blank, missing]);
});
