import { UserPoolType } from '@aws-sdk/client-cognito-identity-provider';
import { planHeader } from '../../lambda/validate/header-check';
import { checkPasswordHash } from '../../lambda/validate/password-hash';
import { buildPoolRules } from '../../lambda/validate/pool-rules';
import { checkPlainRow, checkRow } from '../../lambda/validate/row-validator';
import type { PasswordHashingAlgorithmValue } from '../../lambda/shared/env';
import { CSV_HEADER, pool } from './helpers';

function check(row: Record<string, string>, poolOverrides: Partial<UserPoolType> = {}, algorithm?: PasswordHashingAlgorithmValue) {
  const rules = buildPoolRules(pool(poolOverrides), CSV_HEADER, algorithm);
  const header = [...rules.columns];
  const plan = planHeader(rules, header);
  const fields = header.map((h) => row[h] ?? '');
  return checkRow(rules, plan, fields);
}
const ok = { 'cognito:username': 'alice', email: 'alice@example.com', email_verified: 'true' };

describe('row rules (docs/csv-and-report.md#csv-format)', () => {
  test.each<[string, Record<string, string>, Partial<UserPoolType>, string | undefined]>([
    ['valid row', ok, {}, undefined],
    ['empty username', { ...ok, 'cognito:username': '' }, {}, 'cognito:username is empty'],
    ['username with whitespace', { ...ok, 'cognito:username': 'al ice' }, {}, 'whitespace'],
    ['username with tab', { ...ok, 'cognito:username': 'al\tice' }, {}, 'whitespace'],
    ['username > 128', { ...ok, 'cognito:username': 'a'.repeat(129) }, {}, 'longer than 128'],
    ['bad email', { ...ok, email: 'not-an-email' }, {}, 'email is not a valid email'],
    ['no verified attribute (flag false)', { ...ok, email_verified: 'false' }, {}, 'no verified attribute'],
    ['no verified attribute (flag blank)', { ...ok, email_verified: '' }, {}, 'no verified attribute'],
    ['verified flag without value', { 'cognito:username': 'a', email_verified: 'true' }, {}, 'email_verified is true but email is empty'],
    ['phone verified but pool auto-verifies email only', { 'cognito:username': 'a', phone_number: '+15551234567', phone_number_verified: 'true' }, {}, 'no verified attribute'],
    ['phone verified in a phone pool', { 'cognito:username': 'a', phone_number: '+15551234567', phone_number_verified: 'true' }, { AutoVerifiedAttributes: ['phone_number'] }, undefined],
    ['bad phone (not E.164)', { ...ok, phone_number: '555-1234' }, {}, 'E.164'],
    ['bad phone (spaces)', { ...ok, phone_number: '+1 555 1234' }, {}, 'E.164'],
    ['bad boolean', { ...ok, email_verified: 'yes' }, {}, 'email_verified must be true or false'],
    ['birthdate wrong format', { ...ok, birthdate: '1990-01-31' }, {}, 'mm/dd/yyyy'],
    ['birthdate impossible date', { ...ok, birthdate: '02/30/1990' }, {}, 'mm/dd/yyyy'],
    ['birthdate valid', { ...ok, birthdate: '02/28/1990' }, {}, undefined],
    ['updated_at not epoch seconds', { ...ok, updated_at: '2020-01-01' }, {}, 'epoch seconds'],
    ['updated_at in milliseconds', { ...ok, updated_at: '1700000000000' }, {}, 'epoch seconds'],
    ['updated_at valid', { ...ok, updated_at: '1700000000' }, {}, undefined],
    ['MFA true in an MFA-off pool', { ...ok, 'cognito:mfa_enabled': 'true' }, { MfaConfiguration: 'OFF' }, 'MFA off'],
    ['MFA false in an MFA-on pool', { ...ok, 'cognito:mfa_enabled': 'false' }, { MfaConfiguration: 'ON' }, 'requires MFA'],
    ['MFA blank in an MFA-on pool', ok, { MfaConfiguration: 'ON' }, undefined],
    ['MFA either in an optional pool', { ...ok, 'cognito:mfa_enabled': 'true' }, { MfaConfiguration: 'OPTIONAL' }, undefined],
    ['custom string too long', { ...ok, 'custom:tier': 'platinum' }, {}, 'custom:tier is longer than 5'],
    ['custom number not a number', { ...ok, 'custom:level': 'high' }, {}, 'custom:level must be an integer'],
    ['custom number above max', { ...ok, 'custom:level': '11' }, {}, 'above its maximum 10'],
    ['custom number below min', { ...ok, 'custom:level': '0' }, {}, 'below its minimum 1'],
    ['custom number in range', { ...ok, 'custom:level': '10', 'custom:tier': 'gold' }, {}, undefined],
    ['email as username: email required', { 'cognito:username': 'a', phone_number: '+15551234567', phone_number_verified: 'true' }, { UsernameAttributes: ['email'], AutoVerifiedAttributes: ['email', 'phone_number'] }, 'signs users in with email'],
  ])('%s', (_name, row, poolOverrides, expected) => {
    const r = checkRow(buildPoolRules(pool(poolOverrides), CSV_HEADER), planHeader(buildPoolRules(pool(poolOverrides), CSV_HEADER), CSV_HEADER), CSV_HEADER.map((h) => row[h] ?? ''));
    const messages = r.problems.map((p) => p.message).join(' | ');
    if (expected === undefined) expect(messages).toBe('');
    else expect(messages).toContain(expected);
  });

  test('required attribute empty', () => {
    const r = check(ok, { SchemaAttributes: [...(pool().SchemaAttributes ?? []), { Name: 'family_name', AttributeDataType: 'String', Required: true }] });
    expect(r.problems.map((p) => p.message)).toContain('family_name is required by the user pool');
  });

  test('wrong field count is explained and stops further checks', () => {
    const rules = buildPoolRules(pool(), CSV_HEADER);
    const r = checkRow(rules, planHeader(rules, CSV_HEADER), ['a', 'b']);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0].message).toMatch(/2 fields but the header has 23/);
  });

  test('one message per column: a bad updated_at is not explained twice by its Number schema type', () => {
    const rules = buildPoolRules(pool({ SchemaAttributes: [...(pool().SchemaAttributes ?? []), { Name: 'updated_at', AttributeDataType: 'Number' }] }), CSV_HEADER);
    const r = checkRow(rules, planHeader(rules, CSV_HEADER), CSV_HEADER.map((h) => ({ ...ok, updated_at: 'abc' } as Record<string, string>)[h] ?? ''));
    expect(r.problems).toEqual([{ column: 'updated_at', message: 'updated_at is not a time in epoch seconds' }]);
  });

  test('booleans are case-normalized and counted (a safe fix)', () => {
    const r = check({ ...ok, email_verified: 'TRUE', 'cognito:mfa_enabled': 'False' });
    expect(r.problems).toEqual([]);
    expect(r.booleansNormalized).toBe(2);
    expect(r.values[CSV_HEADER.indexOf('email_verified')]).toBe('true');
  });

  test('values are trimmed', () => {
    const r = check({ ...ok, 'cognito:username': '  alice  ', email: ' alice@example.com ' });
    expect(r.problems).toEqual([]);
    expect(r.username).toBe('alice');
  });

  test('messages never contain the values', () => {
    const r = check({ 'cognito:username': 'bob', email: 'secret@@example', phone_number: '12345', email_verified: 'true' });
    const all = JSON.stringify(r.problems);
    expect(all).not.toContain('secret');
    expect(all).not.toContain('12345');
  });
});

