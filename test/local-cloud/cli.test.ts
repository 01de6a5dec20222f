/** The `cognito-user-import` command (compiled: needs `npm run build`). */
import { spawn } from 'child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { CLI_BIN, runCli } from '../run-cli';

const BIN = CLI_BIN;
const SAMPLES = join(__dirname, '..', '..', 'packages', 'cli', 'samples');

test('local-cloud serves on one port, prints endpoint/pool/bucket, stops cleanly on SIGINT', async () => {
  const child = spawn(process.execPath, [BIN, 'local-cloud', '--port', '0', '--pool', join(SAMPLES, 'pool.json')]);
  let out = '';
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (c) => {
      out += c;
      const m = /Endpoint:\s+(\S+)/.exec(out);
      if (m && /Token:/.test(out)) resolve(m[1]);
    });
    child.on('exit', () => reject(new Error(`exited early: ${out}`)));
  });
  expect(out).toContain('us-east-1_ExaMPle1');
  expect(out).toMatch(/Bucket:\s+cognito-user-import/);
  const token = /Token:\s+([0-9a-f]{32})/.exec(out)?.[1];
  expect(token).toBeDefined();
  expect((await fetch(`${endpoint}/_local/health`)).status).toBe(403);
  const health = await fetch(`${endpoint}/_local/health`, { headers: { 'x-local-cloud-token': token! } }).then((r) => r.json());
  expect(health).toMatchObject({ ok: true, poolId: 'us-east-1_ExaMPle1' });
  const code = await new Promise<number | null>((resolve) => { child.on('exit', (c) => resolve(c)); child.kill('SIGINT'); });
  expect(code).toBe(0);
});

test('run-local --json prints the reports in file order; progress goes to stderr', async () => {
  const r = await runCli(['run-local', join(SAMPLES, 'users-clean.csv'), join(SAMPLES, 'users-with-errors.csv'), '--pool', join(SAMPLES, 'pool.json'), '--json']);
  expect(r.code).toBe(0);
  const reports = JSON.parse(r.stdout);
  expect(reports.map((x: any) => x.source.key)).toEqual(['incoming/users-clean.csv', 'incoming/users-with-errors.csv']);
  expect(reports.map((x: any) => x.status)).toEqual(['Succeeded', 'PartiallySucceeded']);
  expect(reports[1].users).toEqual([expect.objectContaining({ outcome: 'SKIPPED', username: 'ada.example' })]);
  expect(r.stderr).toMatch(/job import-\S+ Succeeded/);
  expect(r.stderr).not.toMatch(/@example\.com|X-Amz-Signature/);
});

test('demo prints a readable summary of the three samples and keeps the reports it points to', async () => {
  const r = await runCli(['demo']);
  expect(r.code).toBe(0);
  const kept = /Reports are in (\S+):/.exec(r.stdout)?.[1];
  expect(kept && existsSync(join(kept, 'users-with-errors.csv.failed.csv'))).toBe(true);
  expect(r.stdout).toMatch(/users-clean\.csv: Succeeded/);
  expect(r.stdout).toMatch(/users-fixable\.csv: Succeeded[\s\S]*fixes applied/);
  expect(r.stdout).toMatch(/users-with-errors\.csv: PartiallySucceeded/);
  expect(r.stdout).not.toMatch(/@example\.com/);
});

test('usage errors exit 2', async () => {
  const r = await runCli(['run-local']);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('Usage');
});

test('run-local exits 3 and says so when a file ends Rejected; --out keeps its report and rows to fix', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-out-'));
  const out = join(dir, 'reports');
  // A column the pool does not have rejects the whole file.
  const bad = join(dir, 'users-with-errors.csv');
  writeFileSync(bad, 'cognito:username,email,no_such_attribute\nada.example,a@example.com,x\n');
  const r = await runCli(['run-local', join(SAMPLES, 'users-clean.csv'), bad, '--pool', join(SAMPLES, 'pool.json'), '--out', out]);
  expect(r.code).toBe(3);
  expect(r.stdout).toMatch(/users-clean\.csv: Succeeded/);
  expect(r.stdout).toMatch(/users-with-errors\.csv: Rejected/);
  expect(r.stderr).toContain('1 of 2 file(s) ended Rejected or Failed: users-with-errors.csv (Rejected); exit code 3');
  expect(readdirSync(out).sort()).toEqual(['users-clean.csv.json', 'users-with-errors.csv.failed.csv', 'users-with-errors.csv.json']);
  expect(JSON.parse(readFileSync(join(out, 'users-with-errors.csv.json'), 'utf8')).status).toBe('Rejected');
  // The rows to fix are the user's own lines, header first.
  const failed = readFileSync(join(out, 'users-with-errors.csv.failed.csv'), 'utf8');
  expect(failed.split('\n')[0]).toBe('cognito:username,email,no_such_attribute');
  expect(r.stdout + r.stderr).not.toContain('a@example.com');
});
