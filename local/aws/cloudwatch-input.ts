// Reading and validating CloudWatch requests (AWS JSON 1.0; field names are the query protocol's
// member names). Errors carry the codes the CloudWatch API reference lists for each operation:
// InvalidParameterValue, MissingParameter, InvalidParameterCombination, and ValidationError for
// metric math (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_Operations.html).

import { parseMetricMath, referencedIds, usesMetricsFunction, type MathNode } from './metric-math.js';
import type { Dimensions, MetricId } from './metric-store.js';
import { readStatistic, type Statistic } from './metric-statistics.js';
import { AwsError } from '../errors.js';

export const invalidValue = (message: string) => new AwsError('InvalidParameterValue', message);
export const missingParameter = (name: string) =>
  new AwsError('MissingParameter', `The parameter ${name} is required.`);
export const invalidCombination = (message: string) => new AwsError('InvalidParameterCombination', message);
export const validationError = (message: string) => new AwsError('ValidationError', message);

export interface Dimension {
  Name: string;
  Value: string;
}

/** A MetricDataQuery as the API spells it (GetMetricData, PutMetricAlarm's Metrics). */
export interface MetricDataQuery {
  Id: string;
  MetricStat?: {
    Metric: { Namespace: string; MetricName: string; Dimensions?: Dimension[] };
    Period: number;
    Stat: string;
    Unit?: string;
  };
  Expression?: string;
  Label?: string;
  ReturnData?: boolean;
  Period?: number;
}

/** A validated query, ready to run against the metric store. */
export type Query = { id: string; label?: string; returnData: boolean } & (
  | { kind: 'metric'; metric: MetricId; period: number; stat: Statistic; unit?: string }
  | { kind: 'expression'; expression: string; node: MathNode; period?: number }
);

export type Input = Record<string, unknown>;

export function str(
  input: Input,
  field: string,
  options: { required?: boolean; max?: number } = {},
): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) {
    if (options.required === true) throw missingParameter(field);
    return undefined;
  }
  if (typeof value !== 'string') throw invalidValue(`The parameter ${field} must be a string.`);
  if (value === '' && options.required === true) throw missingParameter(field);
  if (options.max !== undefined && value.length > options.max) {
    throw invalidValue(`The parameter ${field} must be at most ${options.max} characters long.`);
  }
  return value;
}

export function requiredStr(input: Input, field: string, max?: number): string {
  return str(input, field, { required: true, max })!;
}

export function num(
  input: Input,
  field: string,
  options: { required?: boolean; integer?: boolean; min?: number; max?: number } = {},
) {
  const raw = input[field];
  if (raw === undefined || raw === null) {
    if (options.required === true) throw missingParameter(field);
    return undefined;
  }
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw invalidValue(`The value ${JSON.stringify(raw)} for parameter ${field} is not a number.`);
  }
  if (options.integer === true && !Number.isInteger(value)) {
    throw invalidValue(`The value ${value} for parameter ${field} must be a whole number.`);
  }
  if (options.min !== undefined && value < options.min) {
    throw invalidValue(`The value ${value} for parameter ${field} must be at least ${options.min}.`);
  }
  if (options.max !== undefined && value > options.max) {
    throw invalidValue(`The value ${value} for parameter ${field} must be at most ${options.max}.`);
  }
  return value;
}

export function bool(input: Input, field: string): boolean | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw invalidValue(`The parameter ${field} must be true or false.`);
}

export function list<T = unknown>(input: Input, field: string, max?: number): T[] {
  const value = input[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidValue(`The parameter ${field} must be a list.`);
  if (max !== undefined && value.length > max) {
    throw invalidValue(`The collection ${field} must not have more than ${max} members.`);
  }
  return value as T[];
}

export function object(value: unknown, field: string): Input {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalidValue(`The parameter ${field} must be a structure.`);
  }
  return value as Input;
}

