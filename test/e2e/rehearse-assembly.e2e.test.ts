/**
 * `rehearse` on an assembly synthesized without asset or path metadata (`node app.js` with a plain
 * `new App()`, as `cdk synth --no-asset-metadata --no-path-metadata` also makes): function code is found
 * through the assembly's asset manifest, deployments are named by logical id (and the output says so),
 * and each Create is followed by its Delete. A missing asset is named.
 */
import { spawnSync } from 'child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { runCli } from '../run-cli';

const ROOT = join(__dirname, '..', '..');
const built = existsSync(join(ROOT, 'lib', 'index.js')) && existsSync(join(ROOT, 'packages', 'cli', 'local-cloud', 'commands', 'rehearse.js'));
const testIfBuilt = built ? test : test.skip;

const APP = (root: string) => `
const { App, Stack } = require(${JSON.stringify(join(root, 'node_modules', 'aws-cdk-lib'))});
const cognito = require(${JSON.stringify(join(root, 'node_modules', 'aws-cdk-lib', 'aws-cognito'))});
const { CognitoUserImport, ImportSource, UserImportDeployment } = require(${JSON.stringify(join(root, 'lib'))});
const app = new App();
const stack = new Stack(app, 'PlainStack');
const userPool = new cognito.UserPool(stack, 'Users', { autoVerify: { email: true } });
const importer = new CognitoUserImport(stack, 'Import', { userPool });
new UserImportDeployment(stack, 'Seed', { importer, source: ImportSource.fromAsset(${JSON.stringify('seed.csv')}) });
app.synth();
`;

const run = runCli;

let dir: string;
beforeAll(() => {
  if (!built) return;
  dir = mkdtempSync(join(tmpdir(), 'cui-plain-app-'));
  writeFileSync(join(dir, 'app.js'), APP(ROOT));
  writeFileSync(join(dir, 'seed.csv'), 'cognito:username,email,email_verified\nann.example,ann@example.com,true\n');
  // No CDK CLI: the app synthesizes itself, so the template has neither aws:asset:path nor aws:cdk:path.
  const synth = spawnSync(process.execPath, ['app.js'], { cwd: dir, env: { ...process.env, CDK_OUTDIR: join(dir, 'cdk.out') }, encoding: 'utf8' });
  if (synth.status !== 0) throw new Error(`synth failed: ${synth.stderr}`);
});
afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

testIfBuilt('functions are found through the asset manifest; Create then Delete, named by logical id', async () => {
  const template = JSON.parse(readFileSync(join(dir, 'cdk.out', 'PlainStack.template.json'), 'utf8'));
  const fns = Object.values<any>(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
  expect(fns.length).toBeGreaterThan(2);
  expect(fns.every((f) => f.Metadata?.['aws:asset:path'] === undefined)).toBe(true);

  const r = await run(['rehearse', '--app', join(dir, 'cdk.out'), '--json'], dir);
  expect(r.stderr).toContain('no aws:cdk:path metadata');
  expect(r.code).toBe(0);
  const events = JSON.parse(r.stdout);
  expect(events.map((e: any) => [e.event, e.status])).toEqual([['Create', 'SUCCESS'], ['Delete', 'SUCCESS']]);
  expect(events[0].path).toBe(events[0].logicalId);
  expect(events[0].data).toMatchObject({ Status: 'Succeeded', ImportedUsers: '1' });
}, 240_000);

testIfBuilt('an asset really missing from the assembly is named in the failure', async () => {
  const out = join(dir, 'cdk.out');
  // Remove the deployment's own handler (the Provider framework's function still runs and invokes it):
  // the Create fails, and the reason says which asset is gone.
  const template = JSON.parse(readFileSync(join(out, 'PlainStack.template.json'), 'utf8'));
  const handler = Object.values<any>(template.Resources).find((r) => r.Type === 'AWS::Lambda::Function'
    && String(r.Properties.Description ?? '').startsWith('Cognito user import at deploy time: starts'));
  const folder = `asset.${String(handler.Properties.Code.S3Key).replace(/\.zip$/, '')}`;
  expect(readdirSync(out)).toContain(folder);
  rmSync(join(out, folder), { recursive: true, force: true });
  const r = await run(['rehearse', '--app', out, '--json'], dir);
  expect(r.code).not.toBe(0);
  expect(`${r.stdout}\n${r.stderr}`).toMatch(/the code of function \w+ is the asset folder asset\.[0-9a-f]+.*missing from/);
  expect(JSON.parse(r.stdout)).toEqual([expect.objectContaining({ event: 'Create', status: 'FAILED', reason: expect.stringContaining('Not attempted') })]);
}, 240_000);
