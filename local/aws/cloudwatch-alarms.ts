// Metric alarms of the local CloudWatch: reading PutMetricAlarm, the MetricAlarm shape
// DescribeAlarms returns, and gathering an alarm's evaluation range from the metric store.
// (Events and history documents: cloudwatch-alarm-events.ts.)

import { optional } from '../../shared/domain/records.js';
import {
  BAND_OPERATORS,
  COMPARISON_OPERATORS,
  evaluationRangeLength,
  TREAT_MISSING_DATA,
  type AlarmRule,
  type AlarmState,
  type ComparisonOperator,
  type Datapoint,
  type TreatMissingData,
} from './alarm-evaluation.js';
import {
  alarmPeriod,
  bool,
  dimensionMap,
  dimensions,
  invalidCombination,
  invalidValue,
  list,
  metricDataQueries,
  missingParameter,
  num,
  queryPeriodOf,
  requiredStr,
  statistic,
  str,
  validationError,
  type Dimension,
  type Input,
  type MetricDataQuery,
  type Query,
} from './cloudwatch-input.js';
import { runQueries, returnedResults } from './cloudwatch-queries.js';
import { MetricStore } from './metric-store.js';
import { isSimple, statisticValue, type Statistic } from './metric-statistics.js';

/** An alarm's configuration, in PutMetricAlarm's own words (and JSON-ready for snapshots). */
export interface AlarmConfig {
  AlarmName: string;
  AlarmDescription?: string;
  ActionsEnabled: boolean;
  OKActions: string[];
  AlarmActions: string[];
  InsufficientDataActions: string[];
  MetricName?: string;
  Namespace?: string;
  Statistic?: string;
  ExtendedStatistic?: string;
  Dimensions?: Dimension[];
  Period?: number;
  Unit?: string;
  EvaluationPeriods: number;
  DatapointsToAlarm?: number;
  Threshold: number;
  ComparisonOperator: ComparisonOperator;
  TreatMissingData?: TreatMissingData;
  EvaluateLowSampleCountPercentile?: 'evaluate' | 'ignore';
  Metrics?: MetricDataQuery[];
  Tags?: Array<{ Key: string; Value: string }>;
}

export interface AlarmStatus {
  value: AlarmState;
  reason: string;
  reasonData?: string;
  /** ms since the epoch */
  updatedAt: number;
  transitionedAt: number;
}

export interface AlarmRecord {
  config: AlarmConfig;
  arn: string;
  configUpdatedAt: number;
  /** The id AWS gives a single-metric alarm's metric in events. */
  metricId: string;
  state: AlarmStatus;
  /** End (ms) of the last complete period this alarm was evaluated at. */
  evaluatedThrough?: number;
}

const PERCENTILE_OPTIONS = ['evaluate', 'ignore'] as const;

