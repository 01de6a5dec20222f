import { METRIC_UNITS, MetricGroup, METRICS_NAMESPACE } from '../shared/metrics';

/**
 * One CloudWatch embedded-metric-format record per group: a JSON log line CloudWatch Logs turns into
 * metrics (no PutMetricData call, so no IAM permission). Written by hand rather than through a
 * metrics library so the dimension set is exactly the group's (a library's default dimensions,
 * e.g. `service`, would make the metric one `metricXxx()` cannot find). Dimension values are ids
 * and statuses only, never user data.
 */
export function emfRecord(group: MetricGroup, timestampMs: number): string {
  const names = Object.keys(group.values);
  return JSON.stringify({
    _aws: {
      Timestamp: timestampMs,
      CloudWatchMetrics: [{
        Namespace: METRICS_NAMESPACE,
        Dimensions: [Object.keys(group.dimensions)],
        Metrics: names.map((name) => ({ Name: name, Unit: METRIC_UNITS[name] ?? 'Count' })),
      }],
    },
    ...group.dimensions,
    ...group.values,
  });
}
