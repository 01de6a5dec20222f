// `npm run package`: the language packages jsii-pacmak makes from the built assembly (run `npm run build` first).
// The JavaScript target (the npm tarball) is always built. Python, Java, .NET and Go are built fully only when
// named in PACMAK_BUILD (comma-separated, e.g. PACMAK_BUILD=python,java) — building them needs their toolchains
// and registries (PyPI, Maven Central, NuGet, the Go proxy). The others are generated as source only
// (dist/<language>/), which still proves the API translates to each language.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const LANGUAGES = ['python', 'java', 'dotnet', 'go'];
const full = (process.env.PACMAK_BUILD ?? '').split(',').map((s) => s.trim()).filter(Boolean);
const unknown = full.filter((l) => !LANGUAGES.includes(l));
if (unknown.length) throw new Error(`PACMAK_BUILD: unknown language(s) ${unknown.join(', ')}; use ${LANGUAGES.join(', ')}`);
if (!existsSync(join(root, '.jsii'))) throw new Error('.jsii is missing: run `npm run build` first');

const pacmak = join(root, 'node_modules', '.bin', 'jsii-pacmak');
const env = { ...process.env, JSII_SILENCE_SUPPORT_WARNING: '1' };
const run = (args) => { console.log(`$ jsii-pacmak ${args.join(' ')}`); execFileSync(pacmak, args, { cwd: root, stdio: 'inherit', env }); };

rmSync(join(root, 'dist'), { recursive: true, force: true });
run(['--targets', 'js', ...full.flatMap((l) => ['--targets', l]), '--force-subdirectory', '--no-npmignore']);
const codeOnly = LANGUAGES.filter((l) => !full.includes(l));
if (codeOnly.length) run(['--code-only', ...codeOnly.flatMap((l) => ['--targets', l]), '--force-subdirectory', '--no-npmignore']);

// The companion CLI package, beside the construct package's tarball.
execFileSync('npm', ['pack', '--pack-destination', join(root, 'dist', 'js')], { cwd: join(root, 'packages', 'cli'), stdio: ['ignore', 'ignore', 'inherit'] });
for (const dir of readdirSync(join(root, 'dist'))) {
  console.log(`dist/${dir}: ${readdirSync(join(root, 'dist', dir)).join(', ')}${full.includes(dir) || dir === 'js' ? '' : ' (source only)'}`);
}
