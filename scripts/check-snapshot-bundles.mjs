// Fails when an integ snapshot's assets (the handler bundles above all) differ from what the build
// makes. integ-runner compares templates with asset hashes normalised, so a snapshot holding old
// bundles would otherwise pass unnoticed. Run after `npm run build`.
//
// For each test/integ.*.ts with a committed snapshot: synthesize the app afresh into a temporary
// directory, then require every asset of the fresh assembly to exist in the snapshot under the same
// name with the same bytes. Fix a failure with `npm run integ:update` (offline) and commit the snapshot.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const testDir = join(root, 'test');

/** Relative path → bytes of every file under `dir` (or of `dir` itself when it is a file). */
function filesOf(dir, prefix = '') {
  if (!statSync(dir).isDirectory()) return new Map([[prefix || '.', readFileSync(dir)]]);
  const out = new Map();
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const rel = prefix ? `${prefix}/${name}` : name;
    if (statSync(path).isDirectory()) for (const [k, v] of filesOf(path, rel)) out.set(k, v);
    else out.set(rel, readFileSync(path));
  }
  return out;
}

/** Why `snapshotPath` does not hold what `freshPath` holds, or undefined when they are equal. */
function difference(freshPath, snapshotPath) {
  if (!existsSync(snapshotPath)) return 'missing from the snapshot';
  const fresh = filesOf(freshPath);
  const snap = filesOf(snapshotPath);
  for (const [rel, bytes] of fresh) {
    if (!snap.has(rel)) return `${rel} missing from the snapshot`;
    if (!snap.get(rel).equals(bytes)) return `${rel} differs (${snap.get(rel).length} bytes in the snapshot, ${bytes.length} built)`;
  }
  for (const rel of snap.keys()) if (!fresh.has(rel)) return `${rel} is in the snapshot but no longer built`;
  return undefined;
}

const problems = [];
const integs = readdirSync(testDir).filter((f) => /^integ\..*\.ts$/.test(f) && !f.endsWith('.d.ts'));
for (const file of integs) {
  const snapshot = join(testDir, `${file}.snapshot`);
  if (!existsSync(snapshot)) continue;
  const out = mkdtempSync(join(tmpdir(), 'snapshot-bundles-'));
  try {
    execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', join(testDir, file)], {
      cwd: root, env: { ...process.env, CDK_OUTDIR: out }, stdio: ['ignore', 'ignore', 'inherit'],
    });
    const manifests = readdirSync(out).filter((f) => f.endsWith('.assets.json'));
    let checked = 0;
    for (const manifest of manifests) {
      const { files = {} } = JSON.parse(readFileSync(join(out, manifest), 'utf8'));
      for (const asset of Object.values(files)) {
        const path = asset.source?.path;
        // Templates are integ-runner's to compare; assets are what it cannot see.
        if (!path || path.endsWith('.template.json')) continue;
        checked += 1;
        const why = difference(join(out, path), join(snapshot, path));
        if (why) problems.push(`${file}: asset ${asset.displayName ?? path}: ${why}`);
      }
    }
    console.log(`${file}: ${checked} assets checked against the snapshot`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

if (problems.length > 0) {
  console.error(problems.join('\n'));
  console.error('The integ snapshot is out of date with the build: run `npm run integ:update` and commit the snapshot.');
  process.exit(1);
}