describe('header rules (file-level)', () => {
  const rules = buildPoolRules(pool(), CSV_HEADER);
  test.each<[string, string[], string | undefined, number]>([
    ['full header in another order', [...CSV_HEADER].reverse(), undefined, 0],
    ['missing optional columns are filled', ['cognito:username', 'email', 'email_verified'], undefined, CSV_HEADER.length - 3],
    ['unknown column, named (the line is evidently a header)', [...CSV_HEADER, 'favourite_color'], 'header column favourite_color is not an attribute of the user pool', 0],
    ['duplicate column', [...CSV_HEADER, 'email'], 'appears more than once', 0],
    ['no username column', CSV_HEADER.filter((c) => c !== 'cognito:username'), 'no cognito:username column', 1],
  ])('%s', (_n, header, error, missing) => {
    const plan = planHeader(rules, header);
    if (error) expect(plan.errors.map((e) => e.message).join('|')).toContain(error);
    else expect(plan.errors).toEqual([]);
    expect(plan.missing.length).toBe(missing);
  });

  test('an algorithm without a password_hash column rejects the file, naming the column (Cognito fails the job)', () => {
    const withAlgorithm = buildPoolRules(pool(), CSV_HEADER, 'SCRYPT');
    const plan = planHeader(withAlgorithm, CSV_HEADER);
    expect(plan.errors).toEqual([expect.objectContaining({ column: 'password_hash', message: expect.stringContaining('passwordHashingAlgorithm (SCRYPT) requires') })]);
    expect(planHeader(withAlgorithm, [...CSV_HEADER, 'password_hash']).errors).toEqual([]);
  });

  test.each([false, true])('password_hash is uploaded once with an algorithm, without one only where GetCSVHeader lists it (listed: %s)', (listed) => {
    const header = listed ? [...CSV_HEADER, 'password_hash'] : CSV_HEADER;
    expect(buildPoolRules(pool(), header).columns.includes('password_hash')).toBe(listed);
    expect(buildPoolRules(pool(), header, 'BCRYPT').columns.filter((c) => c === 'password_hash')).toEqual(['password_hash']);
    // Without an algorithm a missing password_hash column is filled empty, never a file error.
    const noAlgorithm = buildPoolRules(pool(), header);
    expect(planHeader(noAlgorithm, CSV_HEADER).errors).toEqual([]);
  });

  test('a file without a header: no cell of its first row appears in any error (named by position)', () => {
    const firstUser = ['ada', 'ada.lovelace@example.com', 'true', '+14155550100', 'Ada Lovelace', 'ada.lovelace@example.com'];
    const plan = planHeader(rules, firstUser);
    const text = JSON.stringify(plan.errors);
    for (const value of ['ada', 'lovelace', '4155550100', 'Ada Lovelace']) expect(text).not.toContain(value);
    expect(plan.errors.map((e) => e.message)).toEqual(expect.arrayContaining([
      'header columns 1, 2, 3, 4, 5, 6 are not attributes of the user pool (GetCSVHeader); is the header line missing?',
    ]));
    expect(plan.errors.every((e) => e.column === undefined || rules.columns.includes(e.column))).toBe(true);
  });

  test('many unknown columns in a real header: one entry naming the first ten, the rest counted', () => {
    const extra = Array.from({ length: 1000 }, (_, i) => `extra_${i}`);
    const plan = planHeader(rules, [...CSV_HEADER, ...extra]);
    expect(plan.errors).toHaveLength(1);
    expect(plan.errors[0].message).toBe(`header columns ${extra.slice(0, 10).join(', ')} and 990 more are not attributes of the user pool (GetCSVHeader): rename them to the pool's attribute names or remove them`);
  });

  test('a typo beside cognito:username is named, however few known columns there are', () => {
    const plan = planHeader(rules, ['cognito:username', 'emial', 'email_verified']);
    expect(plan.errors.map((e) => e.message)).toContain("header column emial is not an attribute of the user pool (GetCSVHeader): rename it to the pool's attribute names or remove it");
  });

  test('a required attribute column missing cannot be filled', () => {
    const r = buildPoolRules(pool({ SchemaAttributes: [{ Name: 'family_name', AttributeDataType: 'String', Required: true }] }), CSV_HEADER);
    expect(planHeader(r, ['cognito:username', 'email', 'email_verified']).errors[0].message).toContain('family_name');
  });

  test('a pool without auto-verified attributes cannot import', () => {
    const r = buildPoolRules(pool({ AutoVerifiedAttributes: [] }), CSV_HEADER);
    expect(planHeader(r, CSV_HEADER).errors[0].message).toContain('no auto-verified attribute');
  });
});

