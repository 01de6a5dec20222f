#!/usr/bin/env node
// `npm run chaos [-- --seeds 1,2,3 --files 40]`: the chaos test (test/e2e/chaos.test.ts) with more seeds
// and files than the short run in `npm test`; CHAOS_SEEDS / CHAOS_FILES work too. Prints each seed's figures.
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const arg = (name, fallback) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : fallback; };
const env = {
  ...process.env,
  CHAOS_SEEDS: arg('seeds', process.env.CHAOS_SEEDS ?? '1,2,3,4,5,6'),
  CHAOS_FILES: arg('files', process.env.CHAOS_FILES ?? '30'),
  CHAOS_FIGURES: '1',
  CHAOS_TIMEOUT_MS: process.env.CHAOS_TIMEOUT_MS ?? '1800000',
};
const r = spawnSync('npx', ['jest', 'test/e2e/chaos.test.ts', '--runInBand'], { env, stdio: 'inherit' });
process.exit(r.status ?? 1);
