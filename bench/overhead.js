'use strict';
// Item 10: a file's wait before its Cognito job starts (overhead-before-start), mostly the lookup of
// the users that already exist. Modelled at the engine's paced defaults for pools of 0, 1 million
// and 10 million users and files of 100,000 and 500,000 rows, with and without existing users (the
// engine's own planner: lambda/users/existing-users.js planLookup, lambda/users/lookup-sample.js);
// then confirmed by a timed run at small scale on the local cloud (the real workflow and bundles,
// rates scaled down so the same model predicts seconds).
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const defaults = require(path.join(ROOT, 'lambda', 'shared', 'defaults.js'));
const { planLookup } = require(path.join(ROOT, 'lambda', 'users', 'existing-users.js'));
const { existingShareBound, shouldSample } = require(path.join(ROOT, 'lambda', 'users', 'lookup-sample.js'));

/** The goal: 500,000 new users into a pool of 10 million start their job within this many seconds. */
const GOAL_SECONDS = 120;

/**
 * The lookup's requests and paced seconds (DescribeUserPool included), as the engine plans it.
 * `existing`: the file holds existing users enough for the sample to meet one (then the full lookup runs).
 */
function lookupModel({ rows, poolUsers, existing, readRps, listRps, sampleRows, stepBudgetSeconds }) {
  const plan = planLookup(rows, poolUsers, readRps, listRps);
  const full = plan.mode === 'get' ? { requests: plan.getRequests, seconds: plan.getSeconds } : { requests: plan.scanRequests, seconds: plan.scanSeconds };
  const sampled = shouldSample(rows, full.seconds, sampleRows, readRps, 'SKIP');
  const sample = sampled ? { requests: sampleRows, seconds: sampleRows / readRps } : { requests: 0, seconds: 0 };
  const fullRuns = !sampled || existing;
  const requests = 1 + sample.requests + (fullRuns ? full.requests : 0);
  const seconds = 1 / readRps + sample.seconds + (fullRuns ? full.seconds : 0);
  return {
    way: sampled ? (fullRuns ? `sample of ${sampleRows} (finds some), then ${plan.mode === 'get' ? 'AdminGetUser per row' : 'ListUsers scan'}` : `sample of ${sampleRows} (finds none): full lookup skipped`) : (plan.mode === 'get' ? 'AdminGetUser per row' : 'ListUsers scan'),
    requests, seconds, steps: Math.max(1, Math.ceil(seconds / stepBudgetSeconds)), sampled, fullRuns,
  };
}

/**
 * Every scenario: the seconds from the drop to StartUserImportJob = validate + lookup (paced) +
 * applyExisting (rewrites the parts when rows were taken out) + the queue steps + createAndUpload +
 * Start, plus Step Functions' own time per state. `durations` (seconds, for a 500,000-row file)
 * come from the bench's own measurements where it has them (item 7's inputs).
 */
function overheadModel(durations) {
  const readRps = defaults.DEFAULT_USER_READ_RPS;
  const listRps = defaults.DEFAULT_USER_LIST_RPS;
  const sampleRows = defaults.DEFAULT_LOOKUP_SAMPLE_ROWS;
  const stepBudgetSeconds = defaults.DEFAULT_STEP_BUDGET_SECONDS;
  const scenarios = [];
  for (const poolUsers of [0, 1_000_000, 10_000_000]) {
    for (const rows of [100_000, 500_000]) {
      for (const existing of [false, true]) {
        const scale = rows / 500_000;
        const l = lookupModel({ rows, poolUsers, existing, readRps, listRps, sampleRows, stepBudgetSeconds });
        // Reading the part's rows for the lookup (the sample and the full lookup read them once each).
        const reads = (l.sampled ? 1 : 0) + (l.fullRuns ? 1 : 0);
        const stages = {
          validate: durations.validate * scale,
          lookup: l.seconds + reads * durations.readPart * scale,
          applyExisting: existing ? 2 * durations.readPart * scale : durations.control,
          queue: 3 * durations.control, // Enqueue, CheckTurn, (the turn is free)
          createAndUpload: durations.createAndUpload * scale,
          start: durations.control,
          // Each state Step Functions enters before Start: ~12, and one Lambda invocation per Task.
          transitions: 12 * durations.transition + l.steps * 2 * durations.transition,
        };
        const seconds = Object.values(stages).reduce((a, b) => a + b, 0);
        scenarios.push({
          poolUsers, rows, existing, seconds: Math.round(seconds * 10) / 10, requests: l.requests, way: l.way, lookupSteps: l.steps,
          stagesSeconds: Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, Math.round(v * 100) / 100])),
          ...(l.sampled && !existing ? { existingShareBound: Number(existingShareBound(sampleRows).toFixed(6)) } : {}),
        });
      }
    }
  }
  const goal = scenarios.find((s) => s.poolUsers === 10_000_000 && s.rows === 500_000 && !s.existing);
  return {
    defaults: { userReadRps: readRps, userListRps: listRps, lookupSampleRows: sampleRows, stepBudgetSeconds, sampleConfidence: defaults.LOOKUP_SAMPLE_CONFIDENCE },
    durations, scenarios, goalScenario: { poolUsers: goal.poolUsers, rows: goal.rows, existing: goal.existing, seconds: goal.seconds },
    goal: `500,000 new users into a pool of 10,000,000 start within ${GOAL_SECONDS} s`, met: goal.seconds <= GOAL_SECONDS,
  };
}