describe('password hashes per algorithm (the Cognito guide\'s formats and bounds)', () => {
  // The guide's own example hashes ("Importing users with password hashes"): each must pass.
  const GUIDE_EXAMPLES: Array<[PasswordHashingAlgorithmValue, string]> = [
    ['BCRYPT', '$2b$10$CtA.Rcu/szzn9U00wpUjOuN3vrgJRZycv4aOzcP3GzqzO8UDPEFq6'],
    ['SCRYPT', '65536$8$1$304dbaef7c5e828dc19c98f0600d18fe$4f69c498c12cd102d057356facf8d77e8d42407090491ea32c5b038f5a18c099'],
    ['ARGON2ID', '$argon2id$v=19$m=19456,t=2,p=1$ko/G5o1ms+ML08P95sQ8DA$AkVbvWSOqz7Hs3qthhWKxicOWnGLN+MBmpwc3emi5VA'],
    ['PBKDF2_SHA256', '$pbkdf2-sha256$600000$1XZlmwLQ2hhM3JYuCPiArQ$Pfheg9Zi/v5lXU4yyLA0WFUYEd/rlaVbzrM9oMD6IrA'],
  ];
  test.each(GUIDE_EXAMPLES)('the guide\'s %s example passes', (algorithm, hash) => {
    expect(checkPasswordHash(algorithm, hash)).toBeUndefined();
  });

  const bcrypt = (cost: string, v = '2b') => `$${v}$${cost}$${'a'.repeat(22)}${'b'.repeat(31)}`;
  const hex = 'ab'.repeat(16);
  test.each<[PasswordHashingAlgorithmValue, string, string | undefined]>([
    ['BCRYPT', '', undefined],
    ['BCRYPT', bcrypt('12', '2a'), undefined],
    ['BCRYPT', bcrypt('12', '2y'), undefined],
    ['BCRYPT', bcrypt('13'), 'maximum of 12'],
    ['BCRYPT', bcrypt('10', '2c'), 'not a BCRYPT hash'],
    ['BCRYPT', '$2b$10$short', 'not a BCRYPT hash'],
    ['SCRYPT', `16384$8$1$${hex}$${hex}`, undefined],
    ['SCRYPT', `131072$8$1$${hex}$${hex}`, 'maximum of 65536'],
    ['SCRYPT', `65536$16$1$${hex}$${hex}`, 'r=16 must be 8'],
    ['SCRYPT', `65536$8$2$${hex}$${hex}`, 'p=2 must be 1'],
    ['SCRYPT', `1000$8$1$${hex}$${hex}`, 'power of two'],
    ['SCRYPT', `65536$8$1$${hex}$not-hex`, 'not an SCRYPT hash'],
    // The PHC form is not what the guide documents: Cognito would fail the user.
    ['SCRYPT', '$scrypt$ln=16,r=8,p=1$c2FsdA$aGFzaA', 'not an SCRYPT hash'],
    ['ARGON2ID', '$argon2id$v=19$m=19457,t=2,p=1$c2FsdA$aGFzaA', 'm=19457 is over Cognito\'s maximum of 19456'],
    ['ARGON2ID', '$argon2id$v=19$m=19456,t=3,p=1$c2FsdA$aGFzaA', 't=3 is over Cognito\'s maximum of 2'],
    ['ARGON2ID', '$argon2id$v=19$m=19456,t=2,p=4$c2FsdA$aGFzaA', 'p=4 is over Cognito\'s maximum of 1'],
    ['ARGON2ID', '$argon2i$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA', 'not an ARGON2ID hash'],
    ['ARGON2ID', '$argon2id$m=19456,t=2,p=1$c2FsdA$aGFzaA', 'not an ARGON2ID hash'],
    ['PBKDF2_SHA256', '$pbkdf2-sha256$600001$c2FsdA$aGFzaA', 'maximum of 600000'],
    ['PBKDF2_SHA256', 'pbkdf2_sha256$310000$c2FsdA$aGFzaA', 'not a PBKDF2_SHA256 hash'],
    ['PBKDF2_SHA256', bcrypt('10'), 'not a PBKDF2_SHA256 hash'],
  ])('%s %s → %s', (algorithm, hash, expected) => {
    const problem = checkPasswordHash(algorithm, hash);
    if (expected === undefined) expect(problem).toBeUndefined();
    else expect(problem).toContain(expected);
    if (problem) expect(problem).not.toContain(hash.slice(8, 20) || '\u0000');
  });

  test('the column is checked in rows when an algorithm is set', () => {
    const r = check({ ...ok, password_hash: 'plaintext' }, {}, 'BCRYPT');
    expect(r.problems.map((p) => p.column)).toContain('password_hash');
    expect(check({ ...ok, password_hash: '' }, {}, 'BCRYPT').problems).toEqual([]);
  });
});

test('plain rows without a cognito:mfa_enabled column: every row gets the fill, not just the first', () => {
  const rules = buildPoolRules(pool({ MfaConfiguration: 'OFF' }), CSV_HEADER);
  const plan = planHeader(rules, ['cognito:username', 'email', 'email_verified']);
  for (const name of ['alice', 'bob', 'carol']) {
    expect(checkPlainRow(rules, plan, `${name},${name}@example.com,true`)?.mfaFilled).toBe(1);
  }
});
