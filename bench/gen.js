'use strict';
// Deterministic fake users for the benchmarks: example.com emails, +1555 phones, no real data.
// Columns: what GetCSVHeader returns for a pool with the standard schema (the local cloud's default pool).
const fs = require('node:fs');

const HEADER = [
  'name', 'given_name', 'family_name', 'middle_name', 'nickname', 'preferred_username', 'profile', 'picture',
  'website', 'email', 'email_verified', 'gender', 'birthdate', 'zoneinfo', 'locale', 'phone_number',
  'phone_number_verified', 'address', 'updated_at', 'cognito:mfa_enabled', 'cognito:username',
];
const GIVEN = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Radia', 'Tim'];
const FAMILY = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Thompson', 'Perlman', 'Lee'];
const LOCALES = ['en-US', 'fr-FR', 'de-DE', 'es-ES', 'ja-JP'];

/** Row i (0-based). Every `invalidEvery`-th row (if set) has a phone number that is not E.164. */
function row(i, invalidEvery) {
  const n = String(i + 1).padStart(7, '0');
  const g = GIVEN[i % 10];
  const f = FAMILY[Math.floor(i / 10) % 10];
  const month = String((i % 12) + 1).padStart(2, '0');
  const day = String((i % 28) + 1).padStart(2, '0');
  const year = 1950 + (i % 50);
  const bad = invalidEvery > 0 && (i + 1) % invalidEvery === 0;
  const phone = bad ? `555-${n}` : `+1555${n}`;
  return `${g} ${f},${g},${f},,,,,,,user${n}@example.com,true,,${month}/${day}/${year},,${LOCALES[i % 5]},${phone},false,,${1700000000 + i},false,user${n}\n`;
}

/**
 * Writes a CSV to `path` with `rows` rows, or with as many rows as fit in `maxBytes` bytes.
 * Returns { path, rows, bytes }.
 */
function generate(path, { rows = Infinity, maxBytes = Infinity, invalidEvery = 0 } = {}) {
  const fd = fs.openSync(path, 'w');
  let bytes = 0;
  let n = 0;
  let buf = HEADER.join(',') + '\n';
  const flushAt = 1 << 20;
  let pending = [];
  let pendingLen = 0;
  const push = (s) => {
    pending.push(s);
    pendingLen += s.length;
    if (pendingLen >= flushAt) { fs.writeSync(fd, pending.join('')); pending = []; pendingLen = 0; }
  };
  push(buf);
  bytes += buf.length;
  while (n < rows) {
    const r = row(n, invalidEvery);
    if (bytes + r.length > maxBytes) break;
    push(r);
    bytes += r.length;
    n += 1;
  }
  if (pendingLen) fs.writeSync(fd, pending.join(''));
  fs.closeSync(fd);
  return { path, rows: n, bytes };
}

module.exports = { HEADER, generate, row };

if (require.main === module) {
  const [path, rows] = process.argv.slice(2);
  console.log(JSON.stringify(generate(path, { rows: Number(rows) })));
}