/** Epoch seconds (what the SDKs send for AWS JSON), numeric strings, or ISO 8601 → ms. */
export function timestamp(input: Input, field: string, required = false): number | undefined {
  const raw = input[field];
  if (raw === undefined || raw === null) {
    if (required) throw missingParameter(field);
    return undefined;
  }
  let ms = Number.NaN;
  if (typeof raw === 'number') ms = raw * 1000;
  else if (typeof raw === 'string') ms = /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) * 1000 : Date.parse(raw);
  if (!Number.isFinite(ms))
    throw invalidValue(`The parameter ${field} must be a timestamp, not ${JSON.stringify(raw)}.`);
  return Math.round(ms);
}

export function dimensions(raw: unknown, field = 'Dimensions'): Dimension[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalidValue(`The parameter ${field} must be a list.`);
  if (raw.length > 30) throw invalidValue(`The collection ${field} must not have more than 30 members.`);
  const seen = new Set<string>();
  return raw.map((item, i) => {
    const dimension = object(item, `${field}.member.${i + 1}`);
    const name = requiredStr(dimension, 'Name', 255);
    const value = requiredStr(dimension, 'Value', 1024);
    if (seen.has(name)) throw invalidValue(`The dimension ${name} is specified more than once in ${field}.`);
    seen.add(name);
    return { Name: name, Value: value };
  });
}

export const dimensionMap = (list: readonly Dimension[]): Dimensions =>
  Object.fromEntries(list.map((d) => [d.Name, d.Value]));

/** A statistic (metric-statistics.ts), or InvalidParameterValue saying what is wrong with it. */
export function statistic(text: string, field: string): Statistic {
  const read = readStatistic(text);
  if (typeof read === 'string')
    throw invalidValue(`The value ${text} for parameter ${field} is not valid: ${read}.`);
  return read;
}

/** "Valid values are 1, 5, 10, 20, 30, 60, and any multiple of 60" (GetMetricData, GetMetricStatistics). */
export function queryPeriod(value: number, field: string): number {
  if (Number.isInteger(value) && value > 0 && ([1, 5, 10, 20, 30].includes(value) || value % 60 === 0))
    return value;
  throw invalidValue(
    `The value ${value} for parameter ${field} is not valid: use 1, 5, 10, 20, 30 or a multiple of 60.`,
  );
}

/** "Valid values are 10, 20, 30, and any multiple of 60" (alarms). */
export function alarmPeriod(value: number, field: string): number {
  if (Number.isInteger(value) && value > 0 && ([10, 20, 30].includes(value) || value % 60 === 0))
    return value;
  throw invalidValue(
    `The value ${value} for parameter ${field} is not valid: use 10, 20, 30 or a multiple of 60.`,
  );
}

const ID_PATTERN = /^[a-z][a-zA-Z0-9_]*$/;

/**
 * Validates MetricDataQueries: ids unique and starting with a lowercase letter, exactly one of
 * MetricStat and Expression each, valid statistics and periods, expressions that parse and refer
 * only to ids of the request, and no cycles between expressions.
 */
