// npm's `prepare` hook: `npm ci`/`npm install` on a fresh clone builds everything (so `npm run demo`,
// `npm test` and `npx cognito-user-import` work right after). `npm pack`/`npm publish` (and jsii-pacmak,
// which runs `npm pack`) reuse the build when it is there instead of rebuilding: run `npm run build` first.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const packing = ['pack', 'publish'].includes(process.env.npm_command ?? '');
const built = ['.jsii', 'lib/index.js', 'assets/lambda/worker/index.js'].every((f) => existsSync(join(root, f)));
if (packing && built) {
  console.error('prepare: already built; packing the existing build (run `npm run build` to refresh it)');
} else {
  execSync('npm run build', { cwd: root, stdio: 'inherit' });
}
