/** The `cognito-user-import` command (compiled: needs `npm run build`). */
import { spawn } from 'child_process';
import { join } from 'path';

const BIN = join(__dirname, '..', '..', 'packages', 'cli', 'bin', 'cognito-user-import.js');
const SAMPLES = join(__dirname, '..', '..', 'packages', 'cli', 'samples');

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, AWS_ENDPOINT_URL: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

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

test('demo prints a readable summary of the three samples', async () => {
  const r = await runCli(['demo']);
  expect(r.code).toBe(0);
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
