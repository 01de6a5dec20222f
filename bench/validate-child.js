'use strict';
// Child process: times one pass of either the engine's full pool-aware validation (the compiled
// lambda/validate/validate.js: parse, normalize, every row rule, duplicate check, part writing) or a
// bare streaming pass of a peer CSV parser (csv-parse, papaparse, udsv) over the same file, or a raw
// line scan (the physical limit). Prints one JSON line.
//   node bench/validate-child.js engine|csvparse|papaparse|udsv|linescan FILE REPS
// Every pass reads the same 64 KiB chunks; a peer pass only counts the records it parsed.
// The engine runs with the worker's NODE_OPTIONS (set by the parent), as in Lambda.
const fs = require('node:fs');
const path = require('node:path');

const [mode, file, repsArg] = process.argv.slice(2);
const reps = Number(repsArg || 1);
const bytes = fs.statSync(file).size;

/** ObjectStore over the local file system: open() streams the file; writers count and discard. */
function fileStore(sink) {
  return {
    async open() {
      return { body: fs.createReadStream(file, { highWaterMark: 64 * 1024 }), length: bytes };
    },
    async getText() { return undefined; },
    async putText(_b, key, text) { sink.bytes += Buffer.byteLength(text); },
    writer() {
      let total = 0;
      return {
        async write(chunk) { total += chunk.length; sink.bytes += chunk.length; },
        async end() { return total; },
        async abort() {},
      };
    },
  };
}

// Each side's modules are loaded before the timed passes (loading is a cold start, item 4's
// subject, not validation: the engine's loads the AWS SDK's Cognito client, ~0.2 s here).
const load = {
  engine: () => [require(path.join(__dirname, '..', 'lambda', 'validate', 'validate.js')), require('./pool')],
  csvparse: () => require('csv-parse'),
  papaparse: () => require('papaparse'),
  udsv: () => require('udsv'),
  linescan: () => undefined,
};

async function engineOnce() {
  const [{ validate }, { stubCognito }] = load.engine();
  const sink = { bytes: 0 };
  const deps = {
    store: fileStore(sink),
    cognito: stubCognito(),
    log: { info() {}, warn() {}, error() {}, debug() {} },
    now: () => new Date(),
    sleep: async () => {},
  };
  const config = {
    userPoolId: 'us-east-1_Bench0001', bucket: 'bench', logsRoleArn: 'arn:aws:iam::000000000000:role/bench',
    invalidRows: 'SKIP', reportPrefix: 'reports/', workPrefix: 'work/',
    maxRowsPerPart: 500000, maxBytesPerPart: 100 * 1024 * 1024, maxPollIntervalSeconds: 300,
    eventBusName: 'default', importerId: 'bench',
  };
  const out = await validate(deps, config, { action: 'validate', source: { bucket: 'bench', key: 'incoming/bench.csv' }, executionName: 'bench-exec' });
  return { rows: out.rows, rejectedRows: out.rejectedRows, parts: out.parts.length, outcome: out.outcome, written: sink.bytes };
}

/** The physical limit here: read the same stream and find every line end, nothing else. */
async function lineScanOnce() {
  let lines = 0;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 64 * 1024 })) {
    for (let i = chunk.indexOf(0x0a); i >= 0; i = chunk.indexOf(0x0a, i + 1)) lines += 1;
  }
  return { rows: lines - 1 };
}

async function csvParseOnce() {
  const { parse } = require('csv-parse');
  let records = 0;
  const parser = fs.createReadStream(file, { highWaterMark: 64 * 1024 }).pipe(parse());
  for await (const _record of parser) records += 1;
  return { rows: records - 1 };
}

/**
 * papaparse's fastest documented Node streaming use: the file's read stream as input, a `step`
 * callback per row (rows are only counted). (Its NODE_STREAM_INPUT duplex is ~10× slower here: one
 * object-mode stream push per row; the faster peer is measured.)
 */
function papaparseOnce() {
  const Papa = require('papaparse');
  return new Promise((resolve, reject) => {
    let records = 0;
    Papa.parse(fs.createReadStream(file, { highWaterMark: 64 * 1024 }), {
      step: () => { records += 1; },
      complete: () => resolve({ rows: records - 1 }),
      error: reject,
    });
  });
}

/**
 * udsv's documented streaming use: a parser set up from the first chunk's schema, then fed each chunk
 * (as text); each row comes to a callback as an array of strings and is only counted (nothing accumulates).
 */
async function udsvOnce() {
  const { inferSchema, initParser } = require('udsv');
  let records = 0;
  let parser;
  const onRow = () => { records += 1; };
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 64 * 1024, encoding: 'utf8' })) {
    parser ??= initParser(inferSchema(chunk));
    parser.chunk(chunk, parser.stringArrs, onRow);
  }
  parser.end();
  return { rows: records };
}

const { vmHwmMB } = require('./vmhwm');

(async () => {
  load[mode]?.();
  const modes = { engine: engineOnce, linescan: lineScanOnce, csvparse: csvParseOnce, papaparse: papaparseOnce, udsv: udsvOnce };
  const once = modes[mode];
  if (!once) throw new Error(`unknown mode ${mode}`);
  const times = [];
  let last;
  for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint();
    last = await once();
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  process.stdout.write(JSON.stringify({ mode, bytes, times, ...last, maxRssMB: vmHwmMB() ?? process.resourceUsage().maxRSS / 1024 }) + '\n');
})().catch((err) => { console.error(err); process.exit(1); });
