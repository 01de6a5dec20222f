#!/usr/bin/env node
// `npm run chaos [-- --seeds 1,2,3 --files 40]`: the chaos test (test/e2e/chaos.test.ts) with more seeds
// and files than the short run in `npm test` (CHAOS_SEEDS / CHAOS_FILES work too). Prints each seed's
// figures and records them in bench/chaos-results.json and BENCHMARKS.md (section 10).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const arg = (name, fallback) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : fallback; };
const files = arg('files', process.env.CHAOS_FILES ?? '30');
const env = {
  ...process.env,
  CHAOS_SEEDS: arg('seeds', process.env.CHAOS_SEEDS ?? '1,2,3,4,5,6'),
  CHAOS_FILES: files,
  CHAOS_FIGURES: '1',
  CHAOS_TIMEOUT_MS: process.env.CHAOS_TIMEOUT_MS ?? '1800000',
};
const runs = [];
const child = spawn('npx', ['jest', 'test/e2e/chaos.test.ts', '--runInBand'], { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
let pending = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  pending += chunk.toString('utf8');
  const lines = pending.split('\n');
  pending = lines.pop();
  for (const line of lines) if (line.startsWith('CHAOS ')) runs.push(JSON.parse(line.slice(6)));
});
child.on('close', (code) => {
  if (runs.length > 0) {
    const { record } = createRequire(import.meta.url)(join(root, 'bench', 'chaos.js'));
    record({ at: new Date().toISOString(), node: process.version, files: Number(files), runs: runs.sort((a, b) => a.seed - b.seed) }, join(root, 'BENCHMARKS.md'));
    process.stderr.write(`chaos: ${runs.length} seed(s) recorded in bench/chaos-results.json and BENCHMARKS.md\n`);
  }
  process.exit(code ?? 1);
});
