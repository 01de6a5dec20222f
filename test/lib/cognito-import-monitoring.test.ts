import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as sns from 'aws-cdk-lib/aws-sns';
import { CognitoImportMonitoring, CognitoImportMonitoringProps, CognitoImportQueue, CognitoUserImport } from '../../lib';

const env = { account: '111122223333', region: 'eu-west-1' };

function setup(props: Partial<CognitoImportMonitoringProps> = {}, importers = 2) {
  const stack = new Stack(new App(), 'Mon', { env });
  const userPool = new cognito.UserPool(stack, 'Pool');
  const queue = new CognitoImportQueue(stack, 'Queue');
  const list = Array.from({ length: importers }, (_, i) => new CognitoUserImport(stack, `Import${i}`, { userPool, queue }));
  const monitoring = new CognitoImportMonitoring(stack, 'Monitoring', { importers: list, ...props });
  return { stack, importers: list, monitoring, template: Template.fromStack(stack) };
}

describe('CognitoImportMonitoring', () => {
  test('three alarms per importer: failed or rejected files, dead-letter messages, failed or timed-out executions', () => {
    const { template, monitoring, importers } = setup();
    expect(monitoring.alarms).toHaveLength(6);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 6);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'CognitoUserImport', MetricName: 'failedFiles', Statistic: 'Sum', Threshold: 1, Period: 300,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching',
      Dimensions: Match.arrayWith([{ Name: 'importerId', Value: importers[0].importerId }]),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Statistic: 'Maximum', Threshold: 1 });
    const executionAlarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'))
      .filter((a: any) => (a.Properties.Metrics ?? []).some((m: any) => m.Expression?.includes('timedOut')));
    expect(executionAlarms).toHaveLength(2);
    const names = executionAlarms[0].Properties.Metrics.filter((m: any) => m.MetricStat).map((m: any) => m.MetricStat.Metric.MetricName).sort();
    expect(names).toEqual(['ExecutionsFailed', 'ExecutionsTimedOut']);
  });

  test('with alarmTopic, every alarm notifies it on ALARM and on OK', () => {
    const stack = new Stack(new App(), 'Topic', { env });
    const topic = new sns.Topic(stack, 'Alerts');
    const importer = new CognitoUserImport(stack, 'Import', { userPool: new cognito.UserPool(stack, 'Pool') });
    new CognitoImportMonitoring(stack, 'Monitoring', { importers: [importer], alarmTopic: topic });
    const alarms = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(3);
    for (const a of alarms as any[]) {
      expect(a.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^Alerts/) }]);
      expect(a.Properties.OKActions).toEqual([{ Ref: expect.stringMatching(/^Alerts/) }]);
    }
  });

  test('thresholds, period and dashboard name are taken from the props', () => {
    const { template } = setup({ failedFilesThreshold: 3, deadLetterMessagesThreshold: 2, failedExecutionsThreshold: 4, alarmPeriod: Duration.minutes(15), dashboardName: 'imports' }, 1);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'failedFiles', Threshold: 3, Period: 900 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 2, Period: 900 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 4, Metrics: Match.anyValue() });
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'imports' });
  });

  test('the dashboard shows files by status, users, executions, the dead-letter queue, the worker and the shared queue once', () => {
    const { stack, template } = setup();
    const dashboards = template.findResources('AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(stack.resolve(Object.values(dashboards)[0].Properties.DashboardBody));
    for (const text of ['Files by status', 'PartiallySucceeded', 'Rejected', 'imported', 'skipped', 'rejected', 'ExecutionsFailed', 'ExecutionsTimedOut',
      'ApproximateNumberOfMessagesVisible', 'Errors', 'Throttles', 'Duration', 'waitingFiles', 'waitTime', 'queueTable']) {
      expect(body).toContain(text);
    }
    // Two importers share one queue: its widgets appear once.
    expect(body.split('files waiting ahead').length - 1).toBe(1);
  });

  test.each<[string, Partial<CognitoImportMonitoringProps>, RegExp]>([
    ['no importer', { importers: [] }, /importers is empty; pass the CognitoUserImport constructs/],
    ['a threshold of 0', { failedFilesThreshold: 0 }, /failedFilesThreshold is 0; it must be a whole number of at least 1/],
    ['a fractional threshold', { failedExecutionsThreshold: 1.5 }, /failedExecutionsThreshold is 1.5/],
    ['a period under a minute', { alarmPeriod: Duration.seconds(30) }, /alarmPeriod is 30 seconds; use a whole number of minutes/],
    ['a dashboard name with spaces', { dashboardName: 'my imports' }, /dashboardName 'my imports' may hold only letters, digits/],
  ])('refuses %s with a message that says what to do', (_name, props, message) => {
    expect(() => setup(props, 1)).toThrow(message);
  });

  test('refuses an importer listed twice', () => {
    const stack = new Stack(new App(), 'Twice', { env });
    const importer = new CognitoUserImport(stack, 'Import', { userPool: new cognito.UserPool(stack, 'Pool') });
    expect(() => new CognitoImportMonitoring(stack, 'Monitoring', { importers: [importer, importer] })).toThrow(/listed twice/);
  });
});
