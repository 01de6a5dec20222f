'use strict';
// Item 7: state transitions and Lambda GB-seconds of a 500,000-user import whose Cognito job runs
// 1 hour. The import workflow's REAL definition (from the synthesized template) is executed in
// aws-local-stepfunctions with every worker call answered locally: Start/Describe return what the
// engine's real schedule (lambda/job/job-control.js: pollWaitSeconds/toDescribeOutput) returns for
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

/** Every Task state of a definition (Map iterators included), with the worker action it calls. */
function taskStates(states, out = []) {
  for (const [name, s] of Object.entries(states)) {
    if (s.Type === 'Task') out.push({ name, action: s.Parameters?.action });
    for (const inner of [s.Iterator, s.ItemProcessor]) if (inner) taskStates(inner.States, out);
    for (const b of s.Branches ?? []) taskStates(b.States, out);
  }
  return out;
}

/**
 * @param templatePath synthesized template of the example app
 * @param users rows of the file (all new users)
 * @param poolUsers users already in the pool: sizes the existing-user lookup the real planner picks
 * @param durations seconds per worker action (validate, createAndUpload measured; the rest assumed)
 */
async function costModel(templatePath, { users = 500000, poolUsers = 0, jobSeconds = 3600, durations }) {
  const { StateMachine } = require('aws-local-stepfunctions');
  const { pollWaitSeconds, toDescribeOutput } = require(path.join(__dirname, '..', 'lambda', 'job', 'job-control.js'));
  const { planLookup } = require(path.join(__dirname, '..', 'lambda', 'users', 'existing-users.js'));
  const defaults = require(path.join(__dirname, '..', 'lambda', 'shared', 'defaults.js'));
  const limits = require(path.join(__dirname, '..', 'lambda', 'shared', 'limits.js'));
  const { def, memoryMb: fn } = importWorkflowDefinition(templatePath);
  const maxPoll = fn.maxPoll;
  const parts = Math.ceil(users / limits.DEFAULT_MAX_ROWS_PER_PART);
  // The lookup as the real planner sizes it at the default paced rates, in steps of the default budget.
  const plan = planLookup(users, poolUsers, defaults.DEFAULT_USER_READ_RPS, defaults.DEFAULT_USER_LIST_RPS);
  const lookupSeconds = plan.mode === 'get' ? plan.getSeconds : plan.scanSeconds;
  const lookupSteps = Math.max(1, Math.ceil(lookupSeconds / defaults.DEFAULT_STEP_BUDGET_SECONDS));
  const invocations = {};
  let simulated = 0; // seconds since Start of the current job
  const schedule = [];
  const count = (a) => { invocations[a] = (invocations[a] || 0) + 1; };
  const job = (status, polls) => toDescribeOutput(
    { JobId: 'import-bench', JobName: 'bench', Status: status, ImportedUsers: status === 'Succeeded' ? users / parts : 0 },
    { jobId: 'import-bench', jobName: 'bench' }, polls, maxPoll);
  const partList = Array.from({ length: parts }, (_, i) => ({ partNumber: i + 1, partCount: parts, key: `work/x/part-${i + 1}.csv`, rows: users / parts, bytes: 1, lineMapKey: 'k', jobName: 'bench' }));
  const validation = { outcome: 'Valid', workPrefix: 'work/x/', validationKey: 'work/x/validation.json', rows: users, rejectedRows: 0, parts: partList };
  // The workflow catches every Task error (and ends in ImportFailed): keep the first one to rethrow.
  let firstError;
  const fail = (message) => { firstError ??= new Error(message); return firstError; };
  const queueBase = { ticket: 'T#000000000000001', seq: 1, enqueuedAt: 0 };
  // One answer per worker action, shaped as the real step answers (lambda/shared/steps.ts, queue-steps.ts) for a
  // file that is first in line, all users new, one job that runs `jobSeconds`.
  const actions = {
    validate: () => validation,
    findExisting: (input) => {
      const step = (input.lookup.invocations ?? 0) + 1;
      return { done: step >= lookupSteps, mode: plan.mode, poolSizeEstimate: poolUsers, invocations: step, requests: Math.round(plan.mode === 'get' ? plan.getRequests : plan.scanRequests) * step / lookupSteps, found: 0, chunks: [] };
    },
    applyExisting: (input) => input.validation,
    enqueue: () => ({ ...queueBase, outcome: 'Waiting', position: 0, waitSeconds: 0 }),
    checkTurn: () => ({ ...queueBase, outcome: 'Acquired', waitSeconds: 0, parts: partList, combined: false }),
    createAndUpload: () => ({ jobId: 'import-bench', jobName: 'bench' }),
    startInQueue: () => { simulated = 0; schedule.length = 0; return job('Pending', 0); },
    describeInQueue: (input) => {
      simulated += input.job.waitSeconds;
      schedule.push(input.job.waitSeconds);
      return job(simulated >= jobSeconds ? 'Succeeded' : 'InProgress', input.job.polls + 1);
    },
    harvest: (input) => ({ partNumber: input.part.partNumber, job: input.job, resultsKey: 'r' }),
    release: () => ({}),
    report: (input) => {
      // The Catch path lands here with $.error: the model must not count a failed run.
      if (input.state?.error) throw fail(`the modelled workflow took its error path: ${JSON.stringify(input.state.error).slice(0, 300)}`);
      return { status: 'Succeeded', reportUri: 's3://b/r.json', reportKey: 'r.json', jobIds: ['import-bench'], totals: { rows: users, imported: users, skipped: 0, failed: 0, rejected: 0 }, firstReasons: [] };
    },
    notify: () => ({}),
  };
  const handlers = {};
  for (const t of taskStates(def.States)) {
    handlers[t.name] = (input) => {
      const answer = actions[input.action];
      // A new workflow step without an answer here must fail the model, never be skipped silently.
      if (!answer) throw fail(`bench/cost.js has no modelled answer for the worker action '${input.action}' (state ${t.name})`);
      count(input.action);
      return answer(input);
    };
  }
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
  try {
    await execution.result;
  } catch (err) {
    throw firstError ?? err;
  } finally {
    await drain.catch(() => undefined);
  }

  // Lambda: worker (memory from the template) for every Task; the trigger (256 MB) once per file.
  const gb = fn.memoryMb / 1024;
  let gbSeconds = 0;
  const perAction = {};
  for (const [action, n] of Object.entries(invocations)) {
    const s = action === 'findExisting' ? (durations.findExistingRead ?? 0) + lookupSeconds / lookupSteps : durations[action] ?? durations.default;
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
    users, poolUsers, parts, jobSeconds, lookup: { mode: plan.mode, requests: plan.mode === 'get' ? plan.getRequests : plan.scanRequests, pacedSeconds: lookupSeconds, steps: lookupSteps }, maxPollIntervalSeconds: maxPoll, worker: fn,
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
  const { pollWaitSeconds } = require(path.join(__dirname, '..', 'lambda', 'job', 'job-control.js'));
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

module.exports = { costModel, detectionModel, resolveDefinition, taskStates, PRICES };

if (require.main === module) {
  costModel(process.argv[2], { durations: { validate: 10, createAndUpload: 2, default: 0.2 } })
    .then((r) => console.log(JSON.stringify(r, null, 2)))
    .catch((e) => { console.error(e); process.exit(1); });
}
