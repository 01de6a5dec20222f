#!/usr/bin/env node
'use strict';
// The AWS SDK warns about Node 20 on every start; the local cloud is supported on Node >= 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
let cli;
try {
  cli = require('../local-cloud/cli.js');
} catch (e) {
  process.stderr.write('cognito-user-import: the package is not built (local-cloud/cli.js is missing); run `npm run build`.\n');
  process.exit(1);
}
cli.main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e) => { process.stderr.write(`cognito-user-import: ${e && e.message}\n`); process.exitCode = 1; },
);
