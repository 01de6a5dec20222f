/**
 * `cognito-user-import rehearse --json` as a pipeline runs it, on a consumer-style app folder with no
 * assembly yet: the command runs `cdk synth` (the aws-cdk CLI), then rehearses each UserImportDeployment
 * through aws-cdk-lib's Provider framework on a local cloud whose pool is the stack's own (custom
 * attributes with constraints). One seed CSV deploys; one breaks a custom attribute's constraint and fails,
 * so the command exits non-zero, as `cdk deploy` would roll back.
 */
import { spawn } from 'child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'packages', 'cli', 'bin', 'cognito-user-import.js');
const built = existsSync(join(ROOT, 'lib', 'index.js')) && existsSync(join(ROOT, 'packages', 'cli', 'local-cloud', 'commands', 'rehearse.js'));
const testIfBuilt = built ? test : test.skip;

/** The consumer's app: plain JavaScript, so `cdk synth` needs no compiler. */
const APP = (root: string) => `
const { App, Stack } = require(${JSON.stringify(join(root, 'node_modules', 'aws-cdk-lib'))});
const cognito = require(${JSON.stringify(join(root, 'node_modules', 'aws-cdk-lib', 'aws-cognito'))});
const { CognitoUserImport, ImportSource, UserImportDeployment } = require(${JSON.stringify(join(root, 'lib'))});
const app = new App();
const stack = new Stack(app, 'ConsumerStack');
const userPool = new cognito.UserPool(stack, 'Users', {
  autoVerify: { email: true },
  customAttributes: {
    tier: new cognito.StringAttribute({ minLen: 1, maxLen: 8, mutable: true }),
    seats: new cognito.NumberAttribute({ min: 1, max: 100, mutable: true }),
  },
});
const importer = new CognitoUserImport(stack, 'Import', { userPool });
new UserImportDeployment(stack, 'GoodSeed', { importer, source: ImportSource.fromAsset('good.csv') });
new UserImportDeployment(stack, 'BadSeed', { importer, source: ImportSource.fromAsset('bad.csv') });
`;

function run(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c) => { stdout += c; });
    p.stderr.on('data', (c) => { stderr += c; });
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let dir: string;
afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

testIfBuilt('rehearse --json on a consumer app: the good seed deploys, the bad one fails naming its line, exit 3', async () => {
  dir = mkdtempSync(join(tmpdir(), 'cui-consumer-'));
  writeFileSync(join(dir, 'cdk.json'), JSON.stringify({ app: 'node app.js' }));
  writeFileSync(join(dir, 'app.js'), APP(ROOT));
  const header = 'cognito:username,email,email_verified,custom:tier,custom:seats';
  writeFileSync(join(dir, 'good.csv'), `${header}\nann.example,ann@example.com,true,gold,5\nben.example,ben@example.com,true,silver,100\n`);
  // Line 3: a tier longer than the pool's maxLen 8.
  writeFileSync(join(dir, 'bad.csv'), `${header}\ncid.example,cid@example.com,true,gold,5\ndee.example,dee@example.com,true,platinum-plus,5\n`);

  const r = await run(['rehearse', '--json'], dir);
  expect(r.stderr).toContain('running cdk synth');
  expect(existsSync(join(dir, 'cdk.out', 'manifest.json'))).toBe(true);
  expect(r.code).toBe(3);
  const events = JSON.parse(r.stdout);
  expect(events.map((e: any) => [e.path, e.event, e.status])).toEqual([
    ['ConsumerStack/GoodSeed', 'Create', 'SUCCESS'],
    ['ConsumerStack/BadSeed', 'Create', 'FAILED'],
    ['ConsumerStack/BadSeed', 'Delete', 'SUCCESS'],
    ['ConsumerStack/GoodSeed', 'Delete', 'SUCCESS'],
  ]);
  for (const e of events) expect(Object.keys(e).sort()).toEqual(['data', 'event', 'logicalId', 'path', 'reason', 'status']);
  expect(events[0].logicalId).toMatch(/^GoodSeed[0-9A-F]{8}$/);
  expect(events[0].data).toMatchObject({ Status: 'Succeeded', ImportedUsers: '2', RejectedRows: '0', JobId: expect.stringMatching(/^import-/) });
  expect(events[1].reason).toMatch(/more than maxFailedUsers \(0\)/);
  expect(events[1].reason).toMatch(/line 3\b/);
  expect(events[1].data).toEqual({});
  // Never an attribute value in what CloudFormation would show.
  expect(r.stdout).not.toContain('platinum-plus');
  expect(r.stdout).not.toContain('@example.com');
}, 240_000);

testIfBuilt('rehearse with an unknown option is a usage error (exit 2), naming the option', async () => {
  const r = await run(['rehearse', '--bogus'], ROOT);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('unknown option --bogus');
});
