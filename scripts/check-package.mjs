// `npm run check:package` (CI, after `npm run build`): the packages as a consumer gets them.
//  1. `npm pack` both packages; the construct tarball holds the jsii assembly, LICENSE, NOTICE, CHANGELOG,
//     API.md and the handler bundles, and declares no runtime dependencies.
//  2. A fresh consumer app with aws-cdk-lib + constructs installs the construct tarball with --engine-strict;
//     the size and packages it adds to node_modules are measured (goal: only itself).
//  3. The consumer synthesizes a cross-stack app (user pool in one stack, importer in another).
//  4. The CLI tarball installs as a dev dependency: `--version`, exit 0 on a clean file, 3 on a rejected one,
//     and its typings type-check in a TypeScript consumer.
// Prints a JSON summary last; exits non-zero on the first failed check.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cliDir = join(root, 'packages', 'cli');
const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const cliPkg = JSON.parse(readFileSync(join(cliDir, 'package.json'), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'check-package-'));
const started = Date.now();
const summary = {};
const env = { ...process.env, npm_config_fund: 'false', npm_config_audit: 'false', npm_config_update_notifier: 'false', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

function check(ok, message) {
  if (!ok) { console.error(`check-package: FAILED: ${message}`); process.exit(1); }
  console.log(`ok  ${message}`);
}
const sh = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
function duBytes(dir) {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += duBytes(p);
    else if (e.isFile()) total += statSync(p).size;
  }
  return total;
}
const packageCount = (dir) => sh('npm', ['ls', '--all', '--parseable'], dir).split('\n').filter(Boolean).length - 1;

// 1. Pack.
const pack = (dir) => JSON.parse(sh('npm', ['pack', '--json', '--pack-destination', work], dir))[0];
const lib = pack(root);
const cli = pack(cliDir);
const libFiles = lib.files.map((f) => f.path);
for (const f of ['.jsii', 'LICENSE', 'NOTICE', 'CHANGELOG.md', 'API.md', 'README.md', 'lib/index.js', 'lib/index.d.ts']) check(libFiles.includes(f), `construct tarball contains ${f}`);
const bundles = libFiles.filter((f) => /^assets\/lambda\/[^/]+\/index\.js$/.test(f));
check(bundles.length >= 4, `construct tarball contains the handler bundles (${bundles.length})`);
for (const b of bundles) {
  const size = lib.files.find((f) => f.path === b).size;
  check(size <= 1_000_000, `${b} is ${size} bytes (<= 1 MB)`);
}
check(!libFiles.some((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')), 'construct tarball has no TypeScript sources');
// Every module of this repository that loading lib/index.js requires must be packed (package.json "files").
const closure = JSON.parse(sh(process.execPath, ['-e', `
  const path = require('path'); const root = process.cwd();
  require(path.join(root, 'lib', 'index.js'));
  console.log(JSON.stringify(Object.keys(require.cache).filter((f) => f.startsWith(root + path.sep) && !f.includes('node_modules')).map((f) => path.relative(root, f))));
`], root));
const unpacked = closure.filter((f) => !libFiles.includes(f));
check(unpacked.length === 0, `every module lib/index.js loads is packed (${closure.length})${unpacked.length ? `; add to package.json "files": ${unpacked.join(', ')}` : ''}`);
// The shared facts the CLI reads from the installed library (packages/cli/local-cloud/shared-facts.ts).
const cliShared = [...readFileSync(join(cliDir, 'local-cloud', 'shared-facts.ts'), 'utf8').matchAll(/^ {2}'([a-z-]+)': typeof/gm)].map((m) => m[1]);
for (const name of cliShared) check(libFiles.includes(`lambda/shared/${name}.js`), `construct tarball contains lambda/shared/${name}.js (the CLI reads it)`);
check(!rootPkg.dependencies || Object.keys(rootPkg.dependencies).length === 0, 'construct package has no runtime dependencies');
const assembly = JSON.parse(sh('tar', ['xzOf', join(work, lib.filename), 'package/.jsii'], work));
check(assembly.schema === 'jsii/0.10.0' && assembly.name === rootPkg.name && assembly.version === rootPkg.version, `.jsii assembly ${assembly.name}@${assembly.version}`);
check(['python', 'java', 'dotnet', 'go'].every((t) => assembly.targets?.[t]), '.jsii assembly targets python, java, dotnet and go');
check(sh('tar', ['xzOf', join(work, lib.filename), 'package/LICENSE'], work).includes('Apache License'), 'LICENSE is the Apache License');
const cliFiles = cli.files.map((f) => f.path);
for (const f of ['LICENSE', 'bin/cognito-user-import.js', 'local-cloud/index.js', 'local-cloud/index.d.ts', 'local-cloud/cli.js', 'samples/pool.json']) check(cliFiles.includes(f), `CLI tarball contains ${f}`);
summary.tarballBytes = { construct: lib.size, cli: cli.size };

// 2. A fresh consumer app: the peers first, then the construct package alone.
const app = join(work, 'consumer');
execFileSync('mkdir', ['-p', app]);
writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }, null, 2));
const peers = [`aws-cdk-lib@${readJson(join(root, 'node_modules', 'aws-cdk-lib', 'package.json')).version}`, `constructs@${readJson(join(root, 'node_modules', 'constructs', 'package.json')).version}`];
function readJson(p) { return JSON.parse(readFileSync(p, 'utf8')); }
sh('npm', ['install', '--prefer-offline', '--no-package-lock', ...peers], app);
const before = { bytes: duBytes(join(app, 'node_modules')), packages: packageCount(app) };
sh('npm', ['install', '--prefer-offline', '--engine-strict', '--no-package-lock', join(work, lib.filename)], app);
const after = { bytes: duBytes(join(app, 'node_modules')), packages: packageCount(app) };
summary.addedByConstructPackage = { bytes: after.bytes - before.bytes, packages: after.packages - before.packages };
check(after.packages - before.packages === 1, `installing the construct package adds ${after.packages - before.packages} package(s) (itself only)`);
check(after.bytes - before.bytes < 2_000_000, `installing the construct package adds ${((after.bytes - before.bytes) / 1e6).toFixed(2)} MB to node_modules (< 2 MB)`);

