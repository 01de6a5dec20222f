import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { METRICS_NAMESPACE } from '../../lambda/shared/metrics';

/**
 * A Metric the worker emits (names and dimension sets from lambda/shared/metrics.ts), with the
 * caller's options on top, as aws-cdk-lib's own `metricXxx(props)` methods do. The dimensions are
 * always the emitted set: CloudWatch finds a metric only by its full set.
 */
export function workerMetric(
  metricName: string,
  dimensionsMap: Record<string, string>,
  defaults: { statistic: string },
  props: cloudwatch.MetricOptions = {},
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    period: Duration.minutes(5),
    ...defaults,
    ...props,
    dimensionsMap,
  });
}
