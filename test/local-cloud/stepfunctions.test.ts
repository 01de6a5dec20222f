/**
 * The local Step Functions service on its own: Wait states end without leaving anything behind.
 */
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