/**
 * The timed run: the real workflow on the local cloud, rates scaled down (so the wait is seconds):
 * a pool of `poolUsers`, a file of `rows` new users, and the same file with every 10th user existing.
 * Measured from the drop until the job left Created (StartUserImportJob answered); predicted by
 * lookupModel at the same rates.
 */
async function timedRun(log, quick) {
  const { startLocalCloud } = require(path.join(ROOT, 'packages', 'cli', 'local-cloud', 'index.js'));
  const { HEADER } = require('./gen');
  const poolUsers = quick ? 3_000 : 30_000;
  const rows = quick ? 2_000 : 20_000;
  const env = { USER_READ_RPS: '20', USER_LIST_RPS: '50', LOOKUP_SAMPLE_ROWS: '100' };
  const runs = [];
  for (const existing of [false, true]) {
    const cloud = await startLocalCloud({ port: 0, workerEnv: env });
    try {
      const pool = cloud.cognito.pools.get(cloud.poolId);
      for (let i = 0; i < poolUsers; i++) cloud.cognito.putUser(pool, `pooluser${i}`, [{ Name: 'email', Value: `pooluser${i}@example.com` }], 'CONFIRMED');
      const user = HEADER.indexOf('cognito:username');
      const email = HEADER.indexOf('email');
      const lines = [HEADER.join(',')];
      for (let i = 0; i < rows; i++) {
        const name = existing && i % 10 === 0 ? `pooluser${i}` : `newuser${i}`;
        const cells = HEADER.map(() => '');
        cells[user] = name;
        cells[email] = `${name}@example.com`;
        cells[HEADER.indexOf('email_verified')] = 'true';
        cells[HEADER.indexOf('cognito:mfa_enabled')] = 'false';
        lines.push(cells.join(','));
      }
      const t0 = Date.now();
      const d = await cloud.dropFile(Buffer.from(lines.join('\n') + '\n'), `incoming/overhead-${existing ? 'existing' : 'new'}.csv`);
      let startedAt;
      while (startedAt === undefined && Date.now() - t0 < 300_000) {
        if (cloud.jobs().some((j) => j.Status !== 'Created')) startedAt = Date.now();
        else await new Promise((r) => setTimeout(r, 20));
      }
      if (startedAt === undefined) throw new Error('no job started within 300 s');
      const report = await cloud.waitForReport(d.key, { timeoutMs: 300_000 });
      const predicted = lookupModel({ rows, poolUsers, existing, readRps: Number(env.USER_READ_RPS), listRps: Number(env.USER_LIST_RPS), sampleRows: Number(env.LOOKUP_SAMPLE_ROWS), stepBudgetSeconds: defaults.DEFAULT_STEP_BUDGET_SECONDS });
      const seconds = (startedAt - t0) / 1000;
      log(`overhead-before-start (timed): pool ${poolUsers}, ${rows} rows, existing ${existing}: job started after ${seconds.toFixed(1)} s (lookup predicted ${predicted.seconds.toFixed(1)} s, ${predicted.requests} requests; made ${report.lookup?.requests})`);
      runs.push({
        poolUsers, rows, existing, seconds: Math.round(seconds * 100) / 100,
        requests: report.lookup?.requests, predictedRequests: predicted.requests, predictedLookupSeconds: Math.round(predicted.seconds * 100) / 100,
        way: predicted.way, sample: report.lookup?.sample, foundExisting: report.lookup?.existing, totals: report.totals,
      });
    } finally {
      await cloud.stop();
    }
  }
  return { env, runs };
}

