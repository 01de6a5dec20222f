'use strict';
// Item 7: state transitions and Lambda GB-seconds of a 500,000-user import whose Cognito job runs
// 1 hour. The import workflow's REAL definition (from the synthesized template) is executed in
// aws-local-stepfunctions with every worker call answered locally: Start/Describe return what the
// engine's real schedule (lambda/core/job-control.js: pollWaitSeconds/toDescribeOutput) returns for
// a job that is InProgress until simulated second 3600. Every state entered is counted.
const fs = require('node:fs');
const path = require('node:path');

require('../packages/cli/local-cloud/promise-with-resolvers');

// Public list prices, us-east-1 (list prices as of 2026-11; check the pricing pages).
const PRICES = {
  region: 'us-east-1',
  asOf: '2026-11',
  stepFunctionsStandardPerTransition: 0.025 / 1000,
  lambdaArmPerGbSecond: 0.0000133334,
  lambdaPerRequest: 0.20 / 1e6,
  note: 'list prices as of 2026-11; check https://aws.amazon.com/step-functions/pricing/ and https://aws.amazon.com/lambda/pricing/ (free tiers ignored)',
};

/** Turns the template's DefinitionString (Fn::Join with tokens) into the definition object. */
function resolveDefinition(def) {
  const resolve = (v) => {
    if (typeof v === 'string') return v;
    if (v && v['Fn::Join']) return v['Fn::Join'][1].map(resolve).join(v['Fn::Join'][0]);
    if (v && v['Fn::GetAtt']) return `arn:aws:lambda:us-east-1:000000000000:function:${v['Fn::GetAtt'][0]}`;
    if (v && v.Ref) return v.Ref === 'AWS::Partition' ? 'aws' : v.Ref === 'AWS::Region' ? 'us-east-1' : v.Ref === 'AWS::AccountId' ? '000000000000' : `ref-${v.Ref}`;
    throw new Error(`cannot resolve ${JSON.stringify(v).slice(0, 80)}`);
  };
  return JSON.parse(resolve(def));
}

function importWorkflowDefinition(templatePath) {
  const t = JSON.parse(fs.readFileSync(templatePath, 'utf8'));
  for (const r of Object.values(t.Resources)) {
    if (r.Type !== 'AWS::StepFunctions::StateMachine') continue;
    const def = resolveDefinition(r.Properties.DefinitionString);
    if (JSON.stringify(def).includes('"IsJobDone"')) return { def, memoryMb: workerMemory(t) };
  }
  throw new Error('no import workflow (IsJobDone) in the template');
}

function workerMemory(t) {
  for (const r of Object.values(t.Resources)) {
    if (r.Type === 'AWS::Lambda::Function' && r.Properties.Environment?.Variables?.MAX_POLL_INTERVAL_SECONDS) {
      return { memoryMb: r.Properties.MemorySize, architectures: r.Properties.Architectures, maxPoll: Number(r.Properties.Environment.Variables.MAX_POLL_INTERVAL_SECONDS) };
    }
  }
  return { memoryMb: 1024, architectures: ['arm64'], maxPoll: 300 };
}

/**
 * @param templatePath synthesized template of the example app
 * @param durations seconds per worker action (validate, createAndUpload measured; the rest assumed)
 */
