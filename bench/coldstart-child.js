'use strict';
// Child process: time the module load (require) of one handler bundle in a fresh Node process.
//   node bench/coldstart-child.js BUNDLE with-sdk|bundle-only
// with-sdk: the timing includes loading the @aws-sdk/@smithy packages the bundle requires (they are
// external: the Lambda runtime provides them, but a cold start still has to load them).
// bundle-only: those packages are required first, untimed; only the bundle's own code is timed.
const fs = require('node:fs');
const path = require('node:path');
const { vmHwmMB } = require('./vmhwm');

const [bundle, mode] = process.argv.slice(2);
const file = path.resolve(bundle);
const text = fs.readFileSync(file, 'utf8');
const externals = [...new Set([...text.matchAll(/require\("(@aws-sdk\/[^"]+|@smithy\/[^"]+)"\)/g)].map((m) => m[1]))];
if (mode === 'bundle-only') {
  const { createRequire } = require('node:module');
  const req = createRequire(file);
  for (const m of externals) req(m);
}
const t0 = process.hrtime.bigint();
const mod = require(file);
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
if (typeof mod.handler !== 'function' && !Object.values(mod).some((v) => typeof v === 'function')) {
  throw new Error(`${bundle} exports no handler`);
}
process.stdout.write(JSON.stringify({ seconds, externals, vmHwmMB: vmHwmMB() }) + '\n');
