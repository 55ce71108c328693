// The GetMetricData queries for the catalog's analysis metrics over one target group. Metric
// number i answers under the id `m<i>` (the only query with ReturnData); the queries it is made
// of are `m<i>_<name>`, so that every metric of the call has ids of its own.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricDataQuery.html

import type { MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import type { AnalysisMetric } from '../domain/catalog-schema.js';
import type { ElbDimensions } from '../domain/elb-dimensions.js';
import { renameIds } from './metric-math-ids.js';

const ELB_NAMESPACE = 'AWS/ApplicationELB';
/** "The valid characters are letters, numbers, and underscore. The first character must be a lowercase letter." */
const QUERY_ID = /^[a-z][a-zA-Z0-9_]{0,254}$/;

/** The id metric number `index` of a call answers under. */
export function resultId(index: number): string {
  return `m${index}`;
}

/** The queries for one catalog metric, the one to return first. */
export function metricQueries(
  metric: AnalysisMetric,
  index: number,
  dimensions: ElbDimensions,
  periodSeconds: number,
): MetricDataQuery[] {
  const id = resultId(index);
  const part = (name: string) => checkedId(`${id}_${name}`, metric.name);
  const stat = (
    queryId: string,
    namespace: string,
    metricName: string,
    statName: string,
    on: ElbDimensions | Pick<ElbDimensions, 'LoadBalancer'> = dimensions,
  ) => metricStat(queryId, { namespace, metricName, stat: statName }, on, periodSeconds);
  const source = metric.source;
  if ('builtin' in source) {
    switch (source.builtin) {
      case 'error-rate': {
        // The target group's 5xx and the load balancer's own (HTTPCode_ELB_5XX_Count, published per
        // load balancer only, so all of them count against each target group), over the requests
        // plus those ELB 5xx (RequestCount leaves out a request answered before a target was chosen).
        // A period without a 5xx counts as 0 % if it had requests; one without either has no value.
        const [errors, requests, elb] = [part('errors'), part('requests'), part('elb')];
        return [
          {
            Id: id,
            Expression: `100 * (FILL(${errors}, 0) + FILL(${elb}, 0)) / (FILL(${requests}, 0) + FILL(${elb}, 0))`,
            Label: metric.name,
            ReturnData: true,
          },
          { ...stat(errors, ELB_NAMESPACE, 'HTTPCode_Target_5XX_Count', 'Sum'), ReturnData: false },
          { ...stat(requests, ELB_NAMESPACE, 'RequestCount', 'Sum'), ReturnData: false },
          {
            ...stat(elb, ELB_NAMESPACE, 'HTTPCode_ELB_5XX_Count', 'Sum', {
              LoadBalancer: dimensions.LoadBalancer,
            }),
            ReturnData: false,
          },
        ];
      }
      case 'latency-p50':
      case 'latency-p99': {
        const percentile = source.builtin === 'latency-p50' ? 'p50' : 'p99';
        const query = stat(id, ELB_NAMESPACE, 'TargetResponseTime', percentile);
        return [{ ...query, Label: metric.name, ReturnData: true }];
      }
    }
  }
  const inputIds = source.inputs.map((input) => input.id);
  const duplicate = inputIds.find((input, i) => inputIds.indexOf(input) !== i);
  if (duplicate !== undefined) {
    throw new RangeError(
      `analysis metric ${metric.name} has two inputs with the id ${duplicate}; ids must differ.`,
    );
  }
  return [
    {
      Id: id,
      Expression: renameIds(source.expression, inputIds, part),
      Label: metric.name,
      ReturnData: true,
    },
    ...source.inputs.map((input) => ({
      ...stat(part(input.id), input.namespace, input.metricName, input.stat),
      ReturnData: false,
    })),
  ];
}

function metricStat(
  id: string,
  metric: { namespace: string; metricName: string; stat: string },
  dimensions: ElbDimensions | Pick<ElbDimensions, 'LoadBalancer'>,
  periodSeconds: number,
): MetricDataQuery {
  return {
    Id: id,
    MetricStat: {
      Metric: {
        Namespace: metric.namespace,
        MetricName: metric.metricName,
        Dimensions: [
          ...('TargetGroup' in dimensions ? [{ Name: 'TargetGroup', Value: dimensions.TargetGroup }] : []),
          { Name: 'LoadBalancer', Value: dimensions.LoadBalancer },
        ],
      },
      Period: periodSeconds,
      Stat: metric.stat,
    },
  };
}

function checkedId(id: string, metricName: string): string {
  if (!QUERY_ID.test(id)) {
    throw new RangeError(
      `analysis metric ${metricName} would need the query id ${id}, which CloudWatch refuses ` +
        '(a lowercase letter, then letters, digits and _, at most 255 in all); shorten its input ids.',
    );
  }
  return id;
}
