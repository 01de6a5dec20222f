'use strict';
// This process's own peak RSS in MB (VmHWM). Not process.resourceUsage().maxRSS: on Linux
// getrusage carries the parent's high-water mark across fork+exec.
const fs = require('node:fs');

function vmHwmMB() {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch { return undefined; }
}

module.exports = { vmHwmMB };