/** Reads and validates a PutMetricAlarm request (single metric or metric math). */
export function parseAlarmConfig(input: Input): AlarmConfig {
  const name = requiredStr(input, 'AlarmName', 255);
  if (!/^[\x20-\x7e]+$/.test(name)) throw invalidValue('Alarm names must contain only ASCII characters.');
  for (const unsupported of ['ThresholdMetricId', 'EvaluationCriteria']) {
    if (input[unsupported] !== undefined && input[unsupported] !== null) {
      throw invalidValue(
        `The local cloud does not support ${unsupported} (anomaly detection and PromQL alarms).`,
      );
    }
  }
  const operator = requiredStr(input, 'ComparisonOperator');
  if ((BAND_OPERATORS as readonly string[]).includes(operator)) {
    throw invalidValue(
      `The local cloud does not support anomaly detection alarms (ComparisonOperator ${operator}).`,
    );
  }
  if (!(COMPARISON_OPERATORS as readonly string[]).includes(operator)) {
    throw invalidValue(`The value ${operator} for parameter ComparisonOperator is not valid.`);
  }
  const evaluationPeriods = num(input, 'EvaluationPeriods', { required: true, integer: true, min: 1 })!;
  const datapointsToAlarm = num(input, 'DatapointsToAlarm', { integer: true, min: 1 });
  if (datapointsToAlarm !== undefined && datapointsToAlarm > evaluationPeriods) {
    throw invalidValue(
      `DatapointsToAlarm (${datapointsToAlarm}) must be less than or equal to EvaluationPeriods (${evaluationPeriods}).`,
    );
  }
  const treatMissingData = str(input, 'TreatMissingData');
  if (
    treatMissingData !== undefined &&
    !(TREAT_MISSING_DATA as readonly string[]).includes(treatMissingData)
  ) {
    throw invalidValue(
      `The value ${treatMissingData} for parameter TreatMissingData is not valid: use ${TREAT_MISSING_DATA.join(', ')}.`,
    );
  }
  const lowSample = str(input, 'EvaluateLowSampleCountPercentile');
  if (lowSample !== undefined && !(PERCENTILE_OPTIONS as readonly string[]).includes(lowSample)) {
    throw invalidValue(`The value ${lowSample} for parameter EvaluateLowSampleCountPercentile is not valid.`);
  }
  const actions = (field: string) => list<string>(input, field, 5).map(String);
  const config: AlarmConfig = {
    AlarmName: name,
    ...optional('AlarmDescription', str(input, 'AlarmDescription', { max: 1024 })),
    ActionsEnabled: bool(input, 'ActionsEnabled') ?? true,
    OKActions: actions('OKActions'),
    AlarmActions: actions('AlarmActions'),
    InsufficientDataActions: actions('InsufficientDataActions'),
    EvaluationPeriods: evaluationPeriods,
    ...optional('DatapointsToAlarm', datapointsToAlarm),
    Threshold: num(input, 'Threshold', { required: true })!,
    ComparisonOperator: operator as ComparisonOperator,
    ...optional('TreatMissingData', treatMissingData as TreatMissingData | undefined),
    ...optional(
      'EvaluateLowSampleCountPercentile',
      lowSample as AlarmConfig['EvaluateLowSampleCountPercentile'],
    ),
    ...optional(
      'Tags',
      input.Tags === undefined ? undefined : list<{ Key: string; Value: string }>(input, 'Tags'),
    ),
  };

  const single = [
    'MetricName',
    'Namespace',
    'Statistic',
    'ExtendedStatistic',
    'Dimensions',
    'Period',
    'Unit',
  ];
  const metrics = list<MetricDataQuery>(input, 'Metrics');
  if (metrics.length > 0) {
    const mixed = single.filter((field) => input[field] !== undefined && input[field] !== null);
    if (mixed.length > 0) {
      throw invalidCombination(`Metrics cannot be combined with ${mixed.join(', ')} in PutMetricAlarm.`);
    }
    const queries = metricDataQueries(metrics, 'Metrics', alarmPeriod);
    if (queries.filter((q) => q.returnData).length !== 1) {
      throw validationError('Exactly one element of the Metrics list must have ReturnData set to true.');
    }
    if (queries.filter((q) => q.kind === 'metric').length > 10) {
      throw validationError('An alarm on a math expression can include at most 10 metrics.');
    }
    const periods = new Set(queries.flatMap((q) => (q.kind === 'metric' ? [q.period] : [])));
    if (periods.size !== 1)
      throw validationError('Every metric of the Metrics list must use the same period.');
    // A dry run on an empty grid finds unknown ids and results that are not one time series.
    const dryRun = returnedResults(queries, runQueries(emptyStore, queries, 0, 0));
    if (dryRun.length !== 1)
      throw validationError('The alarm expression must produce exactly one time series.');
    config.Metrics = metrics.map(normalizeQuery);
    checkEvaluationLength(
      queryPeriodOf(
        queries.find((q) => q.returnData)!,
        queries,
      )!,
      evaluationPeriods,
    );
    return config;
  }

  const metricName = str(input, 'MetricName', { max: 255 });
  if (metricName === undefined) throw missingParameter('MetricName');
  const namespace = requiredStr(input, 'Namespace', 255);
  const stat = str(input, 'Statistic');
  const extended = str(input, 'ExtendedStatistic');
  if ((stat === undefined) === (extended === undefined)) {
    throw invalidCombination('Exactly one of Statistic and ExtendedStatistic must be specified.');
  }
  if (stat !== undefined) {
    if (!isSimple(statistic(stat, 'Statistic'))) {
      throw invalidValue(`Extended statistics such as ${stat} go in ExtendedStatistic, not Statistic.`);
    }
  } else alarmExtendedStatistic(extended!);
  const period = alarmPeriod(num(input, 'Period', { required: true, integer: true })!, 'Period');
  checkEvaluationLength(period, evaluationPeriods);
  return {
    ...config,
    MetricName: metricName,
    Namespace: namespace,
    ...optional('Statistic', stat),
    ...optional('ExtendedStatistic', extended),
    Dimensions: dimensions(input.Dimensions),
    Period: period,
    ...optional('Unit', str(input, 'Unit')),
  };
}

