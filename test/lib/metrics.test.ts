import { App, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { CognitoImportQueue, CognitoUserImport } from '../../lib';
import { fileMetrics } from '../../lambda/report/notify';
import { emfRecord } from '../../lambda/runtime/emf';
import type { EngineConfig } from '../../lambda/runtime/deps';

const env = { account: '111122223333', region: 'eu-west-1' };
const POOL = 'eu-west-1_AbCdEf123';

function setup() {
  const stack = new Stack(new App(), 'M', { env });
  const userPool = cognito.UserPool.fromUserPoolId(stack, 'Pool', POOL);
  const queue = new CognitoImportQueue(stack, 'Queue', { tableName: 'import-queue' });
  const a = new CognitoUserImport(stack, 'A', { userPool, queue });
  const b = new CognitoUserImport(stack, 'B', { userPool, queue });
  return { stack, a, b, queue };
}

/** What the worker of `importer` emits for one finished file, parsed back from its EMF line. */
function emitted(importerId: string, status: 'Succeeded' | 'Failed' = 'Failed') {
  const config = { importerId, userPoolId: POOL } as EngineConfig;
  const totals = { rows: 3, imported: 1, skipped: 1, failed: 0, rejected: 1 };
  return fileMetrics(config, { status, totals }).map((g) => JSON.parse(emfRecord(g, 0)));
}

/** Every (namespace, name, dimensions) the EMF records define. */
function emittedMetrics(records: any[]) {
  return records.flatMap((r) => r._aws.CloudWatchMetrics.flatMap((d: any) => d.Metrics.map((m: any) => ({
    namespace: d.Namespace,
    name: m.Name,
    dimensions: Object.fromEntries(d.Dimensions[0].map((k: string) => [k, r[k]])),
  }))));
}

const described = (m: cloudwatch.Metric) => ({ namespace: m.namespace, name: m.metricName, dimensions: m.dimensions });

describe('metric methods', () => {
  test('each importer method names a metric the worker emits, with exactly its dimension set, summed per 5 minutes', () => {
    const { a } = setup();
    const records = emittedMetrics(emitted(a.importerId));
    const methods = {
      imported: a.metricImportedUsers(), skipped: a.metricSkippedUsers(), failed: a.metricFailedUsers(),
      rejected: a.metricRejectedRows(), failedFiles: a.metricFailedFiles(),
    };
    for (const [name, metric] of Object.entries(methods)) {
      expect(metric.metricName).toBe(name);
      expect(metric.namespace).toBe('CognitoUserImport');
      expect(metric.dimensions).toEqual({ importerId: a.importerId, userPoolId: POOL });
      expect(metric.statistic).toBe('Sum');
      expect(metric.period.toSeconds()).toBe(300);
      expect(records).toContainEqual(described(metric));
    }
    expect(records).toContainEqual(described(a.metricFiles('Failed')));
  });

  test('two importers on one pool are told apart by importerId', () => {
    const { a, b } = setup();
    expect(a.importerId).not.toBe(b.importerId);
    expect(a.metricFailedFiles().dimensions).not.toEqual(b.metricFailedFiles().dimensions);
    expect(emittedMetrics(emitted(b.importerId))).not.toContainEqual(described(a.metricFailedFiles()));
  });

  test('failedFiles is 1 for a Failed or Rejected file and 0 otherwise; files carries the status', () => {
    const { a } = setup();
    const value = (status: 'Succeeded' | 'Failed') => emitted(a.importerId, status)[0].failedFiles;
    expect(value('Failed')).toBe(1);
    expect(value('Succeeded')).toBe(0);
    expect(emitted(a.importerId, 'Succeeded')[1]).toMatchObject({ status: 'Succeeded', files: 1 });
  });

  test('options override statistic, period and label but never the dimensions', () => {
    const { a, queue } = setup();
    const m = a.metricImportedUsers({ statistic: 'Average', period: Duration.hours(1), label: 'Imported', dimensionsMap: { other: 'x' } });
    expect(m.statistic).toBe('Average');
    expect(m.period.toSeconds()).toBe(3600);
    expect(m.label).toBe('Imported');
    expect(m.dimensions).toEqual({ importerId: a.importerId, userPoolId: POOL });
    expect(Object.keys(queue.metricWaitTime({ dimensionsMap: { other: 'x' } }).dimensions!)).toEqual(['queueTable']);
  });

  test('queue methods: waiting files and wait time by queue table, maximum per 5 minutes; an imported queue has them too', () => {
    const { stack, queue } = setup();
    const waiting = queue.metricWaitingFiles();
    const wait = queue.metricWaitTime();
    expect([waiting.metricName, wait.metricName]).toEqual(['waitingFiles', 'waitTime']);
    for (const m of [waiting, wait]) {
      expect(m.namespace).toBe('CognitoUserImport');
      expect(stack.resolve(m.dimensions)).toEqual({ queueTable: { Ref: expect.stringMatching(/^QueueTable/) } });
      expect(m.statistic).toBe('Maximum');
    }
    const imported = CognitoImportQueue.fromTableName(stack, 'Imported', 'shared-queue');
    expect(imported.metricWaitTime().dimensions).toEqual({ queueTable: 'shared-queue' });
  });
});
