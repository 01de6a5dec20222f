/**
 * The byte-level fast path may only say "passes" for a row the string path (row-validator) finds no
 * problem in and nothing to fix: generated rows near every rule's edge, differential.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import fc from 'fast-check';
import { parseCsvLine } from '../../lambda/csv/csv-fields';
import { planHeader } from '../../lambda/validate/header-check';
import { buildPoolRules } from '../../lambda/validate/pool-rules';
import { bytePlan, passingRowEnd, rowPassesOnBytes } from '../../lambda/validate/row-bytes';
import { checkRow, MAX_ROW_CHARACTERS } from '../../lambda/validate/row-validator';
import { hash64 } from '../../lambda/validate/username-set';
import { CSV_HEADER, pool } from './helpers';

// The first value is a good one and comes most of the time, so that whole rows pass often enough.
const pick = (...xs: string[]) => fc.oneof({ arbitrary: fc.constant(xs[0]), weight: 12 }, { arbitrary: fc.constantFrom(...xs), weight: 1 });
const value: Record<string, fc.Arbitrary<string>> = {
  'cognito:username': fc.oneof(fc.integer({ min: 1, max: 9999 }).map((n) => `U${n}`), pick('u1', 'User.Two', 'é', 'a b', '', 'x'.repeat(129), 'x'.repeat(128), 'a\u00a0', ' u', 'u\t', 'ü')),
  email: pick('a@b.co', 'a@b.', 'a@@b.co', '@b.co', 'a@.co', 'a@b.c.', 'ab.co', '', 'a @b.co', 'ä@b.co', 'a@b.co.'),
  // Near misses at every byte of `true`/`false` and on both sides of the digits (0x2f, 0x3a): the byte
  // checks are written out in the generated code, so each byte's test must be able to fail.
  email_verified: pick('true', 'false', '', 'TRUE', 'yes', ' true', 'tru', 'truee', 'xrue', 'txue', 'trxe', 'trux', 'xalse', 'fxlse', 'faxse', 'falxe', 'falsx', 'fals'),
  phone_number: pick('+15550000001', '', '+05550000001', '+1', '+12', '15550000001', '+1234567890123456', '+123456789012345', '+1555000000/', '+1555:000000', '+1/', '+1:'),
  phone_number_verified: pick('true', '', 'false', 'False', 'falsy', 'trUe'),
  birthdate: pick('', '02/29/2000', '02/29/1900', '13/01/2000', '1/01/2000', '12/31/1999', '04/31/2000', '00/10/2000'),
  updated_at: pick('', '0', '1700000000', '253402300799', '253402300800', '-1', '12a', '1700000000000', '17000/0000', '1700:00000', '/', ':'),
  'custom:tier': pick('', 'a', 'abcde', 'abcdef', 'ü'),
  'custom:level': pick('', '1', '10', '11', '0', '-1', '5.5', '01'),
  name: pick('', 'Ann', 'Ann Lee', 'Zoë', ' padded', 'tab\t', 'a"b', 'a\\b', 'x'.repeat(300)),
};
const others = CSV_HEADER.filter((c) => !(c in value) && c !== 'cognito:mfa_enabled');
const row = (mfa: string) => fc.record({
  ...value,
  'cognito:mfa_enabled': pick(mfa, '', 'false', 'true', 'FALSE', 'falsx', 'trux'),
  ...Object.fromEntries(others.map((c) => [c, pick('', 'v', 'ü', 'v w')])),
});

test.each([
  ['email pool, MFA off', {}],
  ['phone pool, MFA on, case-sensitive', { AutoVerifiedAttributes: ['phone_number'], MfaConfiguration: 'ON', UsernameConfiguration: { CaseSensitive: true } }],
  ['sign-in with email', { UsernameAttributes: ['email'] }],
] as const)('bytes pass ⇒ the string path finds nothing (%s)', (_n, overrides) => {
  const rules = buildPoolRules(pool(overrides as never), CSV_HEADER);
  let passed = 0;
  fc.assert(fc.property(row(rules.mfa === 'ON' ? 'true' : 'false'), fc.shuffledSubarray(CSV_HEADER, { minLength: CSV_HEADER.length }), (r, order) => {
    const plan = planHeader(rules, order);
    const bp = bytePlan(rules, plan, MAX_ROW_CHARACTERS)!;
    const line = order.map((c) => (r as Record<string, string>)[c]).join(',');
    const buf = Buffer.from(`x\n${line}\ny`);
    const hash = new Uint32Array(2);
    if (!rowPassesOnBytes(bp, buf, 2, 2 + Buffer.byteLength(line), hash)) return;
    passed += 1;
    const parsed = parseCsvLine(line);
    expect(parsed.quotedFields).toBe(0);
    const checked = checkRow(rules, plan, parsed.fields, line.length);
    expect(checked.problems).toEqual([]);
    expect(checked.booleansNormalized).toBe(0);
    expect(checked.valuesTrimmed).toBe(0);
    expect(checked.mfaFilled ?? 0).toBe(0);
    expect([...hash]).toEqual(hash64(checked.username, !rules.usernameCaseSensitive));
  }), { numRuns: 3000 });
  expect(passed).toBeGreaterThan(100); // the property must have been exercised
});

describe('passingRowEnd: rows read in a region, each ending at its LF', () => {
  const rules = buildPoolRules(pool(), CSV_HEADER);
  const plan = planHeader(rules, CSV_HEADER);
  const bp = bytePlan(rules, plan, MAX_ROW_CHARACTERS)!;
  const good: Record<string, string> = { 'cognito:username': 'u1', email: 'a@b.co', email_verified: 'true', 'cognito:mfa_enabled': 'false' };
  const line = (over: Record<string, string> = {}) => CSV_HEADER.map((c) => ({ ...good, ...over })[c] ?? '').join(',');
  const endOf = (text: string) => {
    const buf = Buffer.from(text);
    return passingRowEnd(bp, buf, 0, buf.length, new Uint32Array(2));
  };

  test('a passing row ends at its LF, whatever follows', () => {
    const row = line();
    expect(endOf(`${row}\n${row}\n`)).toBe(Buffer.byteLength(row));
    expect(endOf(`${line({ name: 'Ann Lee', 'custom:tier': 'abc' })}\nnext\n`)).toBe(Buffer.byteLength(line({ name: 'Ann Lee', 'custom:tier': 'abc' })));
  });

  test.each([
    ['one field too few (the row ends inside the plain fields)', () => CSV_HEADER.slice(1).map(() => '').join(',')],
    ['a field too many', () => `${line()},extra`],
    ['a trailing comma', () => `${line()},`],
    ['padding in a plain field', () => line({ nickname: ' Ann' })],
    ['padding at the end of a plain field', () => line({ website: 'x ' })],
    ['a tab ending a plain field', () => line({ website: 'x\t' })],
    ['an empty username', () => line({ 'cognito:username': '' })],
  ])('%s does not pass (-1)', (_name, row) => {
    expect(endOf(`${row()}\n${line()}\n`)).toBe(-1);
  });

  test('rowPassesOnBytes reads a span that ends at its line end only (LF or the CR of a CRLF)', () => {
    const row = line();
    const hash = new Uint32Array(2);
    const n = Buffer.byteLength(row);
    expect(rowPassesOnBytes(bp, Buffer.from(`${row}\r\n`), 0, n, hash)).toBe(true);
    expect(rowPassesOnBytes(bp, Buffer.from(row), 0, n, hash)).toBe(true);
    // A span cut short of its line is refused, not read past its end.
    expect(rowPassesOnBytes(bp, Buffer.from(`${row}x\n`), 0, n, hash)).toBe(false);
  });
});

describe('the row check written for a file (compileRowEnd)', () => {
  test('holds no text from the pool or the file: only whole numbers, booleans and fixed code', () => {
    const odd = 'custom:x\');process.exit(1);//';
    const base = pool();
    const rules = buildPoolRules({
      ...base,
      SchemaAttributes: [...(base.SchemaAttributes ?? []), { Name: odd, AttributeDataType: 'String', Mutable: true, Required: false, StringAttributeConstraints: { MinLength: '2', MaxLength: '7' } }],
    }, [...CSV_HEADER, odd]);
    const header = [...CSV_HEADER, odd];
    const bp = bytePlan(rules, planHeader(rules, header), MAX_ROW_CHARACTERS)!;
    const source = bp.rowEnd.toString();
    expect(source).not.toContain('custom:');
    expect(source).not.toContain('process');
    // The odd column's own bounds still apply (read from the plan's fields).
    const good: Record<string, string> = { 'cognito:username': 'u1', email: 'a@b.co', email_verified: 'true', 'cognito:mfa_enabled': 'false' };
    const row = (v: string) => Buffer.from(header.map((c) => (c === odd ? v : good[c] ?? '')).join(',') + '\n');
    const hash = new Uint32Array(2);
    expect(passingRowEnd(bp, row('abc'), 0, row('abc').length, hash)).toBeGreaterThan(0);
    expect(passingRowEnd(bp, row('a'), 0, row('a').length, hash)).toBe(-1);
    expect(passingRowEnd(bp, row('abcdefgh'), 0, row('abcdefgh').length, hash)).toBe(-1);
  });

  test('a pool bound that is not a whole number sends rows to the string path instead of failing', () => {
    const base = pool();
    const rules = buildPoolRules({
      ...base,
      SchemaAttributes: (base.SchemaAttributes ?? []).map((a) => (a.Name === 'name' ? { ...a, StringAttributeConstraints: { MinLength: '0', MaxLength: '20.5' } } : a)),
    }, CSV_HEADER);
    const bp = bytePlan(rules, planHeader(rules, CSV_HEADER), MAX_ROW_CHARACTERS)!;
    const line = CSV_HEADER.map((c) => ({ 'cognito:username': 'u1', email: 'a@b.co', email_verified: 'true', 'cognito:mfa_enabled': 'false' } as Record<string, string>)[c] ?? '').join(',');
    expect(passingRowEnd(bp, Buffer.from(`${line}\n`), 0, line.length + 1, new Uint32Array(2))).toBe(-1);
  });
});

test('where code cannot be made from text, no row passes on its bytes (every row takes the string path)', () => {
  // The compiled modules (npm run build), in a Node started with and without the flag.
  const root = path.join(__dirname, '..', '..', 'lambda', 'validate');
  const script = `
    const m = require(${JSON.stringify(path.join(root, 'row-bytes.js'))});
    const { buildPoolRules } = require(${JSON.stringify(path.join(root, 'pool-rules.js'))});
    const { planHeader } = require(${JSON.stringify(path.join(root, 'header-check.js'))});
    const [pool, header, line] = JSON.parse(process.argv[1]);
    const rules = buildPoolRules(pool, header);
    const bp = m.bytePlan(rules, planHeader(rules, header), 16000);
    const buf = Buffer.from(line + '\\n');
    process.stdout.write(String(m.passingRowEnd(bp, buf, 0, buf.length, new Uint32Array(2))));`;
  const good: Record<string, string> = { 'cognito:username': 'u1', email: 'a@b.co', email_verified: 'true', 'cognito:mfa_enabled': 'false' };
  const line = CSV_HEADER.map((c) => good[c] ?? '').join(',');
  const run = (...flags: string[]) => spawnSync(process.execPath, [...flags, '-e', script, JSON.stringify([pool(), CSV_HEADER, line])], { encoding: 'utf8' });
  expect(run().stdout).toBe(String(Buffer.byteLength(line)));
  const refused = run('--disallow-code-generation-from-strings');
  expect(refused.stderr).toBe('');
  expect(refused.stdout).toBe('-1');
});
