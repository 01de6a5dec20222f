'use strict';
// The upload benchmark's S3 source, parent side: starts bench/s3-source.js (a plain s3rver in its own
// process, as in AWS where the bucket and the pre-signed URL's endpoint are different hosts) and puts the file in it.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { childEnv } = require('./proc');

/** Starts bench/s3-source.js (a plain s3rver in its own process) and puts `file` in it. */
async function startS3Source(tmp, file, key) {
  const dir = fs.mkdtempSync(path.join(tmp, 's3src-'));
  const bucket = 'bench-source';
  const child = spawn(process.execPath, [path.join(__dirname, 's3-source.js'), dir, bucket], { env: childEnv(), stdio: ['ignore', 'pipe', 'inherit'] });
  const endpoint = await new Promise((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (d) => { buf += d; if (buf.includes('\n')) resolve(JSON.parse(buf.split('\n')[0]).endpoint); });
    child.on('exit', (code) => reject(new Error(`s3-source exited ${code}`)));
    setTimeout(() => reject(new Error('s3-source did not start')), 20_000);
  });
  const { S3Client, PutObjectCommand } = require('@aws-sdk/client-s3');
  const s3 = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }, requestChecksumCalculation: 'WHEN_REQUIRED' });
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: fs.createReadStream(file), ContentLength: fs.statSync(file).size }));
  s3.destroy();
  return {
    bucket, endpoint,
    env: { AWS_ENDPOINT_URL: endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' },
    stop() { child.kill('SIGTERM'); },
  };
}

module.exports = { startS3Source };