export function metricDataQueries(
  raw: unknown[],
  field: string,
  periodOf: (p: number, f: string) => number,
): Query[] {
  if (raw.length === 0) throw missingParameter(field);
  if (raw.length > 500) throw invalidValue(`The collection ${field} must not have more than 500 members.`);
  const queries = raw.map((item, i): Query => {
    const where = `${field}.member.${i + 1}`;
    const q = object(item, where);
    const id = requiredStr(q, 'Id', 255);
    if (!ID_PATTERN.test(id)) {
      throw validationError(
        `The value ${id} for ${where}.Id is not valid: an Id starts with a lowercase letter.`,
      );
    }
    const label = str(q, 'Label');
    const returnData = bool(q, 'ReturnData') ?? true;
    const period = num(q, 'Period', { integer: true });
    const base = { id, returnData, ...(label === undefined ? {} : { label }) };
    const expression = str(q, 'Expression', { max: 2048 });
    if ((q.MetricStat === undefined || q.MetricStat === null) === (expression === undefined)) {
      throw invalidCombination(`${where} must have exactly one of MetricStat and Expression.`);
    }
    if (expression !== undefined) {
      let node: MathNode;
      try {
        node = parseMetricMath(expression);
      } catch (error) {
        throw validationError(`Error in expression ${id}: ${(error as Error).message}`);
      }
      return { ...base, kind: 'expression', expression, node, ...(period === undefined ? {} : { period }) };
    }
    const stat = object(q.MetricStat, `${where}.MetricStat`);
    const metric = object(stat.Metric, `${where}.MetricStat.Metric`);
    const statText = requiredStr(stat, 'Stat');
    const unit = str(stat, 'Unit');
    return {
      ...base,
      kind: 'metric',
      metric: {
        namespace: requiredStr(metric, 'Namespace', 255),
        name: requiredStr(metric, 'MetricName', 255),
        dimensions: dimensionMap(dimensions(metric.Dimensions, `${where}.MetricStat.Metric.Dimensions`)),
      },
      period: periodOf(num(stat, 'Period', { required: true, integer: true })!, `${where}.MetricStat.Period`),
      stat: statistic(statText, `${where}.MetricStat.Stat`),
      ...(unit === undefined ? {} : { unit }),
    };
  });
  const ids = new Set<string>();
  for (const q of queries) {
    if (ids.has(q.id)) throw validationError(`The Id ${q.id} is used by more than one query in ${field}.`);
    ids.add(q.id);
  }
  for (const q of queries) {
    if (q.kind !== 'expression') continue;
    for (const ref of referencedIds(q.node)) {
      if (!ids.has(ref)) throw validationError(`Error in expression ${q.id}: Unknown id ${ref}`);
    }
  }
  checkCycles(queries);
  if (!queries.some((q) => q.returnData)) {
    throw validationError(`At least one query in ${field} must have ReturnData set to true.`);
  }
  return queries;
}

function checkCycles(queries: Query[]): void {
  const byId = new Map(queries.map((q) => [q.id, q]));
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (q: Query, path: string[]): void => {
    if (state.get(q.id) === 'done' || q.kind !== 'expression') return;
    if (state.get(q.id) === 'visiting') {
      throw validationError(
        `The expressions ${[...path, q.id].join(' -> ')} refer to each other in a cycle.`,
      );
    }
    state.set(q.id, 'visiting');
    for (const ref of referencedIds(q.node)) visit(byId.get(ref)!, [...path, q.id]);
    state.set(q.id, 'done');
  };
  for (const q of queries) visit(q, []);
}

/** The period of a query: its MetricStat's, or the one shared by every metric an expression uses. */
export function queryPeriodOf(query: Query, queries: readonly Query[]): number | undefined {
  const byId = new Map(queries.map((q) => [q.id, q]));
  const periods = new Set<number>();
  const visit = (q: Query, seen: Set<string>): void => {
    if (seen.has(q.id)) return;
    seen.add(q.id);
    if (q.kind === 'metric') {
      periods.add(q.period);
      return;
    }
    if (usesMetricsFunction(q.node)) for (const m of queries) if (m.kind === 'metric') periods.add(m.period);
    for (const ref of referencedIds(q.node)) visit(byId.get(ref)!, seen);
  };
  visit(query, new Set());
  if (periods.size > 1) {
    throw validationError(
      `Error in expression ${query.id}: the metrics it uses have different periods (${[...periods].join(', ')} seconds).`,
    );
  }
  const [period] = periods;
  return period ?? (query.kind === 'expression' ? query.period : undefined);
}

const TOKEN_PREFIX = 'local-cloudwatch:';

/** NextToken values: opaque to clients, a position (alarm name, history item) to the local cloud. */
export function encodeToken(position: string): string {
  return Buffer.from(TOKEN_PREFIX + position, 'utf8').toString('base64');
}

export function decodeToken(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  const text = Buffer.from(token, 'base64').toString('utf8');
  if (!text.startsWith(TOKEN_PREFIX)) throw invalidToken();
  return text.slice(TOKEN_PREFIX.length);
}

export const invalidToken = () => new AwsError('InvalidNextToken', 'The next token specified is invalid.');
