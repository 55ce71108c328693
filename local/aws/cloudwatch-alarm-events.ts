// The documents AWS writes about metric alarms: the EventBridge "CloudWatch Alarm State Change"
// event (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html)
// and the HistoryData of DescribeAlarmHistory items (StateUpdate and ConfigurationUpdate).

import { javaJson, reasonDataDate, type AlarmState } from './alarm-evaluation.js';
import type { AlarmRecord, AlarmStatus } from './cloudwatch-alarms.js';
import { optional } from '../../shared/domain/records.js';
import { dimensionMap, type Dimension } from './cloudwatch-input.js';

export interface EventState {
  value: AlarmState;
  reason: string;
  reasonData?: string;
  timestamp: string;
}

/** The EventBridge event CloudWatch sends when an alarm changes state. */
export interface AlarmStateChangeEvent {
  version: '0';
  id: string;
  'detail-type': 'CloudWatch Alarm State Change';
  source: 'aws.cloudwatch';
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: {
    alarmName: string;
    state: EventState;
    previousState: EventState;
    configuration: { description?: string; metrics: Array<Record<string, unknown>> };
  };
}

/** The alarm's metrics as events show them: `metricStat.metric.dimensions` is a map. */
function eventMetrics(record: AlarmRecord): Array<Record<string, unknown>> {
  const metricStat = (
    metric: { Namespace?: string; MetricName?: string; Dimensions?: Dimension[] },
    period: number,
    stat: string,
  ) => ({
    metric: {
      dimensions: dimensionMap(metric.Dimensions ?? []),
      name: metric.MetricName,
      namespace: metric.Namespace,
    },
    period,
    stat,
  });
  const { config } = record;
  if (config.Metrics === undefined) {
    const stat = config.Statistic ?? config.ExtendedStatistic ?? '';
    return [
      { id: record.metricId, metricStat: metricStat(config, config.Period ?? 60, stat), returnData: true },
    ];
  }
  return config.Metrics.map((q) => ({
    ...optional('expression', q.Expression),
    id: q.Id,
    ...optional('label', q.Label),
    ...optional(
      'metricStat',
      q.MetricStat === undefined
        ? undefined
        : metricStat(q.MetricStat.Metric, q.MetricStat.Period, q.MetricStat.Stat),
    ),
    returnData: q.ReturnData ?? true,
  }));
}

function eventState(state: AlarmStatus): EventState {
  return {
    value: state.value,
    reason: state.reason,
    ...optional('reasonData', state.reasonData),
    timestamp: reasonDataDate(state.updatedAt),
  };
}

export function stateChangeEvent(
  record: AlarmRecord,
  previous: AlarmStatus,
  where: { account: string; region: string },
): AlarmStateChangeEvent {
  return {
    version: '0',
    id: crypto.randomUUID(),
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account: where.account,
    time: new Date(record.state.updatedAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: where.region,
    resources: [record.arn],
    detail: {
      alarmName: record.config.AlarmName,
      state: eventState(record.state),
      previousState: eventState(previous),
      configuration: {
        ...optional('description', record.config.AlarmDescription),
        metrics: eventMetrics(record),
      },
    },
  };
}

/** StateUpdate HistoryData: `{"version":"1.0","oldState":{…},"newState":{…}}`, reasonData inlined. */
export function stateHistoryData(oldState: AlarmStatus, newState: AlarmStatus): string {
  const state = (s: AlarmStatus) =>
    `{"stateValue":${JSON.stringify(s.value)},"stateReason":${JSON.stringify(s.reason)}` +
    `${s.reasonData === undefined ? '' : `,"stateReasonData":${s.reasonData}`}}`;
  return `{"version":"1.0","oldState":${state(oldState)},"newState":${state(newState)}}`;
}

/** ConfigurationUpdate HistoryData, e.g. `{"version":"1.0","type":"Create","createdAlarm":{…}}`. */
export function configHistoryData(
  type: 'Create' | 'Update' | 'Delete',
  record: AlarmRecord,
  before?: AlarmRecord,
): string {
  const alarm = (r: AlarmRecord) => {
    const { OKActions, Tags: _tags, ...rest } = r.config;
    const camel = Object.fromEntries(
      Object.entries({
        ...rest,
        AlarmArn: r.arn,
        AlarmConfigurationUpdatedTimestamp: reasonDataDate(r.configUpdatedAt),
        StateValue: r.state.value,
        StateUpdatedTimestamp: reasonDataDate(r.state.updatedAt),
      }).map(([k, v]) => [k.charAt(0).toLowerCase() + k.slice(1), lowerKeys(v)]),
    );
    return { ...camel, okactions: OKActions };
  };
  const body =
    type === 'Create'
      ? { createdAlarm: alarm(record) }
      : type === 'Delete'
        ? { deletedAlarm: alarm(record) }
        : { originalUpdatedAlarm: alarm(before ?? record), updatedAlarm: alarm(record) };
  return javaJson({ version: '1.0', type, ...body });
}

function lowerKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(lowerKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k.charAt(0).toLowerCase() + k.slice(1), lowerKeys(v)]),
  );
}
