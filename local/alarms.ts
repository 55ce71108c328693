// The catalog's alarm definitions as CloudWatch PutMetricAlarm requests: metric math
// over the service's two target groups, so an alarm watches the service whatever
// the split of traffic between its old and new task sets.
//
// The error rate counts the load balancer's own 5xx too. ALB publishes HTTPCode_ELB_5XX_Count per
// load balancer only (dimensions LoadBalancer, or AvailabilityZone and LoadBalancer), never per
// target group, so the alarm reads it for the whole load balancer: on a load balancer shared with
// other services their ELB 5xx count here as well, which errs towards alarming. Its RequestCount
// leaves out the requests it answered without choosing a target (a 503 for an empty group), so
// the ELB 5xx are added to the requests as well as to the errors.

import type { AlarmDefinition } from '../shared/domain/catalog-schema.js';

export interface TargetGroupDimensions {
  LoadBalancer: string;
  TargetGroup: string;
}

const NAMESPACE = 'AWS/ApplicationELB';

export function putMetricAlarmInput(alarm: AlarmDefinition, groups: readonly TargetGroupDimensions[]) {
  const stat = (
    id: string,
    metricName: string,
    group: TargetGroupDimensions | { LoadBalancer: string },
    statName: string,
  ) => ({
    Id: id,
    ReturnData: false,
    MetricStat: {
      Metric: {
        Namespace: NAMESPACE,
        MetricName: metricName,
        Dimensions: [
          ...('TargetGroup' in group ? [{ Name: 'TargetGroup', Value: group.TargetGroup }] : []),
          { Name: 'LoadBalancer', Value: group.LoadBalancer },
        ],
      },
      Period: alarm.periodSeconds,
      Stat: statName,
    },
  });
  const [a, b] = groups as [TargetGroupDimensions, TargetGroupDimensions];
  const queries = {
    'error-rate': {
      expression:
        '100 * (FILL(m1, 0) + FILL(m2, 0) + FILL(m5, 0)) / (FILL(m3, 0) + FILL(m4, 0) + FILL(m5, 0))',
      label: '5xx rate, target and load balancer (%)',
      metrics: [
        stat('m1', 'HTTPCode_Target_5XX_Count', a, 'Sum'),
        stat('m2', 'HTTPCode_Target_5XX_Count', b, 'Sum'),
        stat('m3', 'RequestCount', a, 'Sum'),
        stat('m4', 'RequestCount', b, 'Sum'),
        // Both target groups are behind the listener rule's one load balancer.
        stat('m5', 'HTTPCode_ELB_5XX_Count', { LoadBalancer: a.LoadBalancer }, 'Sum'),
      ],
    },
    'latency-p50': {
      expression: 'MAX([m1, m2])',
      label: 'p50 response time (s)',
      metrics: [stat('m1', 'TargetResponseTime', a, 'p50'), stat('m2', 'TargetResponseTime', b, 'p50')],
    },
    'latency-p99': {
      expression: 'MAX([m1, m2])',
      label: 'p99 response time (s)',
      metrics: [stat('m1', 'TargetResponseTime', a, 'p99'), stat('m2', 'TargetResponseTime', b, 'p99')],
    },
    'request-count': {
      expression: 'FILL(m1, 0) + FILL(m2, 0)',
      label: 'requests',
      metrics: [stat('m1', 'RequestCount', a, 'Sum'), stat('m2', 'RequestCount', b, 'Sum')],
    },
  }[alarm.metric];
  return {
    AlarmName: alarm.name,
    AlarmDescription: alarm.description ?? `${queries.label} ${alarm.comparison} ${alarm.threshold}`,
    ComparisonOperator: alarm.comparison,
    Threshold: alarm.threshold,
    EvaluationPeriods: alarm.evaluationPeriods,
    DatapointsToAlarm: alarm.datapointsToAlarm ?? alarm.evaluationPeriods,
    TreatMissingData: alarm.treatMissingData,
    Metrics: [
      { Id: 'e1', Expression: queries.expression, Label: queries.label, ReturnData: true },
      ...queries.metrics,
    ],
  };
}