async function benchOverhead(log, quick, durations) {
  const model = overheadModel(durations);
  const timed = await timedRun(log, quick);
  return { item: 10, name: 'overhead-before-start', ...model, timed };
}

/** The item's section of BENCHMARKS.md. */
function markdown(items) {
  const it = items.find((x) => x.name === 'overhead-before-start');
  if (!it) return '';
  const L = ['', '## 10. A file\'s wait before its job starts (overhead-before-start)', ''];
  if (it.notMeasured) return [...L, `Not measured: ${it.notMeasured}`, ''].join('\n');
  const fmt = (x) => x.toLocaleString('en-US');
  const d = it.defaults;
  L.push(`Model at the engine's paced defaults (AdminGetUser ${d.userReadRps}/s, ListUsers ${d.userListRps}/s; a random sample of ${fmt(d.lookupSampleRows)} rows first when the full lookup would take longer; steps of ${d.stepBudgetSeconds / 60} min): seconds from the drop to StartUserImportJob. "existing": the file holds enough existing users for the sample to meet one, so the full lookup runs too. Requests: Cognito requests of the lookup (DescribeUserPool included).`, '');
  L.push('| pool users | rows | existing | way | requests | seconds before Start |', '| --- | --- | --- | --- | --- | --- |');
  for (const s of it.scenarios) L.push(`| ${fmt(s.poolUsers)} | ${fmt(s.rows)} | ${s.existing ? 'yes' : 'no'} | ${s.way} | ${fmt(s.requests)} | ${s.seconds >= 600 ? `${fmt(s.seconds)} (${(s.seconds / 3600).toFixed(1)} h)` : fmt(s.seconds)} |`);
  const g = it.scenarios.find((s) => s.poolUsers === 10_000_000 && s.rows === 500_000 && !s.existing);
  L.push('', `Goal: ${it.goal}: **${g.seconds} s**, ${it.met ? 'met' : '**missed**'}. A clean sample of ${fmt(d.lookupSampleRows)} bounds the share of existing rows below ${(g.existingShareBound * 100).toFixed(2)}% (${d.sampleConfidence * 100}% confidence); Cognito skips any it meets (reported SKIPPED).`);
  L.push('', `Durations in the model (s, for 500,000 rows, scaled by rows): ${Object.entries(it.durations).map(([k, v]) => `${k} ${Math.round(v * 100) / 100}`).join(', ')}. Stages of the goal scenario (s): ${Object.entries(g.stagesSeconds).map(([k, v]) => `${k} ${v}`).join(', ')}.`);
  if (it.timed) {
    const e = it.timed.env;
    L.push('', `Timed on the local cloud (the real workflow and bundles; rates scaled down: AdminGetUser ${e.USER_READ_RPS}/s, ListUsers ${e.USER_LIST_RPS}/s, sample ${e.LOOKUP_SAMPLE_ROWS} rows), from the drop until the job left Created:`, '');
    L.push('| pool users | rows | existing | way (model) | requests (model / made) | lookup s (model) | seconds before Start (measured) |', '| --- | --- | --- | --- | --- | --- | --- |');
    for (const r of it.timed.runs) L.push(`| ${fmt(r.poolUsers)} | ${fmt(r.rows)} | ${r.existing ? `yes (${fmt(r.foundExisting ?? 0)})` : 'no'} | ${r.way} | ${fmt(r.predictedRequests)} / ${fmt(r.requests ?? 0)} | ${r.predictedLookupSeconds} | ${r.seconds} |`);
  }
  L.push('');
  return L.join('\n');
}

module.exports = { benchOverhead, overheadModel, lookupModel, markdown, GOAL_SECONDS };

if (require.main === module) {
  const durations = { validate: 3, readPart: 0.5, createAndUpload: 0.5, control: 0.3, transition: 0.05 };
  benchOverhead((s) => process.stderr.write(`${s}\n`), process.env.BENCH_QUICK === '1', durations)
    .then((r) => { process.stdout.write(JSON.stringify(r, null, 2) + '\n'); process.stdout.write(markdown([r]) + '\n'); process.exit(0); })
    .catch((e) => { console.error(e); process.exit(1); });
}
