/** The CLI checks its arguments before any local cloud starts (compiled: needs `npm run build`). */
import { spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'packages', 'cli', 'bin', 'cognito-user-import.js');
const SAMPLES = join(ROOT, 'packages', 'cli', 'samples');
const CLEAN = join(SAMPLES, 'users-clean.csv');
const dir = mkdtempSync(join(tmpdir(), 'cli-args-'));

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const file = (name: string, content: string | Buffer) => { const p = join(dir, name); writeFileSync(p, content); return p; };

test('--version prints the CLI package version', () => {
  const { version } = JSON.parse(readFileSync(join(ROOT, 'packages', 'cli', 'package.json'), 'utf8'));
  for (const flag of ['--version', '-v']) expect(cli(flag)).toMatchObject({ code: 0, stdout: `${version}\n` });
});

test('--help lists every command, says which contact AWS (calibrate, export, queue, drop), and documents the exit codes', () => {
  const r = cli('--help');
  expect(r.code).toBe(0);
  for (const c of ['local-cloud', 'run-local', 'demo', 'calibrate', 'export', 'queue', 'drop', 'rehearse']) expect(r.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
  const aws = /No command contacts AWS except ([\w, -]+) \(they call AWS with your credentials\)/.exec(r.stdout);
  expect(aws?.[1].split(', ').sort()).toEqual(['calibrate', 'drop', 'export', 'queue']);
  expect(cli('calibrate', '--help').stdout).toContain('This command calls AWS with your credentials');
  expect(cli('run-local', '--help').stdout).not.toContain('calls AWS');
  expect(r.stdout).toMatch(/3 a file ended Rejected or Failed/);
});

test('no command prints the help on stderr and exits 2', () => {
  const r = cli();
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('Commands:');
});

test.each(['local-cloud', 'run-local', 'demo'])('%s --help shows usage, options and examples', (c) => {
  for (const args of [[c, '--help'], ['help', c]]) {
    const r = cli(...args);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: cognito-user-import ${c}`);
    expect(r.stdout).toMatch(/Examples:\n {2}cognito-user-import /);
  }
});

test('unknown command and unknown option exit 2 and say which', () => {
  expect(cli('bogus')).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown command bogus') });
  expect(cli('run-local', CLEAN, '--frobnicate')).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown option --frobnicate') });
});

test('run-local rejects a missing file, a directory, a PNG and an .xlsx before starting', () => {
  const png = file('photo.csv', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
  const xlsx = file('book.xlsx', Buffer.from([0x50, 0x4b, 0x03, 0x04, 20, 0, 6, 0]));
  const bin = file('blob.csv', Buffer.from('a,b\n\0\0\0'));
  const cases: Array<[string, RegExp]> = [
    [join(dir, 'missing.csv'), /CSV file not found: .*missing\.csv/],
    [dir, /is a directory; give a file/],
    [png, /photo\.csv is not a CSV file: it looks like a PNG image/],
    [xlsx, /book\.xlsx is not a CSV file: it looks like a ZIP archive \(an \.xlsx workbook/],
    [bin, /blob\.csv is not a CSV file: it contains binary data/],
  ];
  for (const [arg, message] of cases) {
    const r = cli('run-local', CLEAN, arg);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/local cloud at/);
  }
});

test('a CSV with a control character in a value is not refused: the engine judges it, that row rejected by line', () => {
  const csv = file('nul.csv', 'cognito:username,email,email_verified,name\nalice,alice@example.com,true,Alice\nb\0b,bob@example.com,true,Bob\n');
  const r = cli('run-local', csv, '--json');
  expect(r.stderr).not.toMatch(/not a CSV file/);
  const [report] = JSON.parse(r.stdout);
  expect(report.totals).toMatchObject({ rows: 2, imported: 1, rejected: 1 });
  expect(report.rejected.map((e: { line: number; column?: string }) => [e.line, e.column])).toEqual([[3, 'cognito:username']]);
});

test('--pool must be a file of valid describe-user-pool JSON; the message names the file', () => {
  const cases: Array<[string, RegExp]> = [
    [file('broken.json', '{"UserPool": '), /--pool file .*broken\.json is not valid JSON/],
    [file('list.json', '[1, 2]'), /--pool file .*list\.json is not a user pool description: expected a JSON object/],
    [file('other.json', '{"Users": []}'), /other\.json is not a user pool description: expected the output of `aws cognito-idp describe-user-pool`/],
    [file('schema.json', '{"UserPool": {"SchemaAttributes": {"Name": "email"}}}'), /schema\.json .*SchemaAttributes must be an array/],
    [file('mfa.json', '{"UserPool": {"MfaConfiguration": "SOMETIMES"}}'), /mfa\.json .*MfaConfiguration must be OFF, ON or OPTIONAL/],
    [join(dir, 'nope.json'), /--pool file not found: .*nope\.json/],
    [dir, /--pool file .* is a directory/],
  ];
  for (const [pool, message] of cases) {
    const r = cli('run-local', CLEAN, '--pool', pool);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  }
  expect(cli('run-local', CLEAN, `--pool=${join(dir, 'list.json')}`).stderr).toMatch(/list\.json is not a user pool description/);
});

test('--port must be an integer 0-65535, in both spellings', () => {
  for (const bad of ['abc', '-1', '65536', '1.5', '']) {
    for (const args of [['--port', bad], [`--port=${bad}`]]) {
      const r = cli('local-cloud', ...args);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('--port must be an integer from 0 to 65535');
    }
  }
  expect(cli('local-cloud', '--port')).toMatchObject({ code: 2, stderr: expect.stringContaining('--port needs a value') });
});

test('--out must not be an existing file', () => {
  const r = cli('run-local', CLEAN, '--out', CLEAN);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('exists and is not a directory');
});