// 3. Synthesize a cross-stack consumer app.
writeFileSync(join(app, 'app.js'), `
const { App, Stack } = require('aws-cdk-lib');
const cognito = require('aws-cdk-lib/aws-cognito');
const { CognitoUserImport } = require('cdk-cognito-user-import');
const app = new App({ outdir: 'cdk.out' });
const env = { account: '111111111111', region: 'eu-west-1' };
const users = new Stack(app, 'Users', { env });
const pool = new cognito.UserPool(users, 'Pool', { signInAliases: { email: true }, autoVerify: { email: true } });
const imports = new Stack(app, 'Imports', { env });
new CognitoUserImport(imports, 'Import', { userPool: pool });
app.synth();
`);
sh(process.execPath, ['app.js'], app);
const importsTemplate = readFileSync(join(app, 'cdk.out', 'Imports.template.json'), 'utf8');
check(/"Fn::ImportValue":\s*"Users:ExportsOutputRefPool/.test(importsTemplate), 'cross-stack app synthesizes; the importer stack imports the pool from the Users stack');
check(JSON.parse(importsTemplate).Resources && /AWS::StepFunctions::StateMachine/.test(importsTemplate), 'the importer stack has its state machine');

// 4. The CLI as a dev dependency of the consumer.
sh('npm', ['install', '--prefer-offline', '--no-package-lock', '--save-dev', join(work, cli.filename)], app);
const bin = join(app, 'node_modules', '.bin', 'cognito-user-import');
const runCli = (...args) => spawnSync(bin, args, { cwd: app, env, encoding: 'utf8', timeout: 120_000 });
const version = runCli('--version');
check(version.status === 0 && version.stdout.trim() === cliPkg.version, `cognito-user-import --version prints ${cliPkg.version}`);
const samples = join(app, 'node_modules', cliPkg.name, 'samples');
const clean = runCli('run-local', join(samples, 'users-clean.csv'), '--pool', join(samples, 'pool.json'));
check(clean.status === 0 && /users-clean\.csv: Succeeded/.test(clean.stdout), `run-local of a clean file exits 0 (got ${clean.status})`);
writeFileSync(join(app, 'rejected.csv'), 'cognito:username,no_such_attribute\nada,1\n');
const rejected = runCli('run-local', 'rejected.csv', '--pool', join(samples, 'pool.json'));
check(rejected.status === 3 && /rejected\.csv: Rejected/.test(rejected.stdout), `run-local of a rejected file exits 3 (got ${rejected.status})`);
check(runCli('run-local', 'missing.csv').status === 2, 'run-local of a missing file exits 2');

// The CLI's programmatic API type-checks in a TypeScript consumer (its typings ship in the tarball).
writeFileSync(join(app, 'local.ts'), `
import { startLocalCloud, LocalCloud, LocalCloudOptions } from '${cliPkg.name}';
const options: LocalCloudOptions = { port: 0, pool: 'pool.json' };
export async function run(): Promise<string> {
  const cloud: LocalCloud = await startLocalCloud(options);
  const dropped = await cloud.dropFile('users.csv');
  const report = await cloud.waitForReport(dropped.key);
  await cloud.stop();
  return String(report.status);
}
`);
const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '--strict', '--skipLibCheck', '--module', 'commonjs', '--target', 'es2022', '--types', 'node', '--typeRoots', join(root, 'node_modules', '@types'), 'local.ts'], { cwd: app, encoding: 'utf8' });
check(tsc.status === 0, `the CLI's typings (startLocalCloud, LocalCloud, LocalCloudOptions) type-check in a consumer${tsc.status === 0 ? '' : `:\n${tsc.stdout}${tsc.stderr}`}`);

rmSync(work, { recursive: true, force: true });
summary.seconds = Math.round((Date.now() - started) / 1000);
console.log(JSON.stringify(summary));
