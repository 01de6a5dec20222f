'use strict';
// Child process running the REAL engine modules (compiled lambda/**/*.js) with real AWS SDK v3
// clients against the local cloud. One measurement per process so peak RSS is its own.
//   upload:           node bench/engine-child.js upload   '{"bucket","key","urls":[...],"file"?}'
//     the engine's part upload exactly as createAndUpload does it: S3ObjectStore.open (GetObject)
//     piped by nodePresignedPut to the pre-signed URL; one timing per URL (the first is a warm-up).
//   validate+upload:  node bench/engine-child.js pipeline '{"bucket","key"}'
//     the validate step (live pool rules, streaming parse/check/normalize, parts written to S3 by
//     multipart upload) then the createAndUpload step for every part (CreateUserImportJob + PUT).
// Environment: AWS_ENDPOINT_URL / AWS_REGION / credentials of the local cloud.
const fs = require('node:fs');
const path = require('node:path');

const engine = (m) => require(path.join(__dirname, '..', 'lambda', `${m}.js`));
const [mode, argJson] = process.argv.slice(2);
const args = JSON.parse(argJson || '{}');
const sec = (t0) => Number(process.hrtime.bigint() - t0) / 1e9;

const { vmHwmMB } = require('./vmhwm');

function s3Store() {
  const { S3Client } = require('@aws-sdk/client-s3');
  const { S3ObjectStore } = engine('runtime/object-store');
  // As the worker builds it (lambda/handlers/worker.ts): path-style because AWS_ENDPOINT_URL is set.
  return new S3ObjectStore(new S3Client({ forcePathStyle: true }));
}

const quietLog = { info() {}, warn() {}, error() {}, debug() {} };

async function upload() {
  const { nodePresignedPut } = engine('runtime/presigned-put');
  const put = nodePresignedPut();
  const store = args.file ? null : s3Store();
  const runs = [];
  for (const url of args.urls) {
    const t0 = process.hrtime.bigint();
    const cpu0 = process.cpuUsage();
    let object;
    if (store) object = await store.open(args.bucket, args.key);
    // From a local file, as curl -T reads it: the same kind of source on both sides (1 MiB reads: the
    // PUT code gathers ~1 MiB writes anyway).
    else object = { body: fs.createReadStream(args.file, { highWaterMark: 1024 * 1024 }), length: fs.statSync(args.file).size };
    const result = await put(url, object.body, object.length);
    const seconds = sec(t0);
    if (result.status < 200 || result.status >= 300) throw new Error(`PUT answered ${result.status}: ${result.body.slice(0, 200)}`);
    const cpu = process.cpuUsage(cpu0);
    runs.push({ seconds, bytes: object.length, cpuSeconds: (cpu.user + cpu.system) / 1e6 });
  }
  return { runs };
}

async function pipeline() {
  const { CognitoIdentityProviderClient } = require('@aws-sdk/client-cognito-identity-provider');
  const { workerConfigFromEnv } = require(path.join(__dirname, '..', 'lambda', 'runtime', 'worker-config.js'));
  const { validate } = engine('validate/validate');
  const { createAndUpload } = engine('job/create-and-upload');
  const { nodePresignedPut } = engine('runtime/presigned-put');
  const config = workerConfigFromEnv(process.env);
  const deps = {
    store: s3Store(),
    cognito: new CognitoIdentityProviderClient({}),
    put: nodePresignedPut(),
    now: () => new Date(),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    log: quietLog,
  };
  const rssBefore = process.memoryUsage().rss / 1048576;
  const t0 = process.hrtime.bigint();
  const v = await validate(deps, config, { action: 'validate', source: { bucket: args.bucket, key: args.key }, executionName: `bench-${Date.now()}` });
  const validateSeconds = sec(t0);
  const rssAfterValidate = vmHwmMB();
  const heapAfterValidate = process.memoryUsage();
  const t1 = process.hrtime.bigint();
  const jobs = [];
  for (const part of v.parts) jobs.push(await createAndUpload(deps, config, { action: 'createAndUpload', part }));
  const uploadSeconds = sec(t1);
  return {
    outcome: v.outcome, rows: v.rows, rejectedRows: v.rejectedRows,
    parts: v.parts.map((p) => ({ rows: p.rows, bytes: p.bytes })), jobs: jobs.map((j) => j.jobId),
    validateSeconds, uploadSeconds, rssAtStartMB: rssBefore, peakRssAfterValidateMB: rssAfterValidate,
    afterValidate: { heapUsedMB: heapAfterValidate.heapUsed / 1048576, heapTotalMB: heapAfterValidate.heapTotal / 1048576, externalMB: heapAfterValidate.external / 1048576, arrayBuffersMB: heapAfterValidate.arrayBuffers / 1048576 },
  };
}

(async () => {
  const t0 = process.hrtime.bigint();
  const out = mode === 'upload' ? await upload() : await pipeline();
  out.totalSeconds = sec(t0);
  // VmHWM is this process's own peak. getrusage's maxRSS is NOT: Linux carries the parent's
  // high-water mark across fork+exec, so a child of a big parent reports the parent's peak.
  out.vmHwmMB = vmHwmMB();
  out.ruMaxRssMB = process.resourceUsage().maxRSS / 1024;
  out.maxRssMB = out.vmHwmMB ?? out.ruMaxRssMB;
  process.stdout.write(JSON.stringify(out) + '\n');
})().catch((err) => { console.error(err && err.stack || err); process.exit(1); });
