/**
 * Round trip: every row the engine accepts, written as it is uploaded and read back the way Cognito
 * documents its CSV (`\,` is a comma, nothing is quoted), yields exactly the validated values in the
 * right columns; every row it cannot write faithfully is rejected with its line number; harvest names
 * the right user for every part line. Rows are generated (fast-check) with commas, backslashes, quotes,
 * Unicode, padding, blank values and missing columns, written in either dialect a user may drop.
 */
import fc from 'fast-check';
import { GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { harvest } from '../../lambda/harvest/harvest';
import { validate } from '../../lambda/validate/validate';
import { resultsKey, type RejectedEntry, type UserOutcome, type ValidationSummary } from '../../lambda/runtime/work-files';
import { BUCKET, config, CSV_HEADER, testEnv } from './helpers';

const SRC = 'drop-bucket';
const MAX_ROW_CHARACTERS = 16_000;

/** Cognito's documented reading of one line, written here from the documentation, not imported. */
function cognitoRead(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\\' && line[i + 1] === ',') { cur += ','; i += 1; continue; }
    if (line[i] === ',') { out.push(cur); cur = ''; continue; }
    cur += line[i];
  }
  out.push(cur);
  return out;
}

// What the engine promises about values (docs/csv-and-report.md#cognitos-dialect):
const PADDING = /^[\x00-\x20]+|[\x00-\x20]+$/g; // only U+0000-U+0020 is padding
const trim = (v: string) => v.replace(PADDING, '');
// A username: letters, marks, symbols, numbers, punctuation; nothing invisible.
const GOOD_USERNAME = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u;
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Cf}]/u;

// Characters that make CSV hard, plus letters so values look like values.
const tricky = fc.constantFrom(',', '\\', '"', ' ', '\t', 'é', '名', '😀', '\u00a0', '\ufeff', '\u200b', 'a', 'b', 'Z', '.', '-', "'", '\r');
const text = fc.array(tricky, { maxLength: 12 }).map((cs) => cs.join(''));
const usernameTail = fc.array(fc.constantFrom(',', '\\', '"', 'é', '名', '😀', '\u00a0', '\ufeff', '\u200b', 'x', '.', '-', ' '), { maxLength: 5 }).map((cs) => cs.join(''));
const padding = fc.constantFrom('', '', ' ', '  ', '\t', ' \u00a0', '\u00a0', '\ufeff ');

const OPTIONAL = ['name', 'given_name', 'family_name', 'address', 'phone_number_verified'];

interface GenRow {
  username: string; // as intended (before padding)
  usernamePad: [string, string];
  email: string;
  verified: string;
  extra: Record<string, string>;
  /** Per column: write RFC-quoted instead of `\,`-escaped. */
  quoted: boolean[];
  /** Drop this many trailing fields (a short row). */
  short: number;
}

const row = fc.record({
  username: usernameTail,
  usernamePad: fc.tuple(padding, padding),
  email: fc.constantFrom('', ' ', '\t'),
  verified: fc.constantFrom('true', 'TRUE', ' True ', 'true'),
  extra: fc.record({ name: text, given_name: text, family_name: text, address: text, phone_number_verified: fc.constantFrom('', 'false', 'FALSE') }),
  quoted: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
  short: fc.constantFrom(0, 0, 0, 0, 0, 0, 0, 1),
});

const file = fc.record({
  columns: fc.shuffledSubarray(OPTIONAL).chain((cols) => fc.shuffledSubarray(['cognito:username', 'email', 'email_verified', ...cols], {
    minLength: 3 + cols.length,
  })),
  rows: fc.array(row, { minLength: 1, maxLength: 12 }),
  chunk: fc.integer({ min: 1, max: 64 }),
  crlf: fc.boolean(),
});

