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

/**
 * A command is over when main() resolves (even `local-cloud`, which resolves once stopped). Exit
 * then, once stdout and stderr are flushed, rather than when the event loop drains: a handle left
 * behind by a dependency (seen: a worker thread's message port and a timer after `rehearse`, on a
 * loaded machine) must not keep a pipeline waiting on a command that has finished.
 */
function finish(code) {
  process.exitCode = code;
  let open = 2;
  const flushed = () => { open -= 1; if (open === 0) process.exit(code); };
  process.stdout.write('', flushed);
  process.stderr.write('', flushed);
}

cli.main(process.argv.slice(2)).then(
  (code) => finish(code),
  (e) => { process.stderr.write(`cognito-user-import: ${e && e.message}\n`); finish(1); },
);
