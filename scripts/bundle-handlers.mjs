// Bundles every handler entry point in lambda/handlers/ into assets/lambda/<name>/index.js.
// Consumers load these with Code.fromAsset: no esbuild or Docker is needed at their synth.
// The AWS SDK v3 is left out: the Lambda Node.js 24 runtime provides it (smaller bundles, faster cold starts).
import { build } from 'esbuild';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join, basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const handlersDir = join(root, 'lambda', 'handlers');
const outRoot = join(root, 'assets', 'lambda');
rmSync(outRoot, { recursive: true, force: true });

const entries = readdirSync(handlersDir).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
for (const file of entries) {
  const name = basename(file, '.ts');
  const outfile = join(outRoot, name, 'index.js');
  await build({
    entryPoints: [join(handlersDir, file)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    external: ['@aws-sdk/*', '@smithy/*'],
    logLevel: 'warning',
  });
  console.log(`bundled ${name}: ${statSync(outfile).size} bytes`);
}