/**
 * Checks PutMetricAlarm's ExtendedStatistic. The API reference lists "p90, tm90, tc90, ts90,
 * wm90, IQM, PR(n:m) where n and m are values of the metric, TC(X%:X%) where X is between 10 and
 * 90 inclusive, …"; of these the local cloud computes pNN, tcNN, PR(n:m) and TC(X%:X%) (tm, ts,
 * wm and IQM not at all). A TC(…) with values for bounds is not in the list, nor one with a
 * percentage outside 10–90, so both are refused.
 */
function alarmExtendedStatistic(text: string): void {
  const parsed = statistic(text, 'ExtendedStatistic');
  if (isSimple(parsed)) throw invalidValue(`The statistic ${text} goes in Statistic, not ExtendedStatistic.`);
  if (parsed.kind !== 'trimmedCount' || !text.startsWith('TC(')) return;
  const { lower, upper } = parsed.bounds;
  if (parsed.percent && [lower, upper].every((x) => x === undefined || (x >= 10 && x <= 90))) return;
  throw invalidValue(
    `The value ${text} for parameter ExtendedStatistic is not valid: an alarm's trimmed count is ` +
      'TC(X%:X%), TC(X%:) or TC(:X%) with each X between 10 and 90 inclusive, or tcNN.',
  );
}

/** A validated MetricDataQuery as stored and described: only the API's members, numbers as numbers. */
function normalizeQuery(raw: MetricDataQuery): MetricDataQuery {
  const stat = raw.MetricStat;
  return {
    Id: raw.Id,
    ...optional(
      'MetricStat',
      stat === undefined || stat === null
        ? undefined
        : {
            Metric: {
              Namespace: stat.Metric.Namespace,
              MetricName: stat.Metric.MetricName,
              Dimensions: dimensions(stat.Metric.Dimensions),
            },
            Period: Number(stat.Period),
            Stat: stat.Stat,
            ...optional('Unit', stat.Unit),
          },
    ),
    ...optional('Expression', raw.Expression ?? undefined),
    ...optional('Label', raw.Label ?? undefined),
    ...optional('ReturnData', bool(raw as unknown as Input, 'ReturnData')),
    ...optional('Period', raw.Period === undefined || raw.Period === null ? undefined : Number(raw.Period)),
  };
}

/** "Period multiplied by EvaluationPeriods can't be more than 604,800 seconds. For alarms with a
 * period of less than one hour (3,600 seconds), the total evaluation period can't be longer than
 * one day (86,400 seconds)." (PutMetricAlarm, Period) */
function checkEvaluationLength(period: number, evaluationPeriods: number): void {
  const limit = period < 3600 ? 86_400 : 604_800;
  if (period * evaluationPeriods > limit) {
    throw invalidValue(
      `Period (${period}) multiplied by EvaluationPeriods (${evaluationPeriods}) must not exceed ${limit} seconds.`,
    );
  }
}

/** For dry runs of alarm expressions at PutMetricAlarm. */
const emptyStore = new MetricStore();

export function alarmPeriodOf(config: AlarmConfig): number {
  if (config.Period !== undefined) return config.Period;
  return config.Metrics?.find((m) => m.MetricStat !== undefined)?.MetricStat?.Period ?? 60;
}

export function alarmRule(config: AlarmConfig): AlarmRule {
  const statisticText = config.Statistic ?? config.ExtendedStatistic;
  return {
    periodSeconds: alarmPeriodOf(config),
    evaluationPeriods: config.EvaluationPeriods,
    datapointsToAlarm: config.DatapointsToAlarm ?? config.EvaluationPeriods,
    comparisonOperator: config.ComparisonOperator,
    threshold: config.Threshold,
    treatMissingData: config.TreatMissingData ?? 'missing',
    ...(statisticText === undefined ? {} : { statistic: statisticText }),
  };
}

/**
 * The alarm's evaluation range ending at `endMs` (a period boundary), oldest first, and whether the
 * newest datapoint has too few samples for its percentile: "For percentiles between 0.5 and 1.00,
 * this setting is used when there are fewer than 10/(1-percentile) data points during the
 * evaluation period … For percentiles between 0 and 0.5, … fewer than 10/percentile".
 */