async function costModel(templatePath, { users = 500000, jobSeconds = 3600, durations }) {
  const { StateMachine } = require('aws-local-stepfunctions');
  const { pollWaitSeconds, toDescribeOutput } = require(path.join(__dirname, '..', 'lambda', 'core', 'job-control.js'));
  const { DEFAULT_MAX_ROWS_PER_PART } = require(path.join(__dirname, '..', 'lambda', 'shared', 'contract.js'));
  const { def, memoryMb: fn } = importWorkflowDefinition(templatePath);
  const maxPoll = fn.maxPoll;
  const parts = Math.ceil(users / DEFAULT_MAX_ROWS_PER_PART);
  const invocations = {};
  let simulated = 0; // seconds since Start of the current job
  const schedule = [];
  const count = (a) => { invocations[a] = (invocations[a] || 0) + 1; };
  const job = (status, polls) => toDescribeOutput(
    { JobId: 'import-bench', JobName: 'bench', Status: status, ImportedUsers: status === 'Succeeded' ? users / parts : 0 },
    { jobId: 'import-bench', jobName: 'bench' }, polls, maxPoll);
  const handlers = {
    Validate: () => { count('validate'); return { outcome: 'Valid', workPrefix: 'work/x/', validationKey: 'work/x/validation.json', rows: users, rejectedRows: 0,
      parts: Array.from({ length: parts }, (_, i) => ({ partNumber: i + 1, partCount: parts, key: `work/x/part-${i + 1}.csv`, rows: users / parts, bytes: 1, lineMapKey: 'k', jobName: 'bench' })) }; },
    CreateAndUpload: () => { count('createAndUpload'); return { jobId: 'import-bench', jobName: 'bench' }; },
    Start: () => { count('start'); simulated = 0; schedule.length = 0; return job('Pending', 0); },
    Describe: (input) => {
      count('describe');
      simulated += input.job.waitSeconds;
      schedule.push(input.job.waitSeconds);
      return job(simulated >= jobSeconds ? 'Succeeded' : 'InProgress', input.job.polls + 1);
    },
    Harvest: (input) => { count('harvest'); return { ...input, partNumber: input.part.partNumber, job: input.job, resultsKey: 'r' }; },
    Report: () => { count('report'); return { status: 'Succeeded', reportUri: 's3://b/r.json', reportKey: 'r.json', jobIds: ['import-bench'], totals: { rows: users, imported: users, skipped: 0, failed: 0, rejected: 0 }, firstReasons: [] }; },
    Notify: () => { count('notify'); return {}; },
  };
  const sm = new StateMachine(def, { validationOptions: { checkArn: false, checkPaths: false } });
  const execution = sm.run({ source: { bucket: 'b', key: 'incoming/users.csv' }, requestedBy: 's3' }, {
    overrides: { taskResourceLocalHandlers: handlers, waitTimeOverrides: { WaitForJob: 0 } },
    context: { Execution: { Id: 'arn:aws:states:us-east-1:000000000000:execution:bench:bench', Name: 'bench', StartTime: new Date().toISOString(), Input: {}, RoleArn: 'arn:aws:iam::000000000000:role/bench' } },
  });
  const entered = {};
  let transitions = 0;
  const drain = (async () => {
    for await (const ev of execution.eventLogs) {
      if (ev.type === 'StateEntered') { transitions += 1; entered[ev.state.name] = (entered[ev.state.name] || 0) + 1; }
    }
  })();
  await execution.result;
  await drain;

  // Lambda: worker (memory from the template) for every Task; the trigger (256 MB) once per file.
  const gb = fn.memoryMb / 1024;
  let gbSeconds = 0;
  const perAction = {};
  for (const [action, n] of Object.entries(invocations)) {
    const s = durations[action] ?? durations.default;
    perAction[action] = { invocations: n, secondsEach: s, gbSeconds: n * s * gb };
    gbSeconds += n * s * gb;
  }
  const triggerGbSeconds = 0.25 * (durations.trigger ?? 0.2);
  gbSeconds += triggerGbSeconds;
  const requests = Object.values(invocations).reduce((a, b) => a + b, 0) + 1;
  const cost = {
    stepFunctions: transitions * PRICES.stepFunctionsStandardPerTransition,
    lambdaCompute: gbSeconds * PRICES.lambdaArmPerGbSecond,
    lambdaRequests: requests * PRICES.lambdaPerRequest,
  };
  cost.total = cost.stepFunctions + cost.lambdaCompute + cost.lambdaRequests;
  return {
    users, parts, jobSeconds, maxPollIntervalSeconds: maxPoll, worker: fn,
    pollSchedule: { firstWaits: schedule.slice(0, 8), polls: schedule.length, waitedSeconds: schedule.reduce((a, b) => a + b, 0), formula: 'min(MAX_POLL_INTERVAL_SECONDS, 5 * 2^polls)' },
    stateTransitions: transitions, statesEntered: entered, transitionsPerPoll: ['WaitForJob', 'Describe', 'IsJobDone'].length,
    lambda: { requests, gbSeconds, perAction, triggerGbSeconds },
    prices: PRICES, costUsd: cost,
    check: { firstPollWaits: [0, 1, 2, 3, 4, 5, 6].map((p) => pollWaitSeconds(p, maxPoll)) },
  };
}

/**
 * How long a finished job can wait to be noticed under the engine's real poll schedule: for a job
 * finishing at every whole second up to `jobSeconds` after Start, the time until the first describe
 * at or after it (describes happen at the cumulative sums of pollWaitSeconds). Worst and mean.
 */
function detectionModel(maxPoll, jobSeconds = 3600) {
  const { pollWaitSeconds } = require(path.join(__dirname, '..', 'lambda', 'core', 'job-control.js'));
  const describes = [];
  let t = 0;
  for (let polls = 0; t < jobSeconds + 10 * maxPoll; polls++) { t += pollWaitSeconds(polls, maxPoll); describes.push(t); }
  let worst = 0;
  let sum = 0;
  let k = 0;
  for (let finish = 1; finish <= jobSeconds; finish++) {
    while (describes[k] < finish) k += 1;
    const delay = describes[k] - finish;
    worst = Math.max(worst, delay);
    sum += delay;
  }
  // A job that finishes just after a describe is seen at the next one: the longest interval (reached
  // once the schedule has doubled up to its cap), less one second of the integer grid.
  return { worstCaseSeconds: worst + 1, meanSeconds: sum / jobSeconds, describesInFirstHour: describes.filter((d) => d <= 3600).length };
}

module.exports = { costModel, detectionModel, resolveDefinition, PRICES };

if (require.main === module) {
  costModel(process.argv[2], { durations: { validate: 10, createAndUpload: 2, default: 0.2 } })
    .then((r) => console.log(JSON.stringify(r, null, 2)))
    .catch((e) => { console.error(e); process.exit(1); });
}
