'use strict';
// The endpoint the benchmarks talk to: the project's local cloud (S3 via s3rver, the Cognito
// emulator with its pre-signed upload URLs) on one loopback port, without the workflow (the
// benchmarks drive the engine's steps themselves). Falls back to a bare loopback sink that discards
// PUT bodies when the local cloud cannot start; `kind` says which.
const http = require('node:http');
const path = require('node:path');

const LOGS_ROLE_ARN = 'arn:aws:iam::000000000000:role/bench-cognito-logs';
const CREDS = { AWS_ACCESS_KEY_ID: 'LOCALCLOUD', AWS_SECRET_ACCESS_KEY: 'LOCALCLOUD', AWS_REGION: 'us-east-1' };


async function startLocal() {
  const { startLocalCloud } = require(path.join(__dirname, '..', 'packages', 'cli', 'local-cloud', 'index.js'));
  const cloud = await startLocalCloud({ port: 0, workflow: false, bucketName: 'bench-bucket' });
  const { CognitoIdentityProviderClient, CreateUserImportJobCommand } = require('@aws-sdk/client-cognito-identity-provider');
  const cognito = new CognitoIdentityProviderClient({
    endpoint: cloud.endpoint, region: cloud.region,
    credentials: { accessKeyId: 'LOCALCLOUD', secretAccessKey: 'LOCALCLOUD' },
  });
  let n = 0;
  return {
    kind: 'local-cloud',
    endpoint: cloud.endpoint,
    region: cloud.region,
    poolId: cloud.poolId,
    bucket: cloud.bucket,
    s3: cloud.s3,
    env: { ...CREDS, AWS_REGION: cloud.region, AWS_ENDPOINT_URL: cloud.endpoint },
    /** A fresh import job's pre-signed URL (each upload gets its own job, as in production). */
    async presignedUrl() {
      n += 1;
      const out = await cognito.send(new CreateUserImportJobCommand({
        UserPoolId: cloud.poolId, JobName: `bench-upload-${n}`, CloudWatchLogsRoleArn: LOGS_ROLE_ARN,
      }));
      return out.UserImportJob.PreSignedUrl;
    },
    /**
     * Drops the upload bodies the emulator keeps on its jobs (it holds each one in memory for the
     * job to import): after dozens of 100 MB uploads the emulator's own GC would be measured.
     */
    release() {
      try { for (const j of cloud.cognito.allJobs()) if (j.upload) j.upload = undefined; } catch { /* internals changed: keep going */ }
    },
    async stop() { cognito.destroy(); await cloud.stop(); },
  };
}

/** A loopback sink: every PUT body is read and discarded, 200 answered. */
async function startSink() {
  const server = http.createServer((req, res) => {
    let bytes = 0;
    req.on('data', (c) => { bytes += c.length; });
    req.on('end', () => { res.writeHead(200, { 'Content-Length': 0, 'x-bench-bytes': String(bytes) }); res.end(); });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const endpoint = `http://127.0.0.1:${server.address().port}`;
  let n = 0;
  return {
    kind: 'loopback-sink',
    endpoint,
    async presignedUrl() { n += 1; return `${endpoint}/sink/${n}?X-Amz-Signature=bench`; },
    release() {},
    async stop() { await new Promise((r) => { server.close(() => r()); server.closeAllConnections(); }); },
  };
}

async function startCloud(log = () => {}) {
  try {
    return await startLocal();
  } catch (err) {
    log(`local cloud unavailable (${String(err && err.message || err).split('\n')[0]}); using a loopback sink`);
    return startSink();
  }
}

module.exports = { startCloud, startSink, LOGS_ROLE_ARN };