/**
 * An alarm's metric queries, parsed once per configuration: each evaluation reads them again, and a
 * PutMetricAlarm replaces the configuration (and so its Metrics) whole.
 */
const parsed = new WeakMap<NonNullable<AlarmConfig['Metrics']>, Query[]>();

function parsedQueries(metrics: NonNullable<AlarmConfig['Metrics']>): Query[] {
  let queries = parsed.get(metrics);
  if (queries === undefined)
    parsed.set(metrics, (queries = metricDataQueries(metrics, 'Metrics', alarmPeriod)));
  return queries;
}

export function evaluationRange(
  store: MetricStore,
  config: AlarmConfig,
  endMs: number,
): { datapoints: Datapoint[]; lowSampleCount: boolean } {
  const period = alarmPeriodOf(config);
  const startMs = endMs - evaluationRangeLength(config.EvaluationPeriods) * period * 1000;
  const slots = Array.from({ length: evaluationRangeLength(config.EvaluationPeriods) }, (_, i) => ({
    timestamp: startMs + i * period * 1000,
  }));

  if (config.Metrics !== undefined) {
    const queries = parsedQueries(config.Metrics);
    const [result] = returnedResults(queries, runQueries(store, queries, startMs, endMs, { align: false }));
    const values = new Map(result?.timestamps.map((t, i) => [t, result.values[i]!]));
    return {
      datapoints: slots.map((s) => ({ ...s, ...optional('value', values.get(s.timestamp)) })),
      lowSampleCount: false,
    };
  }

  const metric = {
    namespace: config.Namespace!,
    name: config.MetricName!,
    dimensions: dimensionMap(config.Dimensions ?? []),
  };
  const stat: Statistic = statistic(config.Statistic ?? config.ExtendedStatistic!, 'Statistic');
  const unitMismatch =
    config.Unit !== undefined && store.unit(metric) !== undefined && store.unit(metric) !== config.Unit;
  const stats = unitMismatch ? [] : store.aggregate(metric, startMs, endMs, period);
  const byTime = new Map(stats.map((s) => [s.timestamp, s]));
  const datapoints = slots.map((slot): Datapoint => {
    const s = byTime.get(slot.timestamp);
    const value = s === undefined ? undefined : statisticValue(s, stat);
    return value === undefined ? slot : { ...slot, value, sampleCount: s!.sampleCount };
  });
  let lowSampleCount = false;
  const newest = [...datapoints].reverse().find((d) => d.value !== undefined);
  if (
    stat.kind === 'percentile' &&
    config.EvaluateLowSampleCountPercentile === 'ignore' &&
    newest !== undefined
  ) {
    const p = stat.p / 100;
    const needed = p >= 0.5 ? 10 / (1 - p) : 10 / p;
    lowSampleCount = (newest.sampleCount ?? 0) < needed;
  }
  return { datapoints, lowSampleCount };
}

/** The MetricAlarm structure of DescribeAlarms (timestamps as Dates; the protocol sends seconds). */
export function describeAlarm(record: AlarmRecord): Record<string, unknown> {
  const { config, state } = record;
  return {
    AlarmName: config.AlarmName,
    AlarmArn: record.arn,
    AlarmDescription: config.AlarmDescription,
    AlarmConfigurationUpdatedTimestamp: new Date(record.configUpdatedAt),
    ActionsEnabled: config.ActionsEnabled,
    OKActions: config.OKActions,
    AlarmActions: config.AlarmActions,
    InsufficientDataActions: config.InsufficientDataActions,
    StateValue: state.value,
    StateReason: state.reason,
    StateReasonData: state.reasonData,
    StateUpdatedTimestamp: new Date(state.updatedAt),
    MetricName: config.MetricName,
    Namespace: config.Namespace,
    Statistic: config.Statistic,
    ExtendedStatistic: config.ExtendedStatistic,
    Dimensions: config.Dimensions,
    Period: config.Period,
    Unit: config.Unit,
    EvaluationPeriods: config.EvaluationPeriods,
    DatapointsToAlarm: config.DatapointsToAlarm,
    Threshold: config.Threshold,
    ComparisonOperator: config.ComparisonOperator,
    TreatMissingData: config.TreatMissingData,
    EvaluateLowSampleCountPercentile: config.EvaluateLowSampleCountPercentile,
    Metrics: config.Metrics,
    StateTransitionedTimestamp: new Date(state.transitionedAt),
  };
}
