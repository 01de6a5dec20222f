'use strict';
// Item 10: the chaos run's figures (`npm run chaos`, test/e2e/chaos.ts), kept in bench/chaos-results.json
// and rendered as BENCHMARKS.md's last section (by `npm run chaos`, and again by every `npm run bench`).
const fs = require('node:fs');
const path = require('node:path');

const RESULTS = path.join(__dirname, 'chaos-results.json');
const HEADING = '## 11. Chaos: reports that stay true under faults and re-drops';

/** The section of BENCHMARKS.md for a chaos run (`{ at, node, runs: ChaosFigures[] }`), or '' without one. */
function markdown(run = read()) {
  if (!run || !run.runs || run.runs.length === 0) return '';
  const sum = (f) => run.runs.reduce((n, r) => n + f(r), 0);
  const held = run.runs.filter((r) => r.violations.length === 0).length;
  const L = ['', HEADING, ''];
  L.push(`\`npm run chaos -- --seeds ${run.runs.map((r) => r.seed).join(',')} --files ${run.files}\` on ${run.at.slice(0, 10)} (${run.node}): ${run.runs.length} seeds, ${sum((r) => r.versions)} dropped file versions (${sum((r) => r.versions - r.files)} re-drops of a key), ${sum((r) => r.jobs)} Cognito jobs (most files rode in combined jobs), ${sum((r) => Object.values(r.faults).reduce((a, b) => a + b, 0))} faults fired; the invariants held in ${held} of ${run.runs.length} seeds.`);
  L.push('', 'Invariants (`truthViolations`, test/e2e/invariants.ts): one report per file version and the newest at the key; totals that add up and every row not imported listed; the pool\'s users exactly those the reports say were imported (rows of unknown fate either way); nobody imported twice; no imported user in the rows to fix; one event id per version; never two jobs active at once, at most one started job per job name; the dropped objects unchanged.');
  L.push('', '| seed | versions | jobs | faults fired | armed: throttling, crashes after a step (×times; 3 outlasts the retries) | seconds | violations |', '| --- | --- | --- | --- | --- | --- | --- |');
  for (const r of run.runs) {
    const fired = Object.entries(r.faults).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ') || '–';
    L.push(`| ${r.seed} | ${r.versions} | ${r.jobs} | ${fired} | ${r.crashes.join(', ')} | ${r.seconds} | ${r.violations.length === 0 ? 'none' : r.violations.length} |`);
  }
  L.push('');
  return L.join('\n');
}

function read() {
  try { return JSON.parse(fs.readFileSync(RESULTS, 'utf8')); } catch { return undefined; }
}

/** Keeps a run's figures and puts its section in BENCHMARKS.md (replacing an earlier one). */
function record(run, benchmarksFile) {
  fs.writeFileSync(RESULTS, JSON.stringify(run, null, 2) + '\n');
  const text = fs.readFileSync(benchmarksFile, 'utf8');
  const at = text.indexOf(`\n${HEADING}`);
  fs.writeFileSync(benchmarksFile, (at >= 0 ? text.slice(0, at) : text.replace(/\n*$/, '\n')) + markdown(run));
}

module.exports = { markdown, record };
