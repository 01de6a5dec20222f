'use strict';
// Child processes and small numeric helpers of the bench (bench/run.js): run a command and
// collect its output and timing, run a bench child script that prints one JSON line.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const round = (x, d = 3) => (typeof x === 'number' && Number.isFinite(x) ? Number(x.toFixed(d)) : x);

const childEnv = (extra = {}) => ({
  ...process.env,
  NODE_NO_WARNINGS: '1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  CDK_DISABLE_CLI_TELEMETRY: 'true',
  ...extra,
});

/** Runs a command; resolves { code, stdout, stderr, seconds, lines: [{t, line}] of stderr }. */
function run(cmd, args, { env = childEnv(), timeoutMs = 300_000, cwd = ROOT, onStderrLine } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const p = spawn(cmd, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let partial = '';
    const lines = [];
    p.stdout.on('data', (d) => { stdout += d; });
    p.stderr.on('data', (d) => {
      stderr += d;
      partial += d;
      let nl;
      while ((nl = partial.indexOf('\n')) >= 0) {
        const line = partial.slice(0, nl);
        partial = partial.slice(nl + 1);
        const entry = { t: Number(process.hrtime.bigint() - t0) / 1e9, line };
        lines.push(entry);
        if (onStderrLine) onStderrLine(entry);
      }
    });
    const timer = setTimeout(() => { p.kill('SIGKILL'); }, timeoutMs);
    p.on('error', (e) => { clearTimeout(timer); reject(e); });
    p.on('close', (code, signal) => {
      clearTimeout(timer);
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      resolve({ code, signal, stdout, stderr, seconds, lines, timedOut: signal === 'SIGKILL' });
    });
  });
}

/** Runs a node script that prints one JSON line; returns it parsed (throws with stderr on failure). */
async function nodeJson(script, args, opts = {}) {
  const r = await run(process.execPath, [path.join(__dirname, script), ...args], opts);
  if (r.code !== 0) throw new Error(`${script} ${args[0] ?? ''} failed (${r.timedOut ? 'timed out' : `exit ${r.code}`}): ${r.stderr.trim().split('\n').slice(-5).join(' | ')}`);
  const line = r.stdout.trim().split('\n').pop();
  return JSON.parse(line);
}

async function putFile(cloud, key, file) {
  const { PutObjectCommand } = require('@aws-sdk/client-s3');
  await cloud.s3.send(new PutObjectCommand({
    Bucket: cloud.bucket, Key: key, Body: fs.createReadStream(file), ContentLength: fs.statSync(file).size,
  }));
}

module.exports = { childEnv, median, nodeJson, putFile, round, run };
