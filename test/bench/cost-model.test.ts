/**
 * The cost and detection model of `npm run bench` (items 7 and 8) drives the REAL synthesized import
 * workflow with one modelled answer per worker action. A workflow step added without an answer
 * must fail here, not turn the benchmark's cost items into "not measured" unnoticed.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ExampleStack } from '../../example/example-stack';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { costModel, detectionModel, resolveDefinition, taskStates } = require('../../bench/cost');

let templatePath: string;
let tmp: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cost-model-'));
  const app = new App();
  const template = Template.fromStack(new ExampleStack(app, 'CostModel')).toJSON();
  templatePath = path.join(tmp, 'CostModel.template.json');
  fs.writeFileSync(templatePath, JSON.stringify(template));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const durations = { validate: 10, createAndUpload: 2, default: 0.3 };

test('every Task state of the synthesized workflow is entered on the modelled happy path', async () => {
  const r = await costModel(templatePath, { users: 500_000, jobSeconds: 3600, durations });
  const template = JSON.parse(fs.readFileSync(templatePath, 'utf8'));
  const machine = Object.values(template.Resources as Record<string, any>)
    .map((res) => res.Type === 'AWS::StepFunctions::StateMachine' ? resolveDefinition(res.Properties.DefinitionString) : undefined)
    .find((def) => def && JSON.stringify(def).includes('"IsJobDone"'));
  const tasks: Array<{ name: string }> = taskStates(machine.States);
  // The error path's Tasks are not on the happy path, nor PlanFallback (only after a sampled lookup; the
  // model's lookup is the full one); every other Task is.
  const errorPath = new Set(['ReportError', 'NotifyError', 'LeaveQueue', 'Distribute', 'PlanFallback']);
  const happy = tasks.filter((x) => !errorPath.has(x.name)).map((x) => x.name);
  expect(happy.length).toBeGreaterThanOrEqual(12);
  expect(happy.filter((name) => !(r.statesEntered[name] >= 1))).toEqual([]);
  expect(r.statesEntered.ImportFailed).toBeUndefined();
  expect(r.statesEntered.Done).toBe(1);
  // 3 transitions a poll (Wait, Describe, Choice) for an hour at the 60 s cap after 5+10+20+40 s.
  expect(r.statesEntered.Describe).toBe(r.pollSchedule.polls);
  expect(r.pollSchedule.waitedSeconds).toBeGreaterThanOrEqual(3600);
  expect(r.pollSchedule.firstWaits.slice(0, 5)).toEqual([5, 10, 20, 40, 60]);
});

test('at the default schedule a finished job is noticed within 60 s, for under $0.01 an import-hour', async () => {
  const r = await costModel(templatePath, { users: 500_000, jobSeconds: 3600, durations });
  expect(r.maxPollIntervalSeconds).toBe(60);
  expect(detectionModel(r.maxPollIntervalSeconds, 3600).worstCaseSeconds).toBe(60);
  expect(r.costUsd.total).toBeGreaterThan(0);
  expect(r.costUsd.total).toBeLessThan(0.01);
});

test('a lookup against a large pool takes several workflow steps, paid in worker GB-s', async () => {
  const empty = await costModel(templatePath, { users: 100_000, poolUsers: 0, jobSeconds: 600, durations });
  const big = await costModel(templatePath, { users: 100_000, poolUsers: 1_000_000, jobSeconds: 600, durations });
  expect(empty.lookup).toMatchObject({ mode: 'scan', requests: 1, steps: 1 });
  // 1,000,000 users / 60 a page at 10 pages/s = 1,667 s: three 600 s steps.
  expect(big.lookup).toMatchObject({ mode: 'scan', requests: 16_667, steps: 3 });
  expect(big.statesEntered.FindExisting).toBe(3);
  expect(big.lambda.perAction.findExisting.gbSeconds).toBeGreaterThan(1600);
});

test('a worker action without a modelled answer fails the model instead of being skipped', async () => {
  const template = JSON.parse(fs.readFileSync(templatePath, 'utf8'));
  const tampered = JSON.stringify(template).replace(/\\"action\\":\\"harvest\\"/g, '\\"action\\":\\"somethingNew\\"');
  expect(tampered).not.toEqual(JSON.stringify(template));
  const p = path.join(tmp, 'tampered.template.json');
  fs.writeFileSync(p, tampered);
  await expect(costModel(p, { users: 1000, jobSeconds: 60, durations })).rejects.toThrow(/somethingNew/);
});
