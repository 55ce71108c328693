// The metric data operations of the local CloudWatch: PutMetricData, GetMetricData and
// GetMetricStatistics, over the metric store. Limits and messages follow the API reference:
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html,
// API_GetMetricData.html and API_GetMetricStatistics.html.

import {
  dimensionMap,
  dimensions,
  invalidCombination,
  invalidValue,
  list,
  metricDataQueries,
  missingParameter,
  num,
  object,
  queryPeriod,
  requiredStr,
  statistic,
  str,
  timestamp,
  type Input,
} from './cloudwatch-input.js';
import { alignStart, returnedResults, runQueries } from './cloudwatch-queries.js';
import type { MetricStore, MetricValues } from './metric-store.js';
import { isSimple, isSimpleName, statisticValue, type SimpleStatistic } from './metric-statistics.js';
import { AwsError } from '../errors.js';

const TWO_WEEKS_MS = 14 * 24 * 60 * 60 * 1000;
const TWO_HOURS_MS = 2 * 60 * 60 * 1000;
/** "Values … can be as large as 2^360" and as small as 2^-260 in magnitude. */
const MAX_MAGNITUDE = 2 ** 360;

const UNITS = new Set(
  (
    'Seconds Microseconds Milliseconds Bytes Kilobytes Megabytes Gigabytes Terabytes Bits Kilobits Megabits ' +
    'Gigabits Terabits Percent Count Bytes/Second Kilobytes/Second Megabytes/Second Gigabytes/Second ' +
    'Terabytes/Second Bits/Second Kilobits/Second Megabits/Second Gigabits/Second Terabits/Second Count/Second None'
  ).split(' '),
);

function unitOf(input: Input, field: string): string | undefined {
  const unit = str(input, 'Unit');
  if (unit !== undefined && !UNITS.has(unit))
    throw invalidValue(`The value ${unit} for parameter ${field} is not a unit.`);
  return unit;
}

function value(raw: unknown, field: string): number {
  const number = typeof raw === 'string' ? Number(raw) : raw;
  if (typeof number !== 'number' || !Number.isFinite(number) || Math.abs(number) > MAX_MAGNITUDE) {
    throw invalidValue(`The value ${JSON.stringify(raw)} for parameter ${field} is not a valid number.`);
  }
  return number;
}

/** PutMetricData: up to 1000 datums, each a Value, Values (with Counts) or StatisticValues. */
export function putMetricData(store: MetricStore, input: Input, now: number): Record<string, never> {
  const namespace = requiredStr(input, 'Namespace', 255);
  if (namespace.startsWith('AWS/') || namespace.startsWith(':')) {
    throw invalidValue(
      `The value ${namespace} for parameter Namespace is invalid: AWS/ namespaces are reserved.`,
    );
  }
  const data = list(input, 'MetricData', 1000);
  if (data.length === 0) throw missingParameter('MetricData');
  const records = data.map((raw, i) => {
    const where = `MetricData.member.${i + 1}`;
    const datum = object(raw, where);
    const name = requiredStr(datum, 'MetricName', 255);
    const at = timestamp(datum, 'Timestamp') ?? now;
    if (at < now - TWO_WEEKS_MS) {
      throw invalidValue(
        `The parameter ${where}.Timestamp must specify a time no more than two weeks in the past.`,
      );
    }
    if (at > now + TWO_HOURS_MS) {
      throw invalidValue(
        `The parameter ${where}.Timestamp must specify a time no more than two hours in the future.`,
      );
    }
    const given = ['Value', 'Values', 'StatisticValues'].filter(
      (f) => datum[f] !== undefined && datum[f] !== null,
    );
    if (given.length > 1) {
      throw invalidCombination(
        `The parameters ${given.map((f) => `${where}.${f}`).join(' and ')} are mutually exclusive.`,
      );
    }
    if (given.length === 0) throw missingParameter(`${where}.Value`);
    const counts = list(datum, 'Counts', 150);
    if (counts.length > 0 && given[0] !== 'Values') {
      throw invalidCombination(`The parameter ${where}.Counts can only be used with ${where}.Values.`);
    }
    let values: MetricValues;
    if (given[0] === 'Value') {
      values = value(datum.Value, `${where}.Value`);
    } else if (given[0] === 'Values') {
      const raw = list(datum, 'Values', 150).map((v, j) => value(v, `${where}.Values.member.${j + 1}`));
      if (counts.length > 0 && counts.length !== raw.length) {
        throw invalidValue(
          `The parameters ${where}.Values and ${where}.Counts must have the same number of members.`,
        );
      }
      values = { values: raw, counts: counts.map((c, j) => value(c, `${where}.Counts.member.${j + 1}`)) };
      if (counts.length === 0) values = { values: raw };
    } else {
      const set = object(datum.StatisticValues, `${where}.StatisticValues`);
      const field = (f: string) => {
        if (set[f] === undefined || set[f] === null) throw missingParameter(`${where}.StatisticValues.${f}`);
        return value(set[f], `${where}.StatisticValues.${f}`);
      };
      values = {
        sampleCount: field('SampleCount'),
        sum: field('Sum'),
        minimum: field('Minimum'),
        maximum: field('Maximum'),
      };
      if (values.sampleCount <= 0 || values.minimum > values.maximum) {
        throw invalidValue(
          `The statistic set ${where}.StatisticValues needs SampleCount > 0 and Minimum <= Maximum.`,
        );
      }
    }
    const resolution = num(datum, 'StorageResolution', { integer: true });
    if (resolution !== undefined && resolution !== 1 && resolution !== 60) {
      throw invalidValue(`The value ${resolution} for parameter ${where}.StorageResolution must be 1 or 60.`);
    }
    return {
      name,
      dimensions: dimensionMap(dimensions(datum.Dimensions, `${where}.Dimensions`)),
      at,
      values,
      unit: unitOf(datum, `${where}.Unit`),
    };
  });
  // Validate everything first: a bad datum rejects the whole request, as on AWS.
  for (const r of records) store.record(namespace, r.name, r.dimensions, r.at, r.values, r.unit);
  return {};
}

