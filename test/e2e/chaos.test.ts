/**
 * Chaos on the local cloud (see chaos.ts): a short seed in `npm test`; `npm run chaos` runs more seeds and
 * files (CHAOS_SEEDS=1,2,3 CHAOS_FILES=40). Needs `npm run build` (bundles).
 */
import { runChaos } from './chaos';

const seeds = (process.env.CHAOS_SEEDS ?? '13').split(',').map(Number).filter(Number.isFinite);
const files = Number(process.env.CHAOS_FILES ?? 10);

test.each(seeds)('seed %i: every invariant holds', async (seed) => {
  const figures = await runChaos(seed, files);
  if (process.env.CHAOS_FIGURES) process.stdout.write(`CHAOS ${JSON.stringify(figures)}\n`);
  expect(figures.violations).toEqual([]);
}, Number(process.env.CHAOS_TIMEOUT_MS ?? 600_000));
