'use strict';
// Item 8: the cost of finding the users that already exist before the upload (lambda/users/existing-users.js,
// the real step with a real SDK client) on the local cloud, both ways: AdminGetUser per row and a ListUsers
// scan of the pool. Measured: requests and time against the emulator with pacing off (the emulator's own
// speed); modelled: requests and time per 100,000 rows at the engine's default paced rates, per pool size.
const path = require('node:path');

const { PRICES } = require('./cost');

const ROOT = path.join(__dirname, '..');
/** The worker's default memory (the construct's `memorySize` default), which the lookup runs in. */
const WORKER_MEMORY_MB = require(path.join(ROOT, 'lib', 'private', 'defaults.js')).IMPORTER_DEFAULTS.memorySize;
const CREDS = { accessKeyId: 'LOCALCLOUD', secretAccessKey: 'LOCALCLOUD' };

async function benchExistingUsers(log, quick) {
  const { startLocalCloud } = require(path.join(ROOT, 'packages', 'cli', 'local-cloud', 'index.js'));
  const { findExisting, planLookup } = require(path.join(ROOT, 'lambda', 'users', 'existing-users.js'));
  const { S3ObjectStore } = require(path.join(ROOT, 'lambda', 'runtime', 'object-store.js'));
  const defaults = require(path.join(ROOT, 'lambda', 'shared', 'defaults.js'));
  const { CognitoIdentityProviderClient } = require('@aws-sdk/client-cognito-identity-provider');
  const { S3Client, PutObjectCommand } = require('@aws-sdk/client-s3');

  const poolUsers = quick ? 3_000 : 30_000;
  const rows = quick ? 1_000 : 6_000;
  const cloud = await startLocalCloud({ port: 0, workflow: false, bucketName: 'bench-existing' });
  try {
    const pool = cloud.cognito.pools.get(cloud.poolId);
    for (let i = 0; i < poolUsers; i++) cloud.cognito.putUser(pool, `pooluser${i}`, [{ Name: 'email', Value: `pooluser${i}@example.com` }], 'CONFIRMED');
    // Half the file's users exist (every other row), in a different letter case: the pool is case-insensitive.
    const lines = ['cognito:username,email,email_verified,cognito:mfa_enabled'];
    for (let i = 0; i < rows; i++) {
      const name = i % 2 === 0 ? `PoolUser${i}` : `newuser${i}`;
      lines.push(`${name},${name.toLowerCase()}@example.com,true,false`);
    }
    const client = { endpoint: cloud.endpoint, region: cloud.region, credentials: CREDS };
    const s3 = new S3Client({ ...client, forcePathStyle: true });
    const prefix = 'work/bench/';
    await s3.send(new PutObjectCommand({ Bucket: cloud.bucket, Key: `${prefix}part-1.csv`, Body: lines.join('\n') + '\n' }));
    await s3.send(new PutObjectCommand({ Bucket: cloud.bucket, Key: `${prefix}part-1.lines.json`, Body: JSON.stringify(Array.from({ length: rows + 1 }, (_, i) => i + 1)) }));
    const validation = {
      outcome: 'Valid', workPrefix: prefix, validationKey: `${prefix}validation.json`, rows, rejectedRows: 0,
      parts: [{ partNumber: 1, partCount: 1, key: `${prefix}part-1.csv`, rows, bytes: 0, lineMapKey: `${prefix}part-1.lines.json`, jobName: 'bench' }],
    };
    const deps = {
      store: new S3ObjectStore(s3),
      cognito: new CognitoIdentityProviderClient({ ...client, maxAttempts: 1 }),
      now: () => new Date(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      log: { info() {}, warn() {}, error() {}, debug() {} },
    };
    const measure = async (mode) => {
      // Pacing off for the way measured, and the other way made slow, so the planner picks `mode`.
      const config = {
        userPoolId: cloud.poolId, bucket: cloud.bucket, stepBudgetSeconds: 600,
        userReadRps: mode === 'get' ? 1e6 : 1e-3, userListRps: mode === 'scan' ? 1e6 : 1e-3,
        // Each way on its own (item 10 measures the random sample that may come first).
        lookupSampleRows: 0,
      };
      const t0 = process.hrtime.bigint();
      let lookup = { done: false };
      do lookup = await findExisting(deps, config, { action: 'findExisting', validation, lookup }); while (!lookup.done);
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      if (lookup.mode !== mode) throw new Error(`planner chose ${lookup.mode}, expected ${mode}`);
      if (lookup.found !== rows / 2) throw new Error(`${mode}: found ${lookup.found} existing users, expected ${rows / 2}`);
      log(`existing users (${mode}): ${lookup.requests} requests, ${seconds.toFixed(2)} s, found ${lookup.found}`);
      return { mode, requests: lookup.requests, seconds: Number(seconds.toFixed(3)), found: lookup.found, requestsPerSecond: Math.round(lookup.requests / seconds) };
    };
    const get = await measure('get');
    const scan = await measure('scan');

    // The model at the engine's defaults (what a real account sees): per 100,000 rows.
    const read = defaults.DEFAULT_USER_READ_RPS;
    const list = defaults.DEFAULT_USER_LIST_RPS;
    const model = [10_000, 100_000, 1_000_000, 10_000_000].map((pool) => {
      const p = planLookup(100_000, pool, read, list);
      const chosen = p.mode === 'get' ? { requests: p.getRequests, seconds: p.getSeconds } : { requests: p.scanRequests, seconds: p.scanSeconds };
      const steps = Math.max(1, Math.ceil(chosen.seconds / defaults.DEFAULT_STEP_BUDGET_SECONDS));
      // What the lookup costs: the worker waits out the paced rate, so its GB-s are the
      // paced seconds; each step is 2 state transitions (FindExisting and IsLookupDone). Cognito's own API calls are not billed.
      const gbSeconds = chosen.seconds * (WORKER_MEMORY_MB / 1024);
      const usd = gbSeconds * PRICES.lambdaArmPerGbSecond + steps * (PRICES.lambdaPerRequest + 2 * PRICES.stepFunctionsStandardPerTransition);
      return { poolUsers: pool, mode: p.mode === 'get' ? 'AdminGetUser' : 'ListUsers', requests: chosen.requests, minutes: Number((chosen.seconds / 60).toFixed(1)), steps, gbSeconds: Math.round(gbSeconds), usd: Number(usd.toFixed(4)) };
    });
    return {
      item: 9, name: 'existingUsers', goal: 'none (reported)',
      file: { rows, existing: rows / 2 }, poolUsers,
      measured: { get, scan },
      defaults: { userReadRps: read, userListRps: list, stepBudgetSeconds: defaults.DEFAULT_STEP_BUDGET_SECONDS },
      modelPer100kRows: model,
    };
  } finally {
    await cloud.stop();
  }
}

/** The item's section of BENCHMARKS.md. */
function markdown(items) {
  const it = items.find((x) => x.name === 'existingUsers');
  if (!it) return '';
  const L = ['', '## 9. Finding existing users before the upload', ''];
  if (it.notMeasured) return [...L, `Not measured: ${it.notMeasured}`, ''].join('\n');
  L.push(`Measured on the local cloud (the real \`findExisting\` step, real SDK client, pacing off): a file of ${it.file.rows.toLocaleString('en-US')} rows (${it.file.existing.toLocaleString('en-US')} existing, other letter case) against a pool of ${it.poolUsers.toLocaleString('en-US')} users.`);
  L.push('', '| way | requests | seconds | requests/s (emulator) |', '| --- | --- | --- | --- |');
  for (const m of [it.measured.get, it.measured.scan]) L.push(`| ${m.mode === 'get' ? 'AdminGetUser per row' : 'ListUsers scan'} | ${m.requests.toLocaleString('en-US')} | ${m.seconds} | ${m.requestsPerSecond.toLocaleString('en-US')} |`);
  L.push('', `Model at the engine's paced defaults (AdminGetUser ${it.defaults.userReadRps}/s, ListUsers ${it.defaults.userListRps}/s, steps of ${it.defaults.stepBudgetSeconds / 60} min), per 100,000 rows:`, '');
  L.push('| pool users | way chosen | requests | minutes | workflow steps | worker GB-s | cost (USD, list prices) |', '| --- | --- | --- | --- | --- | --- | --- |');
  for (const m of it.modelPer100kRows) L.push(`| ${m.poolUsers.toLocaleString('en-US')} | ${m.mode} | ${m.requests.toLocaleString('en-US')} | ${m.minutes} | ${m.steps} | ${m.gbSeconds ?? '–'} | ${m.usd ?? '–'} |`);
  L.push('', 'Cost = the worker\'s GB-s while it waits out the paced rate (at the worker\'s default memory) + Lambda requests + the loop\'s state transitions; Cognito API calls are not billed.');
  L.push('');
  return L.join('\n');
}

module.exports = { benchExistingUsers, markdown };

if (require.main === module) {
  benchExistingUsers((s) => process.stderr.write(`${s}\n`), process.env.BENCH_QUICK === '1')
    .then((r) => { process.stdout.write(JSON.stringify(r, null, 2) + '\n'); process.stdout.write(markdown([r]) + '\n'); process.exit(0); })
    .catch((e) => { console.error(e); process.exit(1); });
}
