/**
 * Reads a synthesized cloud assembly (`cdk.out`): its stacks, their templates and their file assets.
 * With no assembly, runs `cdk synth` first (the app's own aws-cdk CLI when it has one).
 */
import { spawnSync } from 'child_process';
import { existsSync, readFileSync, statSync } from 'fs';
import { join, resolve } from 'path';

export interface FileAsset {
  /** Absolute path of the asset's file or folder in the assembly. */
  path: string;
  packaging: 'file' | 'zip' | string;
  /** Destination bucket (with `${AWS::AccountId}`-style placeholders) and key. */
  bucketName: string;
  objectKey: string;
}

export interface StackArtifact {
  /** The artifact id (`cdk deploy <id>`). */
  id: string;
  stackName: string;
  displayName: string;
  template: any;
  assemblyDir: string;
  /** The stack's region when it is environment-specific. */
  region?: string;
  assets: FileAsset[];
}

/** The assembly directory for `appDir`: itself when it holds a manifest, else its `cdk.out` (synthesized when missing). */
export function findAssembly(appDir: string, log: (line: string) => void = () => undefined): string {
  const dir = resolve(appDir);
  if (existsSync(join(dir, 'manifest.json'))) return dir;
  const out = join(dir, 'cdk.out');
  if (existsSync(join(out, 'manifest.json'))) return out;
  if (!existsSync(join(dir, 'cdk.json'))) {
    throw new Error(`no cloud assembly in ${dir} (no cdk.out/manifest.json) and no cdk.json to synthesize one; run 'npx cdk synth' or give --app DIR`);
  }
  // --no-notices: the notices are fetched from the internet, which a pipeline step need not wait for.
  log(`no cloud assembly in ${dir}: running cdk synth`);
  const cdk = cdkCli(dir);
  const r = spawnSync(process.execPath, [cdk, 'synth', '--quiet', '--no-notices', '--output', out], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0 || !existsSync(join(out, 'manifest.json'))) {
    throw new Error(`cdk synth failed in ${dir} (exit ${r.status}): ${String(r.stderr ?? '').trim().split('\n').slice(-5).join('\n')}`);
  }
  return out;
}

/** The aws-cdk CLI: the app's own, else the one installed with this package. */
function cdkCli(appDir: string): string {
  for (const paths of [[appDir], [__dirname]]) {
    try { return require.resolve('aws-cdk/bin/cdk', { paths }); } catch { /* next */ }
  }
  throw new Error("the aws-cdk CLI is not installed; add it (npm install -D aws-cdk) or synthesize first with 'cdk synth'");
}

/** Every stack of the assembly (nested assemblies of stages included). */
export function readStacks(assemblyDir: string): StackArtifact[] {
  const manifest = JSON.parse(readFileSync(join(assemblyDir, 'manifest.json'), 'utf8'));
  const artifacts: Record<string, any> = manifest.artifacts ?? {};
  const stacks: StackArtifact[] = [];
  for (const [id, a] of Object.entries(artifacts)) {
    if (a.type === 'cdk:cloud-assembly' && a.properties?.directoryName) {
      stacks.push(...readStacks(join(assemblyDir, a.properties.directoryName)));
      continue;
    }
    if (a.type !== 'aws:cloudformation:stack') continue;
    const p = a.properties ?? {};
    const template = JSON.parse(readFileSync(join(assemblyDir, p.templateFile), 'utf8'));
    const region = /^aws:\/\/[^/]+\/([a-z]{2}(-[a-z]+)+-\d)$/.exec(String(a.environment ?? ''))?.[1];
    const assets: FileAsset[] = [];
    for (const dep of a.dependencies ?? []) {
      const m = artifacts[dep];
      if (m?.type !== 'cdk:asset-manifest') continue;
      const assetManifest = JSON.parse(readFileSync(join(assemblyDir, m.properties.file), 'utf8'));
      for (const f of Object.values<any>(assetManifest.files ?? {})) {
        const dest = Object.values<any>(f.destinations ?? {})[0];
        if (!dest || !f.source?.path) continue;
        assets.push({ path: resolve(assemblyDir, f.source.path), packaging: f.source.packaging ?? 'file', bucketName: dest.bucketName, objectKey: dest.objectKey });
      }
    }
    stacks.push({ id, stackName: p.stackName ?? id, displayName: a.displayName ?? id, template, assemblyDir, region, assets });
  }
  return stacks;
}

/** True when `path` is a file (assets of packaging `file` are; `zip` assets are folders). */
export function isFile(path: string): boolean {
  try { return statSync(path).isFile(); } catch { return false; }
}