function timeRange(input: Input): { start: number; end: number } {
  const start = timestamp(input, 'StartTime', true)!;
  const end = timestamp(input, 'EndTime', true)!;
  if (start >= end) throw invalidValue('The parameter StartTime must be less than the parameter EndTime.');
  return { start, end };
}

/** GetMetricData: metrics and metric math, each on its period's grid from the (rounded) StartTime. */
export function getMetricData(store: MetricStore, input: Input): Record<string, unknown> {
  const queries = metricDataQueries(list(input, 'MetricDataQueries'), 'MetricDataQueries', queryPeriod);
  const { start, end } = timeRange(input);
  const scanBy = str(input, 'ScanBy') ?? 'TimestampDescending';
  if (scanBy !== 'TimestampDescending' && scanBy !== 'TimestampAscending') {
    throw invalidValue(`The value ${scanBy} for parameter ScanBy is not valid.`);
  }
  if (str(input, 'NextToken') !== undefined) {
    throw new AwsError(
      'InvalidNextToken',
      'The next token specified is invalid: the local cloud returns every datapoint at once.',
    );
  }
  const results = returnedResults(queries, runQueries(store, queries, start, end));
  return {
    MetricDataResults: results.map((r) => {
      const order = r.timestamps.map((_, i) => i);
      if (scanBy === 'TimestampDescending') order.reverse();
      return {
        Id: r.id,
        Label: r.label,
        Timestamps: order.map((i) => new Date(r.timestamps[i]!)),
        Values: order.map((i) => r.values[i]!),
        StatusCode: 'Complete',
        Messages: [],
      };
    }),
    Messages: [],
  };
}

/** GetMetricStatistics: Statistics and ExtendedStatistics per period, at most 1,440 datapoints. */
export function getMetricStatistics(store: MetricStore, input: Input): Record<string, unknown> {
  const metric = {
    namespace: requiredStr(input, 'Namespace', 255),
    name: requiredStr(input, 'MetricName', 255),
    dimensions: dimensionMap(dimensions(input.Dimensions)),
  };
  const { start, end } = timeRange(input);
  const period = queryPeriod(num(input, 'Period', { required: true, integer: true })!, 'Period');
  const simple = list<string>(input, 'Statistics', 5);
  const extended = list<string>(input, 'ExtendedStatistics', 10);
  if (simple.length === 0 && extended.length === 0) {
    throw invalidCombination(
      'At least one of the parameters Statistics and ExtendedStatistics must be specified.',
    );
  }
  for (const s of simple) {
    if (!isSimpleName(s)) throw invalidValue(`The value ${s} for parameter Statistics is not valid.`);
  }
  // Percentiles, percentile ranks and trimmed counts; the simple statistics go in Statistics.
  const extendedStatistics = extended.map((s) => {
    const parsed = statistic(s, 'ExtendedStatistics');
    if (isSimple(parsed))
      throw invalidValue(
        `The value ${s} for parameter ExtendedStatistics is not valid: ${s} goes in Statistics.`,
      );
    return [s, parsed] as const;
  });
  const unit = unitOf(input, 'Unit');
  const from = alignStart(start, period);
  const requested = Math.ceil((end - from) / (period * 1000));
  if (requested > 1440) {
    throw invalidCombination(
      `You have requested up to ${requested.toLocaleString('en-US')} datapoints, which exceeds the limit of 1,440. ` +
        'You may reduce the datapoints requested by increasing Period, or decreasing the time range.',
    );
  }
  const storedUnit = store.unit(metric);
  const stats =
    unit !== undefined && storedUnit !== undefined && storedUnit !== unit
      ? []
      : store.aggregate(metric, from, end, period);
  return {
    Label: metric.name,
    Datapoints: stats.map((s) => {
      const extendedValues = extendedStatistics.flatMap(([text, p]) => {
        const v = statisticValue(s, p);
        return v === undefined ? [] : [[text, v] as const];
      });
      return {
        Timestamp: new Date(s.timestamp),
        ...Object.fromEntries(
          simple.map((name) => [name, statisticValue(s, { kind: name as SimpleStatistic })]),
        ),
        Unit: unit ?? storedUnit ?? 'None',
        ...(extendedValues.length === 0 ? {} : { ExtendedStatistics: Object.fromEntries(extendedValues) }),
      };
    }),
  };
}
