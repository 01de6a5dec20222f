/**
 * The local Step Functions service on its own: Wait states end without leaving anything behind.
 */
import { spawnSync } from 'child_process';
import { StepFunctionsService } from '../../packages/cli/local-cloud/services/stepfunctions';

test('a run of many Wait states leaves no abort listener behind', async () => {
  const added = jest.spyOn(AbortSignal.prototype, 'addEventListener');
  const removed = jest.spyOn(AbortSignal.prototype, 'removeEventListener');
  try {
    const svc = new StepFunctionsService({
      region: 'us-east-1', accountId: '000000000000', timeScale: 0.001,
      invokeLambda: async () => ({}), putEvents: () => ({}),
    });
    // Fifteen Waits one after another: each used to leave its listener on the service's abort signal
    // (Node warned of a possible leak past ten; a long queue run holds thousands).
    const states: Record<string, unknown> = {};
    for (let i = 0; i < 15; i++) states[`W${i}`] = { Type: 'Wait', Seconds: 1, ...(i < 14 ? { Next: `W${i + 1}` } : { End: true }) };
    const arn = svc.addStateMachine('waits', { StartAt: 'W0', States: states });
    const { executionArn } = await svc.handle('StartExecution', { stateMachineArn: arn, input: '{}' }) as { executionArn: string };
    await svc.idle();
    expect(svc.executions.get(executionArn)).toMatchObject({ status: 'SUCCEEDED' });
    expect(svc.executions.get(executionArn)!.states).toHaveLength(15);
    const aborts = (calls: unknown[][]) => calls.filter(([type]) => type === 'abort').length;
    expect(aborts(added.mock.calls)).toBeGreaterThanOrEqual(15);
    expect(aborts(added.mock.calls) - aborts(removed.mock.calls)).toBe(0);
    svc.stop();
  } finally {
    added.mockRestore();
    removed.mockRestore();
  }
});

test('many executions waiting at once draw no MaxListenersExceededWarning (a queue of files waits together)', () => {
  // In a Node of its own: jest's sandbox does not see the process's warnings. Needs the build (npm run build).
  const script = `
    const { StepFunctionsService } = require(${JSON.stringify(require.resolve('../../packages/cli/local-cloud/services/stepfunctions.js'))});
    const svc = new StepFunctionsService({ region: 'us-east-1', accountId: '000000000000', timeScale: 0.01, invokeLambda: async () => ({}), putEvents: () => ({}) });
    const arn = svc.addStateMachine('wait', { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 20, End: true } } });
    (async () => {
      for (let i = 0; i < 15; i++) await svc.handle('StartExecution', { stateMachineArn: arn, input: '{}' });
      await svc.idle();
      console.log('done', [...svc.executions.values()].filter((e) => e.status === 'SUCCEEDED').length);
    })();`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 });
  expect(r.stdout.trim()).toBe('done 15');
  expect(r.stderr).not.toMatch(/MaxListenersExceededWarning/);
});
