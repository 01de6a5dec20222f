import { validate } from '../../lambda/validate/validate';
import type { ValidationSummary, RejectedEntry } from '../../lambda/runtime/work-files';
import { BUCKET, config, CSV_HEADER, csvOf, testEnv, user } from './helpers';
import type { EngineConfig } from '../../lambda/runtime/deps';

const SRC = BUCKET; // the worker reads only its own bucket
async function run(csv: string | Buffer, cfg: Partial<EngineConfig> = {}, env = testEnv()) {
  env.store.put(SRC, 'incoming/users.csv', csv);
  const out = await validate(env.deps, config(cfg), { action: 'validate', source: { bucket: SRC, key: 'incoming/users.csv', etag: '"e1"' }, executionName: 'exec-1' });
  const summary = JSON.parse(env.store.text(BUCKET, out.validationKey)!) as ValidationSummary;
  const rejected = (env.store.text(BUCKET, summary.rejectedKey) ?? '').split('\n').filter(Boolean).map((l) => JSON.parse(l) as RejectedEntry);
  return { out, summary, rejected, env };
}
const lines = (r: RejectedEntry[]) => [...new Set(r.map((e) => e.line))];

describe('validate step', () => {
  test('a clean file is one part in the pool header order with a line map', async () => {
    const { out, env } = await run(csvOf([user(1), user(2)]));
    expect(out).toMatchObject({ outcome: 'Valid', rows: 2, rejectedRows: 0, workPrefix: 'work/exec-1/' });
    expect(out.parts).toHaveLength(1);
    const part = out.parts[0];
    expect(part).toMatchObject({ partNumber: 1, partCount: 1, rows: 2, key: 'work/exec-1/part-1.csv' });
    const body = env.store.text(BUCKET, part.key)!;
    expect(body.split('\n')[0]).toBe(CSV_HEADER.join(','));
    expect(Buffer.byteLength(body)).toBe(part.bytes);
    expect(JSON.parse(env.store.text(BUCKET, part.lineMapKey)!)).toEqual([1, 2, 3]);
    expect(part.jobName).toMatch(/^incoming-users\.csv-[0-9a-f]{8}-part-1$/);
  });

  test.each([
    ['BOM stripped', '\uFEFF' + csvOf([user(1)]), { bomStripped: 1 }],
    ['CRLF → LF', csvOf([user(1), user(2)], CSV_HEADER, '\r\n'), { crlfToLf: 3 }],
    ['booleans normalized', csvOf([user(1, { email_verified: 'TRUE' })]), { booleansNormalized: 1 }],
    ['missing columns added', 'cognito:username,email,email_verified\nu1,u1@example.com,true\n', { missingColumnsAdded: CSV_HEADER.length - 3 }],
    ['quoted fields rewritten', 'cognito:username,email,email_verified,name\nu1,u1@example.com,true,"Doe, Jane"\n', { quotedFieldsRewritten: 1 }],
  ])('safe fix: %s is applied and counted', async (_n, csv, fixes) => {
    const { out, summary } = await run(csv);
    expect(out.outcome).toBe('Valid');
    expect(summary.fixes).toMatchObject(fixes);
  });

  test('without a cognito:mfa_enabled column, every row is uploaded with it filled (not only the first)', async () => {
    const { out, summary, env } = await run('cognito:username,email,email_verified\nu1,u1@example.com,true\nu2,u2@example.com,true\nu3,u3@example.com,true\n');
    expect(out.outcome).toBe('Valid');
    expect(summary.fixes).toMatchObject({ mfaEnabledFilled: 3 });
    const [header, ...rows] = env.store.text(BUCKET, out.parts[0].key)!.trimEnd().split('\n');
    const at = header.split(',').indexOf('cognito:mfa_enabled');
    expect(rows.map((r) => r.split(',')[at])).toEqual(['false', 'false', 'false']); // the test pool's MFA is OFF
  });

  test('a quoted comma becomes \\, in the part, and the part has no quotes', async () => {
    const { out, env } = await run('cognito:username,email,email_verified,name\nu1,u1@example.com,true,"Doe, Jane"\n');
    const row = env.store.text(BUCKET, out.parts[0].key)!.split('\n')[1];
    expect(row).toContain('Doe\\, Jane');
    expect(row).not.toContain('"');
  });

  test('bad rows are skipped with their physical line numbers, after fixes and blank lines', async () => {
    const csv = '\uFEFF' + [
      'cognito:username,email,email_verified,phone_number',   // 1
      'good1,g1@example.com,true,',                          // 2
      '',                                                     // 3 blank
      'bad email,x@example.com,true,',                        // 4 whitespace username
      '"good2","g2@example.com",TRUE,',                       // 5
      'bad3,not-an-email,true,',                              // 6
      'bad4,b4@example.com,true,555',                         // 7
      'good1,dup@example.com,true,',                          // 8 duplicate
      'GOOD2,dup2@example.com,true,',                         // 9 duplicate (case-insensitive pool)
      'good5,g5@example.com,false,',                          // 10 not verified
    ].join('\r\n') + '\r\n';
    const { out, summary, rejected, env } = await run(csv);
    expect(out.outcome).toBe('Valid');
    expect(lines(rejected)).toEqual([4, 6, 7, 8, 9, 10]);
    expect(rejected.find((e) => e.line === 8)!.message).toContain('first on line 2');
    expect(rejected.find((e) => e.line === 9)!.message).toContain('first on line 5');
    expect(out).toMatchObject({ rows: 8, rejectedRows: 6 });
    expect(summary.fixes).toMatchObject({ bomStripped: 1, crlfToLf: 10, blankLinesRemoved: 1, quotedFieldsRewritten: 2, booleansNormalized: 1 });
    expect(JSON.parse(env.store.text(BUCKET, out.parts[0].lineMapKey)!)).toEqual([1, 2, 5]);
  });

  test('REJECT_FILE rejects the whole file on any bad row and lists every bad line', async () => {
    const { out, rejected } = await run(csvOf([user(1), user(2, { email: 'nope' }), user(3, { phone_number: '12' })]), { invalidRows: 'REJECT_FILE' });
    expect(out).toMatchObject({ outcome: 'Rejected', parts: [], rows: 3, rejectedRows: 3 });
    expect(lines(rejected)).toEqual([3, 4]);
  });

  test('no valid row → Empty', async () => {
    const { out } = await run(csvOf([user(1, { email_verified: 'false' })]));
    expect(out).toMatchObject({ outcome: 'Empty', parts: [], rows: 1, rejectedRows: 1 });
  });

  test.each<[string, string | Buffer, number[], string]>([
    ['empty file', '', [1], 'empty'],
    ['header only', CSV_HEADER.join(',') + '\n', [1], 'no user rows'],
    ['unknown column', 'cognito:username,email,email_verified,shoe_size\nu,u@example.com,true,42\n', [1], 'header column shoe_size is not an attribute'],
    ['missing username column', 'email,email_verified\nu@example.com,true\n', [1], 'cognito:username'],
    ['not UTF-8', Buffer.concat([Buffer.from('cognito:username,email,email_verified,name\nu1,u1@example.com,true,ok\nu2,u2@example.com,true,'), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]), [3], 'not valid UTF-8'],
    ['Latin-1 file', Buffer.from('cognito:username,email,email_verified,name\nu1,u1@example.com,true,Jos\xe9\n', 'latin1'), [2], 'not valid UTF-8'],
  ])('file-level error rejects the file before any job: %s', async (_n, csv, errLines, message) => {
    const { out, summary } = await run(csv);
    expect(out.outcome).toBe('Rejected');
    expect(out.parts).toEqual([]);
    expect(summary.fileErrors.map((e) => e.line)).toEqual(errLines);
    expect(summary.fileErrors.map((e) => e.message).join('|')).toContain(message);
    expect(out.rejectedRows).toBe(out.rows);
  });

  test('a blank cognito:mfa_enabled is filled on every row, not only the first (no state carried between rows)', async () => {
    const csv = 'cognito:username,email,email_verified\nu1,u1@example.com,true\nu2,u2@example.com,true\nu3,u3@example.com,true\n';
    const { out, summary, env } = await run(csv);
    expect(summary.fixes).toMatchObject({ mfaEnabledFilled: 3 });
    const lines = env.store.text(BUCKET, out.parts[0].key)!.trim().split('\n');
    const at = lines[0].split(',').indexOf('cognito:mfa_enabled');
    expect(lines.slice(1).map((l) => l.split(',')[at])).toEqual(['false', 'false', 'false']);
  });

  test('a quoted newline (or a stray quote) is a problem of its rows, not of the file', async () => {
    const csv = 'cognito:username,email,email_verified,address\nu1,u1@example.com,true,ok\nu2,u2@example.com,true,"1 Main St\nSpringfield"\nu3,u3@example.com,true,\n"Bob';
    const { out, summary, rejected } = await run(csv);
    expect(out.outcome).toBe('Valid');
    expect(summary.fileErrors).toEqual([]);
    expect(lines(rejected)).toEqual([3, 4, 6]);
    expect(rejected.find((e) => e.line === 3)!.message).toContain('not closed on this line');
    expect(rejected.find((e) => e.line === 6)!.message).toContain('not closed on this line');
    expect(out.parts[0].rows).toBe(2);
  });

  test('a row over 16,000 characters is a row error', async () => {
    const { rejected, out } = await run(csvOf([user(1), user(2, { address: 'x'.repeat(16_001) })]));
    expect(out.outcome).toBe('Valid');
    expect(rejected).toContainEqual(expect.objectContaining({ line: 3, username: 'user2', message: expect.stringContaining('16000') }));
    expect(lines(rejected)).toEqual([3]);
  });

  test('a row with the wrong field count is explained', async () => {
    const { rejected } = await run('cognito:username,email,email_verified,name\nu1,u1@example.com,true,Doe, Jane\n');
    expect(rejected[0]).toMatchObject({ line: 2, username: 'u1', message: expect.stringContaining('5 fields') });
  });

  test('splits by row count: line maps follow the source lines across parts', async () => {
    const rows = Array.from({ length: 7 }, (_, i) => user(i + 1));
    rows[2] = user(3, { email: 'bad' }); // line 4 rejected
    const { out, env } = await run(csvOf(rows), { maxRowsPerPart: 3 });
    expect(out.parts.map((p) => p.rows)).toEqual([3, 3]);
    expect(out.parts.every((p) => p.partCount === 2)).toBe(true);
    expect(JSON.parse(env.store.text(BUCKET, out.parts[0].lineMapKey)!)).toEqual([1, 2, 3, 5]);
    expect(JSON.parse(env.store.text(BUCKET, out.parts[1].lineMapKey)!)).toEqual([1, 6, 7, 8]);
    expect(out.parts[1].jobName).toMatch(/-part-2$/);
    for (const p of out.parts) {
      const body = env.store.text(BUCKET, p.key)!;
      expect(body.startsWith(CSV_HEADER.join(',') + '\n')).toBe(true);
      expect(Buffer.byteLength(body)).toBe(p.bytes);
    }
  });

  test('splits by bytes: no part exceeds the byte limit', async () => {
    const rows = Array.from({ length: 20 }, (_, i) => user(i + 1));
    const limit = CSV_HEADER.join(',').length + 1 + 3 * 100;
    const { out, env } = await run(csvOf(rows), { maxBytesPerPart: limit });
    expect(out.parts.length).toBeGreaterThan(1);
    expect(out.parts.reduce((n, p) => n + p.rows, 0)).toBe(20);
    for (const p of out.parts) expect(Buffer.byteLength(env.store.text(BUCKET, p.key)!)).toBeLessThanOrEqual(limit);
  });

  test('password_hash column is carried when an algorithm is configured', async () => {
    const hash = `$2b$10$${'a'.repeat(53)}`;
    const csv = `cognito:username,email,email_verified,password_hash\nu1,u1@example.com,true,${hash}\nu2,u2@example.com,true,\nu3,u3@example.com,true,plain\n`;
    const { out, rejected, env } = await run(csv, { passwordHashingAlgorithm: 'BCRYPT' });
    expect(lines(rejected)).toEqual([4]);
    const body = env.store.text(BUCKET, out.parts[0].key)!;
    expect(body.split('\n')[0].split(',')).toContain('password_hash');
    expect(body).toContain(hash);
  });

  test("without an algorithm, an all-empty password_hash column (the console's template) is removed from the upload and counted", async () => {
    const csv = `password_hash,cognito:username,email,email_verified\n,u1,u1@example.com,true\n ,u2,u2@example.com,true\n`;
    const { out, rejected, env } = await run(csv);
    expect(out.outcome).toBe('Valid');
    expect(lines(rejected)).toEqual([]);
    const body = env.store.text(BUCKET, out.parts[0].key)!;
    expect(body).not.toContain('password_hash');
    expect(body.split('\n').filter(Boolean).slice(1).every((row) => row.split(',').length === body.split('\n')[0].split(',').length)).toBe(true);
    const summary = JSON.parse(env.store.text(BUCKET, out.validationKey)!);
    expect(summary.fixes.passwordHashColumnRemoved).toBe(1);
  });

  test('without an algorithm, a hash in any row rejects the file before any part: no password silently dropped', async () => {
    const hash = `$2b$10$${'a'.repeat(53)}`;
    const csv = `cognito:username,email,email_verified,password_hash\nu1,u1@example.com,true,\nu2,u2@example.com,true,${hash}\nu3,u3@example.com,true,${hash}\n`;
    const { out, rejected } = await run(csv);
    expect(out.outcome).toBe('Rejected');
    expect(out.parts).toEqual([]);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({ line: 3, column: 'password_hash' });
    expect(rejected[0].message).toContain('Set passwordHashingAlgorithm');
    expect(rejected[0].message).toContain('line 3, 4');
    expect(JSON.stringify(rejected)).not.toContain(hash);
  });
});
