/**
 * The end-to-end invariants under every behaviour variant: where AWS documents nothing, the local cloud
 * answers one plausible way per variant, and the engine must give the same, right reports under all of them,
 * with files dropped at once (their imports queue behind each other).
 */
import { AdminCreateUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { CognitoBehaviour, LocalCloud, startLocalCloud } from '../../packages/cli/local-cloud';
import { clients, cognitoCsv, user } from '../local-cloud/helpers';
import { checkInvariants, drop } from './invariants';

jest.setTimeout(180_000);

/** Test device of every variant: Cognito FAILs these rows whatever they hold (the engine cannot foresee it). */
const FAIL = ['user5', 'user105'];

const VARIANTS: Array<[string, Partial<CognitoBehaviour>]> = [
  ['defaults', {}],
  ['first user is line 1, LimitExceeded, empty log pages, late log lines', {
    resultLineNumbers: 'first-user-is-line-1', activeJobError: 'LimitExceededException', emptyLogPages: true, logDelaySeconds: 2,
  }],
  ['first user is line 1, PreconditionNotMet, jobs fail over 10% failed or skipped, 10^8-byte parts', {
    resultLineNumbers: 'first-user-is-line-1', activeJobError: 'PreconditionNotMetException', failJobOverFailedOrSkipped: 0.1, maxPartBytes: 100000000,
  }],
  ['header is line 1, PreconditionNotMet, any failure fails the job, empty pages, late lines', {
    resultLineNumbers: 'header-is-line-1', activeJobError: 'PreconditionNotMetException', failJobOverFailedOrSkipped: 0, emptyLogPages: true, logDelaySeconds: 1,
  }],
];

/** What a user of the report relies on (messages may differ in wording between variants). */
const shape = (report: any) => ({
  status: report.status,
  totals: report.totals,
  rejected: report.rejected.map((r: any) => [r.line, r.username]),
  users: report.users.map((u: any) => [u.line, u.username, u.outcome, !!u.unknownFate]).sort((a: any[], b: any[]) => a[0] - b[0]),
});

const fileA = cognitoCsv([user(1), user(2), user(3), user(4), user(5), user(6), user(7, { phone_number: '555-0107' }), user(8), user(9)]);
const fileB = cognitoCsv([user(101), user(102), user(103), user(104), user(105), user(106)]);
const fileC = cognitoCsv([user(201), user(202), user(203, { 'cognito:mfa_enabled': '' })]);

const EXPECTED = {
  a: {
    status: 'PartiallySucceeded',
    totals: { rows: 9, imported: 6, skipped: 1, failed: 1, rejected: 1 },
    rejected: [[8, 'user7']],
    users: [[4, 'user3', 'SKIPPED', false], [6, 'user5', 'FAILED', false]],
  },
  b: {
    status: 'PartiallySucceeded',
    totals: { rows: 6, imported: 5, skipped: 0, failed: 1, rejected: 0 },
    rejected: [],
    users: [[6, 'user105', 'FAILED', false]],
  },
  c: { status: 'Succeeded', totals: { rows: 3, imported: 3, skipped: 0, failed: 0, rejected: 0 }, rejected: [], users: [] },
};

let cloud: LocalCloud | undefined;
afterEach(async () => { await cloud?.stop(); cloud = undefined; });

describe.each(VARIANTS)('variant: %s', (_name, behaviour) => {
  test('three files dropped at once: same right reports, invariants hold', async () => {
    cloud = await startLocalCloud({ port: 0, behaviour: { ...behaviour, failUsernames: FAIL }, workerEnv: { MAX_ROWS_PER_PART: '4' } });
    await clients(cloud).cognito.send(new AdminCreateUserCommand({
      UserPoolId: cloud.poolId, Username: 'user3', UserAttributes: [{ Name: 'email', Value: 'user3@example.com' }],
    }));
    const drops = await Promise.all([
      drop(cloud, fileA, 'incoming/a.csv'), drop(cloud, fileB, 'incoming/b.csv'), drop(cloud, fileC, 'incoming/c.csv'),
    ]);
    const [a, b, c] = await Promise.all(drops.map((d) => cloud!.waitForReport(d.key, { timeoutMs: 150_000 })));
    expect(shape(a)).toEqual(EXPECTED.a);
    expect(shape(b)).toEqual(EXPECTED.b);
    expect(shape(c)).toEqual(EXPECTED.c);
    for (const r of [a, b, c]) {
      const t = r.totals;
      expect(t.imported + t.skipped + t.failed + t.rejected).toBe(t.rows);
    }
    // The numbering was decided per job from evidence, and it is the variant's.
    const numbering = behaviour.resultLineNumbers ?? 'header-is-line-1';
    for (const j of [...a.jobs, ...b.jobs, ...c.jobs]) {
      expect(j.resultLineNumbers).toBe(numbering);
      expect(j.lineNumbersDecidedBy).toMatch(/^(line-range|pool-evidence|lowest-line):/);
    }
    expect(JSON.stringify([a, b, c])).not.toContain('555-0107');
    // Never a blank cognito:mfa_enabled uploaded: the emulator fails such rows, and none failed here.
    expect(c.fixes.mfaEnabledFilled).toBeGreaterThanOrEqual(1);
    await checkInvariants(cloud, drops);
  });
});