function encode(value: string, quoted: boolean): string {
  // A value starting with a quote can only be given quoted; one ending in a backslash too, or the source
  // itself would be ambiguous (its `\` and the next separator read as an escaped comma).
  if (quoted || value.startsWith('"') || value.endsWith('\\')) return '"' + value.replace(/"/g, '""') + '"';
  return value.replace(/,/g, '\\,');
}

function build(f: fc.RecordValue<{ columns: string[]; rows: GenRow[]; chunk: number; crlf: boolean }>) {
  const expected: Array<{ line: number; values: Record<string, string>; mustReject: boolean }> = [];
  const lines = [f.columns.join(',')];
  f.rows.forEach((r, i) => {
    const username = `${i}~${r.username}`;
    const source: Record<string, string> = {
      'cognito:username': r.usernamePad[0] + username + r.usernamePad[1],
      email: r.email + `u${i}@example.com` + r.email,
      email_verified: r.verified,
      ...r.extra,
    };
    let fields = f.columns.map((c, k) => encode(source[c], r.quoted[k]));
    if (r.short > 0) fields = fields.slice(0, fields.length - r.short);
    const line = fields.join(',');
    lines.push(line);
    const values: Record<string, string> = {};
    for (const c of CSV_HEADER) values[c] = f.columns.includes(c) ? trim(source[c]) : '';
    if (values.email_verified) values.email_verified = values.email_verified.toLowerCase();
    if (values.phone_number_verified) values.phone_number_verified = values.phone_number_verified.toLowerCase();
    // The test pool's MFA is OFF: Cognito needs cognito:mfa_enabled, so a blank is uploaded as false.
    if (!values['cognito:mfa_enabled']) values['cognito:mfa_enabled'] = 'false';
    const last = f.columns[f.columns.length - 1];
    const u = values['cognito:username'];
    const mustReject = r.short > 0
      || f.columns.some((c) => /[\r\n]/.test(values[c]))
      || f.columns.some((c) => c !== last && values[c].endsWith('\\'))
      || !GOOD_USERNAME.test(u) || INVISIBLE.test(u);
    expected.push({ line: i + 2, values, mustReject });
  });
  const eol = f.crlf ? '\r\n' : '\n';
  return { csv: lines.join(eol) + eol, expected };
}

test('every accepted row reads back in Cognito\'s dialect as exactly its validated values; harvest names its user', async () => {
  await fc.assert(fc.asyncProperty(file, async (f) => {
    // A CR inside a value would make CRLF files ambiguous to write by hand: keep CR values to LF files.
    const { csv, expected } = build(f);
    if (f.crlf && /\r(?!\n)/.test(csv)) return;
    const env = testEnv();
    (env.store as unknown as { chunkSize: number }).chunkSize = f.chunk;
    env.store.put(SRC, 'incoming/users.csv', csv);
    const out = await validate(env.deps, config(), { action: 'validate', source: { bucket: SRC, key: 'incoming/users.csv' }, executionName: 'exec-1' });
    const summary = JSON.parse(env.store.text(BUCKET, out.validationKey)!) as ValidationSummary;
    const rejected = (env.store.text(BUCKET, summary.rejectedKey) ?? '').split('\n').filter(Boolean).map((l) => JSON.parse(l) as RejectedEntry);
    expect(summary.fileErrors).toEqual([]);
    const rejectedLines = new Set(rejected.map((e) => e.line));
    for (const e of expected) expect({ line: e.line, rejected: rejectedLines.has(e.line) }).toEqual({ line: e.line, rejected: e.mustReject });
    if (out.outcome !== 'Valid') { expect(expected.every((e) => e.mustReject)).toBe(true); return; }

    const part = out.parts[0];
    const body = env.store.text(BUCKET, part.key)!;
    expect(Buffer.byteLength(body)).toBe(part.bytes);
    const partLines = body.split('\n');
    expect(partLines.pop()).toBe('');
    const header = cognitoRead(partLines[0]);
    expect([...header].sort()).toEqual([...CSV_HEADER].sort());
    const lineMap = JSON.parse(env.store.text(BUCKET, part.lineMapKey)!) as number[];
    const accepted = expected.filter((e) => !e.mustReject);
    expect(lineMap.slice(1)).toEqual(accepted.map((e) => e.line));
    accepted.forEach((e, k) => {
      const uploaded = partLines[k + 1];
      expect(uploaded.length).toBeLessThanOrEqual(MAX_ROW_CHARACTERS);
      const read = cognitoRead(uploaded);
      expect(read).toHaveLength(header.length);
      expect(Object.fromEntries(header.map((h, j) => [h, read[j]]))).toEqual(e.values);
    });

    // Cognito fails every line: harvest must name each one's user and source line.
    env.logs.on(GetLogEventsCommand).callsFake((input) => input.nextToken
      ? { events: [], nextForwardToken: input.nextToken }
      : { events: accepted.map((_e, k) => ({ message: `[FAILED] Line Number ${k + 2} - Invalid attribute.` })), nextForwardToken: 'f/1' });
    const job = { jobId: 'import-j1', jobName: part.jobName, status: 'Failed', terminal: true, polls: 1, waitSeconds: 0, importedUsers: 0, skippedUsers: 0, failedUsers: accepted.length };
    await harvest(env.deps, config(), { action: 'harvest', part, job });
    const users = env.store.text(BUCKET, resultsKey(part, job.jobId))!.split('\n').filter(Boolean).map((l) => JSON.parse(l) as UserOutcome);
    expect(users.map((u) => [u.line, u.username])).toEqual(accepted.map((e) => [e.line, e.values['cognito:username']]));
  }), { numRuns: 300 });
}, 120_000);
